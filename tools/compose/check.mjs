#!/usr/bin/env node
// `npm run check:compose`: the real docker-compose.yml brought up, checked and taken down, with
// Debian's docker-compose (1.29) talking to podman's Docker-compatible API (`podman system
// service`, on a socket of this run), plus the test-only tools/compose/docker-compose.check.yml.
//
//   node tools/compose/check.mjs
//
// 1. The base image as for `npm run check:images` (tools/images/base-image.sh), and PostgreSQL
//    and Redis: the official images where they can be pulled, else local stand-ins built from
//    Debian's packages (tools/compose/postgres, tools/compose/redis), announced as such.
// 2. `docker-compose build` (one image at a time; podman's layer cache makes this quick after
//    `npm run check:images`), then `docker-compose up -d orchestrator`: everything but Kong,
//    which cannot be had here, in docker-compose.yml's health order, with the two orchestrator
//    replicas of its `deploy.replicas`. Podman has no systemd here to run health checks on
//    their own: this script runs them (tools/images/podman.mjs, HealthChecks), each container at
//    its own interval, and gives up at once on a container that crashes.
// 3. Through each replica's published port (127.0.0.1 only): /health reports every service up
//    and the database on PostgreSQL; db-seed exited 0 and its rows are in PostgreSQL; a YAML
//    composite and the credit-risk model answer; an execution recorded by one replica is read
//    through the other (Redis); a configuration file edited on the host is reloaded by both.
// 4. `docker-compose down -v`, then nothing of the project may be left: no container, volume or
//    network. That also runs after a failure; logs are in tmp/check-compose/.
import { cpSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { join } from 'node:path';
import {
  expect,
  fail,
  HealthChecks,
  inspectContainers,
  main,
  onCleanup,
  podman,
  prepareHostAndBase,
  printLogs,
  run,
  runLogged,
  say,
  section,
  waitFor,
  waitHealthy,
  workspaceRoot,
} from '../images/podman.mjs';

const PROJECT = 'orchestrator-compose-check';
const OVERRIDE = 'tools/compose/docker-compose.check.yml';
const LOG_DIR = join(workspaceRoot, 'tmp', 'check-compose');
const REPLICAS = 2;
const BUILD_TIMEOUT_MS = 60 * 60_000;
const UP_TIMEOUT_MS = 10 * 60_000;
const HEALTHY_TIMEOUT_MS = 180_000;
const RELOAD_TIMEOUT_MS = 60_000;
/** The servers docker-compose.yml pulls, and the stand-in each has here when it cannot be pulled. */
const SERVERS = {
  postgres: {
    official: 'docker.io/library/postgres:16',
    standIn: 'localhost/orchestrator-stand-in/postgres:15',
  },
  redis: { official: 'docker.io/library/redis:7', standIn: 'localhost/orchestrator-stand-in/redis:7.0' },
};

const socket = join(LOG_DIR, 'podman.sock');
const emptyEnv = join(LOG_DIR, 'empty.env');
// Execution records need a credential (ORCHESTRATOR_READ_TOKEN); one for this run only.
const READ_TOKEN = `compose-check-${randomBytes(12).toString('hex')}`;
const environment = {
  DOCKER_HOST: `unix://${socket}`,
  COMPOSE_PROJECT_NAME: PROJECT,
  ORCHESTRATOR_REPLICAS: String(REPLICAS),
  ORCHESTRATOR_READ_TOKEN: READ_TOKEN,
};

const composeArgs = (args) => ['-f', 'docker-compose.yml', '-f', OVERRIDE, '--env-file', emptyEnv, ...args];
const compose = (args, options = {}) =>
  run('docker-compose', composeArgs(args), { ...options, env: environment });

/** The project's containers (compose labels them): running, or `all`; of one `service`, or every one. */
function containers({ all = false, service } = {}) {
  const labels = [
    `com.docker.compose.project=${PROJECT}`,
    service && `com.docker.compose.service=${service}`,
  ];
  const filters = labels.filter(Boolean).flatMap((label) => ['--filter', `label=${label}`]);
  const { stdout } = podman(['ps', ...(all ? ['-a'] : []), ...filters, '--format', '{{.Names}}']);
  return stdout.split('\n').filter(Boolean).sort();
}

/** A container of the project that failed (exited non-zero, or restarted), with its logs. */
function crashedContainer() {
  for (const container of inspectContainers(containers({ all: true }))) {
    const { Status, ExitCode } = container.State;
    if (container.RestartCount > 0 || (Status === 'exited' && ExitCode !== 0)) {
      printLogs(container.Name);
      return `${container.Name} crashed (exit code ${ExitCode}, restarted ${container.RestartCount ?? 0} times)`;
    }
  }
  return undefined;
}

function leftovers() {
  const volumes = podman([
    'volume',
    'ls',
    '--filter',
    `label=com.docker.compose.project=${PROJECT}`,
    '--format',
    '{{.Name}}',
  ]).stdout;
  const networks = podman(['network', 'ls', '--format', '{{.Name}}'])
    .stdout.split('\n')
    .filter((name) => name.startsWith(`${PROJECT}_`));
  return [
    ...containers({ all: true }).map((name) => `container ${name}`),
    ...volumes
      .split('\n')
      .filter(Boolean)
      .map((name) => `volume ${name}`),
    ...networks.map((name) => `network ${name}`),
  ];
}

function down() {
  compose(['down', '-v', '--remove-orphans', '--timeout', '20'], { timeoutMs: 180_000, allowFailure: true });
}

/** PostgreSQL and Redis: official if it can be had, else the stand-in, built here. */
function serverImages() {
  const images = {};
  let debian;
  for (const [name, { official, standIn }] of Object.entries(SERVERS)) {
    const check = run('bash', ['tools/images/base-image.sh', 'official', official], {
      allowFailure: true,
      timeoutMs: 300_000,
    });
    process.stderr.write(check.stderr);
    if (check.status === 0) {
      images[name] = official;
      continue;
    }
    debian ??= run('bash', ['tools/images/base-image.sh', 'debian'], { timeoutMs: 15 * 60_000 });
    process.stderr.write(debian.stderr);
    say(
      `STAND-IN: ${official} cannot be pulled here; building ${standIn} from Debian's packages (tools/compose/${name})`,
    );
    run(
      'podman',
      [
        'build',
        '--quiet',
        '--format',
        'docker',
        '--network=host',
        '--build-arg',
        `DEBIAN_IMAGE=${debian.stdout.trim()}`,
        '-t',
        standIn,
        `tools/compose/${name}`,
      ],
      { timeoutMs: 15 * 60_000 },
    );
    images[name] = standIn;
  }
  return images;
}

/** `podman system service` on this run's own socket, stopped on exit. */
async function startPodmanService() {
  rmSync(socket, { force: true });
  // It exits by itself after 5 idle minutes, should this process die without its clean-up.
  const service = spawn('podman', ['system', 'service', '--time=300', `unix://${socket}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  service.stderr.on('data', (chunk) => (errors = `${errors}${chunk}`.slice(-4000)));
  onCleanup('podman system service', () => service.kill('SIGTERM'));
  await waitFor(`podman system service to answer on ${socket}`, 30_000, async () => {
    if (service.exitCode !== null)
      return { fatal: true, why: `it exited with ${service.exitCode}: ${errors.trim()}` };
    const answer = await new Promise((resolve) => {
      get({ socketPath: socket, path: '/_ping', timeout: 5000 }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk)).on('end', () => resolve(body));
      }).on('error', (error) => resolve(error.code));
    });
    return answer === 'OK' ? { done: true } : { why: answer };
  });
}

async function request(base, path, { method = 'GET', body, expectStatus = 200, token } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  expect(
    response.status === expectStatus,
    `${method} ${base}${path}: ${response.status}, not ${expectStatus}: ${text.slice(0, 500)}`,
  );
  return { body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

function checkHealth(base) {
  return request(base, '/health').then(({ body }) => {
    const details = body.details ?? {};
    const down = Object.entries(details).filter(([, indicator]) => indicator.status !== 'up');
    expect(
      body.status === 'ok' && down.length === 0,
      `${base}/health: status ${body.status}, down: ${JSON.stringify(down)}`,
    );
    for (const service of [
      'orchestrator',
      'database',
      'text-service',
      'transcription-service',
      'feature-server',
      'model-service',
    ]) {
      expect(service in details, `${base}/health reports no ${service}: ${Object.keys(details)}`);
    }
    const connections = details.database.connections ?? {};
    expect(
      connections.main?.type === 'postgres' && connections.main.available,
      `${base}/health: the database \`main\` is ${JSON.stringify(connections.main)}, not PostgreSQL and available`,
    );
    return Object.keys(details);
  });
}

