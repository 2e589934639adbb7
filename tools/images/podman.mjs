// What the image check (tools/images/check.mjs) and the compose check (tools/compose/check.mjs)
// share: running commands with a deadline, failing with what was being waited for, cleaning up
// whatever they created on every exit, and running containers' health checks.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A check that did not hold: its message says what was expected and what came instead. */
export class CheckFailure extends Error {}

export function fail(message) {
  throw new CheckFailure(message);
}

export function expect(condition, message) {
  if (!condition) fail(message);
}

export const say = (line) => process.stdout.write(`${line}\n`);
export const section = (title) => say(`\n== ${title}`);

const lastLines = (text, count) => text.trim().split('\n').slice(-count).join('\n');

/**
 * Runs a command to its end (at most `timeoutMs`) and returns { status, stdout, stderr }; a
 * non-zero exit fails unless `allowFailure`.
 */
export function run(command, args, { timeoutMs = 120_000, allowFailure = false, env, input } = {}) {
  const result = spawnSync(command, args, {
    cwd: workspaceRoot,
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    env: env ? { ...process.env, ...env } : process.env,
    input,
  });
  const line = `${command} ${args.join(' ')}`;
  if (result.error?.code === 'ETIMEDOUT') fail(`${line}: still running after ${timeoutMs / 1000} s, killed`);
  if (result.error) fail(`${line}: ${result.error.message}`);
  if (result.status !== 0 && !allowFailure) {
    fail(
      `${line} exited with ${result.status ?? result.signal}:\n${lastLines(`${result.stdout}\n${result.stderr}`, 30)}`,
    );
  }
  return result;
}

export const podman = (args, options) => run('podman', args, options);

/**
 * Runs a long command (a build, `compose up`) without blocking, its output into `logFile` and,
 * with `echo`, on stdout too. Resolves with { status, seconds }. Fails after `timeoutMs`, or as
 * soon as `watch()`, asked every 2 s, names a reason to stop (a container that crashed).
 */
