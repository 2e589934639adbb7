#!/usr/bin/env node
// Checks that only Kong's proxy is reachable from outside the compose network, and the
// operators' consoles (Prometheus, Grafana) from the host itself only:
//
//   docker-compose -f docker-compose.yml config | node tools/deploy/check-compose-ports.mjs
//
// Reads the resolved configuration (interpolated, normalised by `docker-compose config`) on
// stdin. Fails when Kong publishes anything but its proxy port 8000, when a console publishes a
// port on an address other than the loopback 127.0.0.1, when any other service has `ports`, or
// when the orchestrator cannot be scaled (a container_name pins one container). `expose` is
// allowed everywhere: it publishes nothing outside the network.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const GATEWAY = 'kong';
const GATEWAY_PROXY_PORT = 8000;
const SCALED = 'orchestrator';
/** Reached by the operator on the host running compose, never from the network. */
const CONSOLES = ['prometheus', 'grafana'];
const LOOPBACK = '127.0.0.1';

/** The container port of a `ports` entry, short ("8000:8000", "127.0.0.1:8000:8000/tcp") or long. */
function targetPort(entry) {
  if (typeof entry === 'object') return Number(entry.target);
  const withoutProtocol = String(entry).split('/')[0];
  return Number(withoutProtocol.split(':').at(-1));
}

/** The host address of a `ports` entry, short ("127.0.0.1:9090:9090/tcp") or long; '' for every address. */
function hostIp(entry) {
  if (typeof entry === 'object') return entry.host_ip ?? '';
  const parts = String(entry).split('/')[0].split(':');
  return parts.length === 3 ? parts[0] : '';
}

export function checkPorts(config) {
  const problems = [];
  for (const [name, service] of Object.entries(config.services ?? {})) {
    const ports = service.ports ?? [];
    if (name === GATEWAY) {
      const targets = ports.map(targetPort);
      if (targets.length !== 1 || targets[0] !== GATEWAY_PROXY_PORT) {
        problems.push(
          `${name} must publish its proxy port ${GATEWAY_PROXY_PORT} only (publishes ${JSON.stringify(ports)})`,
        );
      }
    } else if (CONSOLES.includes(name)) {
      const exposed = ports.filter((entry) => hostIp(entry) !== LOOPBACK);
      if (exposed.length > 0) {
        problems.push(`${name} publishes ${JSON.stringify(exposed)} beyond the host: bind it to ${LOOPBACK}`);
      }
    } else if (ports.length > 0) {
      problems.push(
        `${name} publishes ${JSON.stringify(ports)}: only ${GATEWAY}, and ${CONSOLES.join(' and ')} on ${LOOPBACK}, may; use expose`,
      );
    }
  }
  if (!config.services?.[GATEWAY]) problems.push(`no ${GATEWAY} service`);
  if (config.services?.[SCALED]?.container_name) {
    problems.push(`${SCALED} has a container_name, which keeps it from running several replicas`);
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const problems = checkPorts(parse(readFileSync(0, 'utf8')));
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  process.stdout.write(
    problems.length === 0
      ? `ok: only ${GATEWAY} publishes a port (${GATEWAY_PROXY_PORT}), and ${CONSOLES.join(' and ')} on ${LOOPBACK}\n`
      : 'FAILED\n',
  );
  process.exit(problems.length === 0 ? 0 : 1);
}
