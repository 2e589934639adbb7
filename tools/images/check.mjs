#!/usr/bin/env node
// `npm run check:images`: every app's image built with podman from the unchanged docker/Dockerfile,
// run, and measured.
//
//   node tools/images/check.mjs [app...]     (default: every app docker-compose.yml builds; an app
//                                            brings the built services it depends on along)
//
// 1. The base: the official node:20-bookworm-slim when it can be pulled, else the local stand-in
//    of tools/images/base-image.sh, announced as such (the machine reaches no image registry).
// 2. Each image, with the build arguments and target docker-compose.yml gives it:
//    `podman build --format docker` (the Docker format keeps the HEALTHCHECK; OCI images have
//    none), `--network=host` for the steps that install packages. Layers stay in podman's cache,
//    for the next build and for `npm run check:compose`. Logs: tmp/check-images/<app>.build.log.
// 3. Each image run as docker-compose.yml runs it (its environment, its mounts, the service names
//    as network aliases), on a network of its own, but with no PostgreSQL or Redis: the demo
//    database is an SQLite file in a volume (db-seed, the job image, seeds it first) and the
//    orchestrator keeps its execution records in memory. Checked: the image declares its user,
//    and every process of the container runs as that non-root user; a service's HEALTHCHECK is
//    the Dockerfile's and passes; the job exits 0.
// 4. What each image adds above its base, layer by layer: printed as the markdown table of the
//    README's "Images", and written to tmp/check-images/sizes.md.
// Containers, the network and the volume it creates are removed on every exit. Images are kept
// as the layer cache; layers no image uses any more are pruned once two days old.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  expect,
  fail,
  HealthChecks,
  inspect,
  main,
  mb,
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
} from './podman.mjs';

const BASE_IMAGE = 'docker.io/library/node:20-bookworm-slim';
const PREFIX = 'orchestrator-check-images';
const NETWORK = PREFIX;
const DATA_VOLUME = `${PREFIX}-data`;
const LOG_DIR = join(workspaceRoot, 'tmp', 'check-images');
const BUILD_TIMEOUT_MS = 40 * 60_000;
const HEALTHY_TIMEOUT_MS = 180_000;
const JOB_TIMEOUT_MS = 180_000;
/** The HEALTHCHECK docker/Dockerfile gives every service. */
const HEALTHCHECK_TEST = ['CMD', 'node', '/usr/local/lib/healthcheck.cjs'];

/**
 * What this check runs instead of the servers compose starts from official images: one SQLite
 * file for the demo database (db-seed writes it, feature-server and the orchestrator read it) and
 * in-memory execution records. `null` drops the variable.
 */
const SQLITE_DATABASE = 'sqlite:/data/main.sqlite';
const WITHOUT_SERVERS = {
  DATABASE_URL: SQLITE_DATABASE,
  FEATURE_SERVER_DATABASE_URL: SQLITE_DATABASE,
  DATABASE_PASSWORD: null,
  FEATURE_SERVER_DATABASE_PASSWORD: null,
  PGPASSWORD: null,
  EXECUTIONS_STORE: 'memory',
  REDIS_URL: null,
};

const imageOf = (app) => `localhost/orchestrator-check/${app}:latest`;

/**
 * The services docker-compose.yml builds, resolved by `docker-compose config`, in start order:
 * every one, or those of the `requested` apps and the built services they depend on.
 */
function composeApps(requested) {
  // Not the .env of a developer's checkout: the file as a fresh clone has it.
  const emptyEnv = join(LOG_DIR, 'empty.env');
  writeFileSync(emptyEnv, '');
  const { stdout } = run('docker-compose', ['-f', 'docker-compose.yml', '--env-file', emptyEnv, 'config']);
  const services = parse(stdout).services;
  const built = Object.entries(services).filter(([, service]) => service.build);
  const names = new Set(built.map(([name]) => name));
  const ordered = [];
  const visit = (name) => {
    if (!names.has(name) || ordered.some((app) => app.service === name)) return;
    const service = services[name];
    for (const dependency of Object.keys(service.depends_on ?? {})) visit(dependency);
    ordered.push({
      service: name,
      app: service.build.args.APP,
      target: service.build.target ?? 'service',
      args: service.build.args,
      port: service.build.args.PORT,
      environment: service.environment ?? {},
      volumes: service.volumes ?? [],
    });
  };
  for (const [name, service] of built)
    if (requested.length === 0 || requested.includes(service.build.args.APP)) visit(name);
  return ordered;
}

