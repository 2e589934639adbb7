// The apps of the local stack and how to run them as child processes: shared by
// tools/stack/run.mjs (`npm start`) and bench/ (`npm run bench`). Plain Node, no dependency,
// so that it works before anything else is installed.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Each app of the stack: the variable holding its port, its default port and its health route. */
export const APPS = {
  'text-service': { portVariable: 'TEXT_SERVICE_PORT', defaultPort: 3001 },
  'transcription-service': { portVariable: 'TRANSCRIPTION_SERVICE_PORT', defaultPort: 3002 },
  'model-service': { portVariable: 'MODEL_SERVICE_PORT', defaultPort: 3003 },
  'feature-server': { portVariable: 'FEATURE_SERVER_PORT', defaultPort: 6566 },
  'credit-bureau': { portVariable: 'CREDIT_BUREAU_PORT', defaultPort: 3020 },
  'catalog-api': { portVariable: 'CATALOG_API_PORT', defaultPort: 3010 },
  orchestrator: { portVariable: 'ORCHESTRATOR_PORT', defaultPort: 3000 },
};

/** The orchestrator's variable naming where each downstream app is. */
export const DOWNSTREAM_URL_VARIABLES = {
  'text-service': 'TEXT_SERVICE_URL',
  'transcription-service': 'TRANSCRIPTION_SERVICE_URL',
  'model-service': 'MODEL_SERVICE_URL',
  'feature-server': 'FEATURE_SERVER_URL',
  'credit-bureau': 'CREDIT_BUREAU_URL',
  'catalog-api': 'CATALOG_API_URL',
};

/**
 * The secrets the stack's apps share when the environment does not set them: the demo catalog
 * and the credit bureau require theirs, and the orchestrator's integrations send them; the
 * orchestrator's execution records take the read-only one.
 */
export const SHARED_SECRET_DEFAULTS = {
  CATALOG_API_TOKEN: 'demo-catalog-token',
  CREDIT_BUREAU_API_KEY: 'demo-bureau-key',
  // The execution records' read-only token, so that the README's examples can read them locally.
  ORCHESTRATOR_READ_TOKEN: 'demo-read-token',
};

/** The instant the stack's feature server counts days_since_last_purchase to, unless told otherwise. */
export const DEMO_AS_OF = '2024-08-01T00:00:00Z';

/**
 * The environment every app of the stack gets: `.env`'s variables under the real ones, each
 * downstream URL at the port the stack starts that app on, the shared secrets' defaults, and
 * the feature server reading the database the orchestrator's `main` connection uses, its clock
 * at DEMO_AS_OF.
 */
export function stackEnvironment(base) {
  const env = { ...base };
  for (const [app, variable] of Object.entries(DOWNSTREAM_URL_VARIABLES)) {
    env[variable] ??= appUrl(app, env);
  }
  for (const [variable, value] of Object.entries(SHARED_SECRET_DEFAULTS)) {
    // An empty value counts as unset, as the services themselves read it.
    env[variable] ||= value;
  }
  // The demo's purchases end on 2024-07-08: counted to today, every customer would look long gone.
  env.FEATURE_SERVER_AS_OF ??= DEMO_AS_OF;
  if (env.DATABASE_URL) {
    env.FEATURE_SERVER_DATABASE_URL ??= env.DATABASE_URL;
    if (env.DATABASE_PASSWORD) env.FEATURE_SERVER_DATABASE_PASSWORD ??= env.DATABASE_PASSWORD;
  }
  return env;
}

/**
 * Runs a one-shot tool of the stack (`node <script> <args>`) in the workspace root with `env`;
 * resolves when it exits 0, rejects with its output otherwise.
 */
export function runStep(script, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(workspaceRoot, script), ...args], {
      cwd: workspaceRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(output.trim()) : reject(new Error(`${script} exited ${code}: ${output.trim()}`)),
    );
  });
}

/**
 * Reads a dotenv file: `KEY=value` lines, `export ` allowed, `#` comments, values optionally
 * quoted (`\n` is a newline inside double quotes). Returns {} when the file does not exist.
 */
export function readEnvFile(path) {
  if (!existsSync(path)) return {};
  const variables = {};
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const [, key, raw] = match;
    const quoted = /^(['"])(.*)\1$/.exec(raw);
    if (quoted) {
      variables[key] = quoted[1] === '"' ? quoted[2].replace(/\\n/g, '\n') : quoted[2];
    } else {
      variables[key] = raw.replace(/\s+#.*$/, '');
    }
  }
  return variables;
}

/** The address to reach a service bound to `host` on this machine. */
export function connectHost(host) {
  if (!host || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The base URL of an app under `env`. */
export function appUrl(app, env) {
  const { portVariable, defaultPort } = APPS[app];
  return `http://${connectHost(env.HOST)}:${env[portVariable] ?? defaultPort}`;
}

/** A TCP port free on the loopback interface right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the built app (`dist/apps/<app>/main.js`) with `env` as its whole environment, in
 * `cwd` (where the app reads a `.env` from). Its output is piped: read `child.stdout`/`stderr`.
 */
export function startApp(app, env, cwd = workspaceRoot) {
  return startScript(builtMain(app), env, { cwd });
}

/** The built app's entry point, `dist/apps/<app>/main.js`; throws when it has not been built. */
export function builtMain(app) {
  const main = join(workspaceRoot, 'dist', 'apps', app, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} does not exist: build ${app} first`);
  return main;
}

/**
 * Starts `node <nodeArgs> <script>` with `env` as its whole environment, in `cwd`. Its output
 * is piped unless `output` is a file descriptor, which then takes both stdout and stderr.
 */
export function startScript(script, env, { cwd = workspaceRoot, nodeArgs = [], output = 'pipe' } = {}) {
  return spawn(process.execPath, [...nodeArgs, script], {
    cwd,
    env,
    stdio: ['ignore', output, output],
  });
}

/**
 * Resolves once `url` answers 200, asked every `intervalMs`. Rejects when `child` exits first
 * or after `timeoutMs`, with the last answer or error seen.
 */
export async function waitHealthy(url, child, timeoutMs = 60_000, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited (${child.exitCode ?? child.signalCode}) before ${url} answered 200`);
    }
    try {
      const { status, body } = await httpGet(url, 2000);
      if (status === 200) return;
      last = `HTTP ${status}: ${body.slice(0, 500)}`;
    } catch (error) {
      last = error.code ?? error.message;
    }
    await sleep(intervalMs);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/**
 * GET with node:http rather than fetch: fetch refuses the ports the Fetch standard blocks, and
 * Feast's default 6566 is one of them.
 */
function httpGet(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const request = get(url, { timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

const exited = (child) => child.exitCode !== null || child.signalCode !== null;

/** Resolves when `child` has exited (at once if it already has). */
export function whenExited(child) {
  return exited(child) ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Stops every child still running: `signal` (SIGTERM unless told), then SIGKILL to those still
 * alive after `graceMs`. Resolves when all have exited.
 */
export async function stopAll(children, graceMs, signal = 'SIGTERM') {
  const running = children.filter((child) => !exited(child));
  for (const child of running) child.kill(signal);
  const killer = setTimeout(() => {
    for (const child of running) if (!exited(child)) child.kill('SIGKILL');
  }, graceMs);
  await Promise.all(running.map(whenExited));
  clearTimeout(killer);
}

/** Last resort when this process exits for any reason: no child outlives it. */
export function killOnExit(children) {
  process.on('exit', () => {
    for (const child of children) if (!exited(child)) child.kill('SIGKILL');
  });
}