async function checkStack(replicas, configDir) {
  section('/health on each replica');
  for (const base of replicas)
    say(`ok: ${base}/health: ${(await checkHealth(base)).join(', ')} up; database main on PostgreSQL`);

  section('db-seed ran on PostgreSQL');
  const [seed] = containers({ all: true, service: 'db-seed' });
  const exitCode = podman(['inspect', '--format', '{{.State.ExitCode}}', seed]).stdout.trim();
  expect(exitCode === '0', `${seed} exited with ${exitCode}`);
  const counts = compose([
    'exec',
    '-T',
    'postgres',
    'psql',
    '-U',
    'orchestrator',
    '-d',
    'orchestrator',
    '-tAc',
    "SELECT (SELECT count(*) FROM customers) || ' ' || (SELECT count(*) FROM accounts) || ' ' || (SELECT count(*) FROM products)",
  ]).stdout.trim();
  const [customers, accounts, products] = counts.split(' ').map(Number);
  expect(
    customers >= 4 && accounts > 0 && products > 0,
    `PostgreSQL holds ${counts} customers, accounts, products after db-seed`,
  );
  say(
    `ok: ${seed} exited 0; PostgreSQL holds ${customers} customers, ${accounts} accounts, ${products} products`,
  );
  const { body: customer } = await request(replicas[0], '/customers/cus-1001');
  // The demo seed's first customer (libs/demo/data), with her two accounts.
  expect(
    customer.id === 'cus-1001' && customer.name === 'Ada Lovelace' && customer.accounts?.length === 2,
    `/customers/cus-1001 answered ${JSON.stringify(customer).slice(0, 300)}`,
  );
  say(
    `ok: GET /customers/cus-1001 answers from PostgreSQL: ${customer.name}, ${customer.accounts.length} accounts`,
  );

  section('a YAML composite and the credit-risk model');
  const { body: overview } = await request(replicas[0], '/catalog/get-product-overview/prd-1001?reviews=2');
  expect(
    overview.id === 'prd-1001' && typeof overview.title === 'string' && overview.title.includes(' by '),
    `get-product-overview: ${JSON.stringify(overview).slice(0, 300)}`,
  );
  say(`ok: GET /catalog/get-product-overview/prd-1001: "${overview.title}"`);
  const amount = { requested_amount: 2500 };
  const { body: risk, headers } = await request(replicas[0], '/customers/cus-1003/credit-risk', {
    method: 'POST',
    body: amount,
  });
  const probability = risk.probability_of_default;
  expect(
    typeof probability === 'number' &&
      probability > 0 &&
      probability < 1 &&
      ['approve', 'review', 'decline'].includes(risk.decision),
    `credit-risk: ${JSON.stringify(risk)}`,
  );
  const { body: limit } = await request(replicas[1], '/composites/credit-limit/cus-1003?precision=500');
  const approved = risk.decision === 'approve';
  expect(
    typeof limit.credit_limit === 'number' &&
      limit.decided_by === 'customers.score_credit_risk' &&
      (approved ? limit.credit_limit >= amount.requested_amount : limit.credit_limit < amount.requested_amount),
    `the code composite's credit limit ${JSON.stringify(limit)} disagrees with the YAML endpoint's ${risk.decision} of ${amount.requested_amount}`,
  );
  say(
    `ok: POST /customers/cus-1003/credit-risk: probability of default ${probability} (${risk.decision}); ` +
      `the code composite's credit limit ${limit.credit_limit} (${limit.probes} probes) agrees`,
  );

  section('an execution recorded by one replica, read through the other');
  const executionId = headers.get('x-execution-id');
  expect(executionId, 'the credit-risk answer has no X-Execution-Id');
  const { body: record } = await request(replicas[1], `/executions/${executionId}`, { token: READ_TOKEN });
  expect(
    record.id === executionId && record.status && record.statusCode === 200,
    `${replicas[1]}/executions/${executionId}: ${JSON.stringify(record).slice(0, 300)}`,
  );
  say(
    `ok: execution ${executionId} (${record.endpoint}, ${record.status}) written through ${replicas[0]}, read through ${replicas[1]}`,
  );

  section('a configuration file edited on the host, reloaded by every replica');
  const path = '/catalog/compose-check/prd-1001';
  for (const base of replicas) await request(base, path, { expectStatus: 404 });
  const versions = await Promise.all(
    replicas.map(async (base) => (await request(base, '/products/prd-1001')).headers.get('x-config-version')),
  );
  const file = join(configDir, 'domains', 'catalog.yaml');
  const marker = `reloaded-${Date.now()}`;
  writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n${checkEndpoint(marker)}`);
  for (const [index, base] of replicas.entries()) {
    const version = await waitFor(
      `${base} to serve ${path} from the edited configuration`,
      RELOAD_TIMEOUT_MS,
      async () => {
        const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(10_000) });
        const body = await response.json().catch(() => ({}));
        return response.status === 200 && body.marker === marker
          ? { done: true, value: response.headers.get('x-config-version') }
          : { why: `${response.status} ${JSON.stringify(body).slice(0, 200)}` };
      },
      { onGiveUp: () => printLogs(containers({ all: true, service: 'orchestrator' })[index]) },
    );
    expect(
      version && version !== versions[index],
      `${base}: the configuration version stayed ${versions[index]}`,
    );
    say(`ok: ${base} reloaded: version ${versions[index]} → ${version}, ${path} answers`);
  }
}

/** An endpoint the check adds to the catalog domain, under /catalog/ (a prefix Kong routes). */
const checkEndpoint = (marker) => `
  compose_check_product:
    description: Added by tools/compose/check.mjs, which proves the hot reload with it.
    path: /catalog/compose-check/{product_id}
    request: { product_id: { in: path, pattern: '^[a-z0-9-]+$' } }
    data_sources:
      - { name: product, type: api, operation: catalog.get_product, params: { product_id: $request.product_id } }
    response_mapping: { id: $product.id, marker: ${marker} }
`;

await main(async () => {
  mkdirSync(LOG_DIR, { recursive: true });
  writeFileSync(emptyEnv, '');

  section('podman, docker-compose and the images compose does not build');
  prepareHostAndBase({ compose: true });
  const servers = serverImages();
  environment.COMPOSE_CHECK_POSTGRES_IMAGE = servers.postgres;
  environment.COMPOSE_CHECK_REDIS_IMAGE = servers.redis;

  // The configuration the replicas mount: a copy, readable by their user, that the check edits.
  const configDir = mkdtempSync(join(LOG_DIR, 'config-'));
  onCleanup('the configuration copy', () => rmSync(configDir, { recursive: true, force: true }));
  cpSync(join(workspaceRoot, 'config'), configDir, { recursive: true });
  chmodSync(configDir, 0o755);
  environment.COMPOSE_CHECK_CONFIG_DIR = configDir;

  await startPodmanService();
  const stale = leftovers();
  if (stale.length > 0) {
    say(`left by an earlier run, removed: ${stale.join(', ')}`);
    down();
  }
  onCleanup('the compose project', () => {
    section('docker-compose down -v');
    down();
    const left = leftovers();
    if (left.length > 0) {
      process.stderr.write(`FAILED: docker-compose down -v left ${left.join(', ')}\n`);
      process.exitCode = 1;
    } else {
      say(`ok: nothing of ${PROJECT} is left (containers, volumes, networks)`);
    }
  });

  section('docker-compose build');
  const build = await runLogged('docker-compose', composeArgs(['build']), {
    logFile: join(LOG_DIR, 'build.log'),
    timeoutMs: BUILD_TIMEOUT_MS,
    env: environment,
  });
  if (build.status !== 0) {
    say(run('tail', ['-n', '40', join(LOG_DIR, 'build.log')]).stdout);
    fail(`docker-compose build exited with ${build.status} (log: tmp/check-compose/build.log)`);
  }
  say(`built in ${build.seconds.toFixed(0)} s`);

  section(`docker-compose up -d orchestrator: everything but Kong, ${REPLICAS} replicas (deploy.replicas)`);
  const health = new HealthChecks(() => containers());
  health.start();
  onCleanup('the health checks', () => health.stop());
  const up = await runLogged('docker-compose', composeArgs(['up', '-d', '--no-build', 'orchestrator']), {
    logFile: join(LOG_DIR, 'up.log'),
    timeoutMs: UP_TIMEOUT_MS,
    env: environment,
    echo: true,
    // Compose would go on waiting for a service that crashes and restarts: give up at once.
    watch: crashedContainer,
  });
  if (up.status !== 0) {
    say(compose(['ps'], { allowFailure: true }).stdout);
    for (const container of inspectContainers(containers({ all: true }))) {
      const { Health, Healthcheck, Status, ExitCode } = container.State;
      const done = (Health ?? Healthcheck)?.Status === 'healthy' || (Status === 'exited' && ExitCode === 0);
      if (!done) printLogs(container.Name);
    }
    fail(`docker-compose up exited with ${up.status}`);
  }
  const orchestrators = containers({ all: true, service: 'orchestrator' });
  expect(
    orchestrators.length === REPLICAS,
    `${orchestrators.length} orchestrator containers, not ${REPLICAS}: ${orchestrators}`,
  );
  for (const container of orchestrators) await waitHealthy(container, HEALTHY_TIMEOUT_MS);
  say(compose(['ps']).stdout);
  say(`ok: every service is up and healthy, ${REPLICAS} orchestrator replicas (${up.seconds.toFixed(0)} s)`);

  const replicas = orchestrators.map((_, index) => {
    const address = compose(['port', `--index=${index + 1}`, 'orchestrator', '3000']).stdout.trim();
    expect(
      /^127\.0\.0\.1:\d+$/.test(address),
      `replica ${index + 1}'s port is published on ${address || 'nothing'}, not on 127.0.0.1`,
    );
    return `http://${address}`;
  });
  expect(new Set(replicas).size === REPLICAS, `the replicas share a published port: ${replicas}`);
  await checkStack(replicas, configDir);
  say(`\nok: the compose stack is up, checked through ${replicas.join(' and ')}`);
});