async function build(app) {
  const args = [
    'build',
    '--format',
    'docker',
    '--network=host',
    '-f',
    'docker/Dockerfile',
    '--target',
    app.target,
  ];
  for (const [name, value] of Object.entries(app.args)) args.push('--build-arg', `${name}=${value}`);
  args.push('-t', imageOf(app.app), '.');
  const logFile = join(LOG_DIR, `${app.app}.build.log`);
  say(`podman ${args.join(' ')}`);
  const { status, seconds } = await runLogged('podman', args, { logFile, timeoutMs: BUILD_TIMEOUT_MS });
  if (status !== 0) {
    run('tail', ['-n', '40', logFile], { allowFailure: true })
      .stdout.split('\n')
      .forEach((line) => say(`  ${line}`));
    fail(`the image of ${app.app} did not build (exit ${status}); log: ${logFile}`);
  }
  say(`built ${imageOf(app.app)} in ${seconds.toFixed(0)} s`);
  return seconds;
}

/** The Dockerfile's promises, read from the image's configuration. */
function checkImageConfig(app) {
  const image = inspect('image', imageOf(app.app));
  const config = image.Config;
  expect(
    config.User && !['root', '0'].includes(config.User.split(':')[0]),
    `${app.app}: the image runs as ${JSON.stringify(config.User || 'root')}, not as an unprivileged user`,
  );
  if (app.target === 'service') {
    // podman reports a Docker-format image's HEALTHCHECK beside its Config, Docker inside it.
    const test = (image.Healthcheck ?? config.Healthcheck)?.Test;
    expect(
      JSON.stringify(test) === JSON.stringify(HEALTHCHECK_TEST),
      `${app.app}: HEALTHCHECK is ${JSON.stringify(test)}, not ${JSON.stringify(HEALTHCHECK_TEST)} (was the image built with --format docker?)`,
    );
    expect(
      Object.keys(config.ExposedPorts ?? {}).includes(`${app.port}/tcp`),
      `${app.app}: EXPOSEs ${Object.keys(config.ExposedPorts ?? {})}, not ${app.port}`,
    );
  } else {
    expect(!(image.Healthcheck ?? config.Healthcheck), `${app.app}: a ${app.target} image has a HEALTHCHECK`);
  }
  return config.User;
}

/** `podman run` options for the app as docker-compose.yml runs it, without PostgreSQL and Redis. */
function runOptions(app) {
  const options = [
    '--name',
    `${PREFIX}-${app.service}`,
    '--network',
    NETWORK,
    '--network-alias',
    app.service,
  ];
  let usesData = false;
  for (const [name, value] of Object.entries(app.environment)) {
    const replaced = name in WITHOUT_SERVERS ? WITHOUT_SERVERS[name] : value;
    if (replaced === null || replaced === undefined) continue;
    if (replaced === SQLITE_DATABASE) usesData = true;
    options.push('-e', `${name}=${replaced}`);
  }
  for (const volume of app.volumes)
    options.push(
      '-v',
      typeof volume === 'string'
        ? volume
        : `${volume.source}:${volume.target}${volume.read_only ? ':ro' : ''}`,
    );
  // :U hands the volume to the container's user (node), which must write the SQLite file.
  if (usesData) options.push('-v', `${DATA_VOLUME}:/data:U`);
  return options;
}

/** Every process in the container runs as a user other than root. */
function checkProcessesUnprivileged(container, user) {
  const { stdout } = podman(['top', container, 'user', 'args']);
  const processes = stdout.trim().split('\n').slice(1);
  expect(processes.length > 0, `${container}: podman top lists no process`);
  for (const line of processes) {
    expect(
      !/^root\s/.test(line) && line.startsWith(user),
      `${container}: a process runs as root or not as ${user}: ${line}`,
    );
  }
  say(
    `ok: every process of ${container} runs as ${user}: ${processes.map((line) => line.replace(/\s+/, ' ')).join('; ')}`,
  );
}

function removeLeftovers() {
  const { stdout } = podman(['ps', '-a', '-q', '--filter', `name=^${PREFIX}-`]);
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length > 0) podman(['rm', '-f', '-t', '0', ...ids]);
  podman(['network', 'rm', '-f', NETWORK], { allowFailure: true });
  podman(['volume', 'rm', '-f', DATA_VOLUME], { allowFailure: true });
}