export function runLogged(command, args, { logFile, timeoutMs, env, echo = false, watch }) {
  const started = Date.now();
  const log = createWriteStream(logFile);
  const child = spawn(command, args, {
    cwd: workspaceRoot,
    env: env ? { ...process.env, ...env } : process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      log.write(chunk);
      if (echo) process.stdout.write(chunk);
    });
  }
  const line = `${command} ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    const stop = (reason) => {
      clearTimeout(timer);
      clearInterval(watcher);
      child.kill('SIGKILL');
      reject(new CheckFailure(`${line}: ${reason}, killed (log: ${logFile})`));
    };
    const timer = setTimeout(() => stop(`still running after ${timeoutMs / 1000} s`), timeoutMs);
    const watcher =
      watch &&
      setInterval(() => {
        const reason = watch();
        if (reason) stop(reason);
      }, 2000);
    child.on('error', (error) => stop(error.message));
    child.on('close', (status) => {
      clearTimeout(timer);
      clearInterval(watcher);
      log.end(() => resolve({ status, seconds: (Date.now() - started) / 1000 }));
    });
  });
}

// ---- clean-up: each step registers how to undo itself; undone in reverse on every exit --------

const cleanups = [];

export function onCleanup(description, undo) {
  cleanups.push({ description, undo });
}

function cleanUp() {
  while (cleanups.length > 0) {
    const { description, undo } = cleanups.pop();
    try {
      undo();
    } catch (error) {
      process.stderr.write(`clean-up (${description}) failed: ${error.message}\n`);
    }
  }
}

// A reader that goes away (`| head`) must not stop a check before its clean-up.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
process.on('uncaughtException', (error) => {
  process.stderr.write(`\nFAILED: ${error.stack}\n`);
  cleanUp();
  process.exit(1);
});

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
]) {
  process.on(signal, () => {
    process.stderr.write(`\n${signal}: cleaning up\n`);
    cleanUp();
    process.exit(code);
  });
}

/** Runs a check's body, then its clean-ups (whatever happened); a failure exits 1 with its message. */
export async function main(body) {
  try {
    await body();
  } catch (error) {
    process.stderr.write(`\nFAILED: ${error instanceof CheckFailure ? error.message : error.stack}\n`);
    process.exitCode = 1;
  } finally {
    cleanUp();
  }
}

/**
 * Polls `probe` (→ { done, value } or { why, fatal }) every `intervalMs` until it is done, or
 * fails after `timeoutMs` (at once when fatal), saying what it waited for and the probe's last
 * answer; `onGiveUp` first prints what helps (a container's logs).
 */
export async function waitFor(what, timeoutMs, probe, { intervalMs = 1000, onGiveUp } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await probe();
    if (answer.done) return answer.value;
    if (answer.fatal || Date.now() > deadline) {
      onGiveUp?.();
      const why = answer.why ? ` (last: ${answer.why})` : '';
      fail(
        answer.fatal
          ? `${what}: ${answer.why}`
          : `gave up after ${timeoutMs / 1000} s waiting for ${what}${why}`,
      );
    }
    await sleep(intervalMs);
  }
}

export function inspect(kind, name) {
  const result = podman([kind, 'inspect', name], { allowFailure: true });
  return result.status === 0 ? JSON.parse(result.stdout)[0] : undefined;
}

/** `podman container inspect` of every container named, in one call (those gone are left out). */
export function inspectContainers(names) {
  if (names.length === 0) return [];
  const { stdout } = podman(['container', 'inspect', ...names], { allowFailure: true });
  return stdout.trim().startsWith('[') ? JSON.parse(stdout) : [];
}

export function printLogs(container, lines = 60) {
  const { stdout, stderr } = podman(['logs', '--tail', String(lines), container], { allowFailure: true });
  process.stderr.write(
    `---- last ${lines} lines of ${container}'s log\n${stdout}${stderr}---- end of ${container}'s log\n`,
  );
}

// ---- health checks ----------------------------------------------------------------------------

/**
 * Runs the HEALTHCHECK of every container `list()` names, each at its own interval, as Docker
 * does. Podman hands that to systemd timers; where there is no systemd (CI's VM, containers)
 * no health check ever runs by itself, a container stays `starting`, and Compose's
 * `condition: service_healthy` waits forever. `podman healthcheck run` runs one check and
 * updates the container's health (start period, retries) as the timer would.
 */
export class HealthChecks {
  constructor(list) {
    this.list = list;
    this.due = new Map();
    this.running = false;
  }

  start() {
    this.timer = setInterval(() => void this.tick(), 2000);
  }

  stop() {
    clearInterval(this.timer);
  }

  async tick() {
    if (this.running) return;
    this.running = true;
    try {
      for (const container of inspectContainers(this.list())) {
        const healthcheck = container.Config?.Healthcheck;
        if (!container.State?.Running || !healthcheck?.Test || healthcheck.Test[0] === 'NONE') continue;
        const interval = (healthcheck.Interval || 30e9) / 1e6;
        const due = this.due.get(container.Id) ?? Date.parse(container.State.StartedAt) + interval;
        if (Date.now() < due) continue;
        this.due.set(container.Id, Date.now() + interval);
        await new Promise((resolve) => {
          spawn('podman', ['healthcheck', 'run', container.Id], { stdio: 'ignore' })
            .on('close', resolve)
            .on('error', resolve);
        });
      }
    } finally {
      this.running = false;
    }
  }
}

/** The container's health as its HEALTHCHECK last reported it: starting, healthy or unhealthy. */
export function healthOf(container) {
  const state = inspect('container', container)?.State;
  if (!state) return { status: 'gone' };
  return {
    status: state.Health?.Status ?? state.Healthcheck?.Status ?? 'none',
    running: state.Running,
    exitCode: state.ExitCode,
  };
}

/** Waits until `container` is healthy; fails at once if it turns unhealthy or stops, with its logs. */
export function waitHealthy(container, timeoutMs) {
  return waitFor(
    `${container} to pass its HEALTHCHECK`,
    timeoutMs,
    () => {
      const health = healthOf(container);
      if (health.status === 'healthy') return { done: true };
      if (health.status === 'unhealthy') return { fatal: true, why: 'its HEALTHCHECK failed (unhealthy)' };
      if (health.running === false) return { fatal: true, why: `it stopped (exit code ${health.exitCode})` };
      return { why: health.status };
    },
    { intervalMs: 1000, onGiveUp: () => printLogs(container) },
  );
}

/**
 * Podman made ready (tools/images/host.sh; `compose` also wants docker-compose) and
 * docker/Dockerfile's base resolvable (tools/images/base-image.sh): true when that is the local
 * stand-in, whose borrowed name is given back on exit.
 */
export function prepareHostAndBase({ compose = false } = {}) {
  run('bash', ['tools/images/host.sh', 'prepare', ...(compose ? ['compose'] : [])]);
  const base = run('bash', ['tools/images/base-image.sh', 'node'], { timeoutMs: 15 * 60_000 });
  process.stderr.write(base.stderr);
  const local = base.stdout.trim() === 'local';
  if (local) onCleanup('the stand-in base tag', () => run('bash', ['tools/images/base-image.sh', 'release']));
  return local;
}

/** `n` bytes as MB (10^6, as podman and Docker print sizes). */
export const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
