// Runs the local stack in the foreground: the built apps (APPS in services.mjs) as child
// processes, a banner once every /health answers 200, and everything stopped (SIGTERM, then
// SIGKILL after a grace period) on Ctrl-C, SIGTERM or SIGHUP, when the process that started it
// exits, or as soon as one app dies (then with exit code 1). Started by tools/stack/start.sh
// (`npm start`), which installs and builds first.
//
// Output: every line an app prints is passed on behind `<app name> |`, stdout to stdout and
// stderr to stderr; the line itself, a JSON log line included, is left whole after the prefix:
// `npm start | sed 's/^[^|]*| //'` gives back the raw JSON lines.
//
// Before the apps start, the demo database is migrated and seeded (db-seed; SQLite under data/
// unless DATABASE_URL says otherwise) and the demo models are generated into models/.
//
// Environment: `.env` in the workspace root is read when present and the real environment wins
// over it (stackEnvironment in services.mjs): every downstream URL defaults to the port the stack
// starts that service on; CATALOG_API_TOKEN and CREDIT_BUREAU_API_KEY, which the demo services
// require and the orchestrator sends, default to demo-catalog-token and demo-bureau-key.
// STACK_READY_TIMEOUT_MS (default 60000) bounds the wait for health; STACK_STOP_GRACE_MS (default
// SHUTDOWN_TIMEOUT_MS + 2000) is how long an app may take to stop before it is killed.
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import {
  APPS,
  SHARED_SECRET_DEFAULTS,
  appUrl,
  killOnExit,
  readEnvFile,
  runStep,
  stackEnvironment,
  startApp,
  stopAll,
  waitHealthy,
  whenExited,
  workspaceRoot,
} from './services.mjs';

const env = stackEnvironment({ ...readEnvFile(join(workspaceRoot, '.env')), ...process.env });
const readyTimeoutMs = Number(env.STACK_READY_TIMEOUT_MS ?? 60_000);
const stopGraceMs = Number(env.STACK_STOP_GRACE_MS ?? Number(env.SHUTDOWN_TIMEOUT_MS ?? 10_000) + 2_000);

const apps = Object.keys(APPS);
const width = Math.max(...apps.map((app) => app.length));
const colours = process.stdout.isTTY && !env.NO_COLOR ? [36, 35, 32, 33, 34, 91, 92, 96] : [];
const prefixOf = (app, index) => {
  const label = `${app.padEnd(width)} |`;
  return colours[index] ? `\x1b[${colours[index]}m${label}\x1b[0m ` : `${label} `;
};

/** Copies each line of `stream` to `out` behind `prefix`; JSON log lines stay whole after it. */
function prefixLines(stream, out, prefix) {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) =>
    out.write(`${prefix}${line}\n`),
  );
}

const say = (message) => {
  for (const line of message.split('\n')) process.stdout.write(`${'stack'.padEnd(width)} | ${line}\n`);
};

const children = [];
killOnExit(children);
let stopping = false;

async function shutdown(exitCode, reason) {
  if (stopping) return;
  stopping = true;
  say(`${reason}; stopping ${apps.join(', ')}`);
  await stopAll(children, stopGraceMs);
  say('stopped');
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // A second Ctrl-C while stopping means now.
    if (stopping) {
      for (const child of children) child.kill('SIGKILL');
      return;
    }
    void shutdown(0, `${signal} received`);
  });
}

// `npm start` runs this under `sh -c`, which does not pass a SIGTERM sent to npm on: when the
// process that started this one is gone, stop as if told to.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) void shutdown(0, 'the process that started the stack exited');
}, 500).unref();

try {
  say(await runStep('dist/apps/db-seed/main.js', [], env));
  // Written afresh each start (a few ms): they always match models/demo-models.json.
  say(await runStep('tools/models/generate-demo-models.mjs', [env.MODELS_DIR || 'models'], env));
} catch (error) {
  say(`the stack could not be prepared: ${error.message}`);
  process.exit(1);
}

apps.forEach((app, index) => {
  const child = startApp(app, env);
  children.push(child);
  const prefix = prefixOf(app, index);
  prefixLines(child.stdout, process.stdout, prefix);
  prefixLines(child.stderr, process.stderr, prefix);
  child.on('error', (error) => void shutdown(1, `${app} could not start: ${error.message}`));
  child.on('exit', (code, signal) => {
    if (!stopping) void shutdown(1, `${app} exited unexpectedly (${signal ?? `code ${code}`})`);
  });
});

const healthy = (app) =>
  waitHealthy(`${appUrl(app, env)}/health`, children[apps.indexOf(app)], readyTimeoutMs);
try {
  // The orchestrator's /health fails until its downstream services are up: ask it last.
  await Promise.all(apps.filter((app) => app !== 'orchestrator').map(healthy));
  await healthy('orchestrator');
} catch (error) {
  await shutdown(1, `the stack did not become healthy: ${error.message}`);
}

if (!stopping) {
  const orchestrator = appUrl('orchestrator', env);
  say('ready');
  say(`  orchestrator           ${orchestrator}`);
  say(`  API docs (Swagger UI)  ${orchestrator}/docs`);
  say(`  text-service           ${appUrl('text-service', env)}`);
  say(`  transcription-service  ${appUrl('transcription-service', env)}`);
  // A token of one's own stays out of the terminal; the well-known default is worth showing.
  const shown = (variable) =>
    env[variable] === SHARED_SECRET_DEFAULTS[variable] ? env[variable] : `$${variable}`;
  say(
    `  execution records      ${orchestrator}/executions (Authorization: Bearer ${shown('ORCHESTRATOR_READ_TOKEN')})`,
  );
  say(
    `  catalog-api            ${appUrl('catalog-api', env)} (Authorization: Bearer ${shown('CATALOG_API_TOKEN')})`,
  );
  say(
    `  credit-bureau          ${appUrl('credit-bureau', env)} (X-API-Key: ${shown('CREDIT_BUREAU_API_KEY')})`,
  );
  say(`  model-service          ${appUrl('model-service', env)} (Open Inference Protocol v2)`);
  say(`  feature-server         ${appUrl('feature-server', env)} (Feast HTTP protocol)`);
  say('press Ctrl-C to stop');
  await Promise.all(children.map(whenExited));
}