async function runAll(apps, users) {
  removeLeftovers();
  onCleanup('the containers, network and volume of the image check', removeLeftovers);
  podman(['network', 'create', NETWORK]);
  podman(['volume', 'create', DATA_VOLUME]);
  const containers = [];
  const health = new HealthChecks(() => containers);
  health.start();
  onCleanup('the health checks', () => health.stop());

  for (const app of apps) {
    const container = `${PREFIX}-${app.service}`;
    if (app.target === 'service') {
      podman(['run', '-d', ...runOptions(app), imageOf(app.app)]);
      containers.push(container);
      await waitHealthy(container, HEALTHY_TIMEOUT_MS);
      say(`ok: ${app.app}'s HEALTHCHECK passes`);
      checkProcessesUnprivileged(container, users.get(app.app));
    } else {
      // A one-shot job: its own process must run unprivileged, and the job must succeed.
      const uid = podman(['run', '--rm', imageOf(app.app), 'node', '-p', 'process.getuid()']).stdout.trim();
      expect(uid !== '0' && /^\d+$/.test(uid), `${app.app}: runs as uid ${uid}`);
      say(`ok: ${app.app} runs as ${users.get(app.app)} (uid ${uid})`);
      podman(['run', '-d', ...runOptions(app), imageOf(app.app)]);
      const exitCode = await waitFor(
        `${container} (a ${app.target}) to finish`,
        JOB_TIMEOUT_MS,
        () => {
          const state = inspect('container', container)?.State;
          return state && !state.Running && state.Status === 'exited'
            ? { done: true, value: state.ExitCode }
            : { why: state?.Status };
        },
        { onGiveUp: () => printLogs(container) },
      );
      if (exitCode !== 0) {
        printLogs(container);
        fail(`${app.app}: the job exited with ${exitCode}`);
      }
      say(`ok: ${app.app} ran to completion (exit 0)`);
    }
  }
}

/**
 * What each image adds above the base: its size less the base's, split by the layers of the
 * Dockerfile's runtime stage (podman history: what each step added, uncompressed).
 */
function measure(apps) {
  const history = (image) => JSON.parse(podman(['history', '--format', 'json', image]).stdout).reverse();
  const base = inspect('image', BASE_IMAGE);
  const baseSteps = history(BASE_IMAGE).length;
  const rows = apps.map((app) => {
    // Oldest first: the base's steps, then the runtime stage's.
    const added = history(imageOf(app.app)).slice(baseSteps);
    const sum = (pattern) =>
      added.filter((step) => pattern.test(step.CreatedBy)).reduce((total, step) => total + step.size, 0);
    const system = sum(/SYSTEM_PACKAGES/);
    const packages = sum(/ in \.\/node_modules/);
    const total = inspect('image', imageOf(app.app)).Size - base.Size;
    return { app: app.app, system, packages, rest: total - system - packages, total };
  });
  const cell = (bytes) => (bytes >= 50e3 ? mb(bytes) : '–');
  const lines = [
    '| image | system packages | node_modules | app (bundle, assets) | added above the base |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.app} | ${cell(row.system)} | ${cell(row.packages)} | ${cell(row.rest)} | **${mb(row.total)}** |`,
    ),
  ];
  return { table: lines.join('\n'), base };
}

await main(async () => {
  const requested = process.argv.slice(2);
  mkdirSync(LOG_DIR, { recursive: true });
  const apps = composeApps(requested);
  expect(apps.length > 0, `no app of docker-compose.yml is ${requested.join(' ')}`);

  section('podman and the base image');
  const localBase = prepareHostAndBase();

  section(`building ${apps.length} images, one at a time`);
  // What earlier runs left once a change replaced their images: layers that no image uses and no
  // tag keeps. Only those built on the stand-in base (its label), and only once 2 days old, so
  // that the cache of the latest builds stays.
  podman([
    'image',
    'prune',
    '--force',
    '--filter',
    'label=org.orchestrator.local-base',
    '--filter',
    'until=48h',
  ]);
  const seconds = new Map();
  for (const app of apps) seconds.set(app.app, await build(app));
  const users = new Map(apps.map((app) => [app.app, checkImageConfig(app)]));
  say('ok: every image declares an unprivileged user; every service its HEALTHCHECK and port');

  section('running each image as docker-compose.yml does (SQLite for PostgreSQL, memory for Redis)');
  await runAll(apps, users);

  section('what each image adds above its base');
  const { table, base: baseImage } = measure(apps);
  const note = localBase
    ? `the LOCAL STAND-IN for ${BASE_IMAGE} (tools/images/base-image.sh), ${mb(baseImage.Size)}: the official one could not be pulled`
    : `the official ${BASE_IMAGE}, ${mb(baseImage.Size)}`;
  say(table);
  say(
    `\nBase: ${note}. Build times: ${apps.map((app) => `${app.app} ${seconds.get(app.app).toFixed(0)} s`).join(', ')}; ` +
      `${[...seconds.values()].reduce((a, b) => a + b, 0).toFixed(0)} s in all.`,
  );
  writeFileSync(join(LOG_DIR, 'sizes.md'), `${table}\n\nBase: ${note}.\n`);
  say(
    `\nok: ${apps.length} images built, run and checked${localBase ? ' (on the LOCAL STAND-IN base)' : ''}`,
  );
});
