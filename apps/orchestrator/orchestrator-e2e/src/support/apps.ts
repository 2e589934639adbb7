import { WORKSPACE_ROOT, unusedPort } from '@libs/core/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CAPTURED_OUTPUTS, type CapturedOutput } from './captured-output';

export type AppName =
  | 'orchestrator'
  | 'text-service'
  | 'transcription-service'
  | 'catalog-api'
  | 'model-service'
  | 'feature-server'
  | 'credit-bureau';

export { WORKSPACE_ROOT };

/** The bearer token the demo catalog requires and the orchestrator's catalog integration sends. */
export const CATALOG_API_TOKEN = 'e2e-token';
/** The API key the demo credit bureau requires and the orchestrator's credit_bureau integration sends. */
export const CREDIT_BUREAU_API_KEY = 'e2e-bureau-key';

const APPS: Record<
  AppName,
  { portVariable: string; livenessPath: string; defaults?: Record<string, string> }
> = {
  orchestrator: {
    portVariable: 'ORCHESTRATOR_PORT',
    livenessPath: '/health/live',
    // The repository's example endpoints; their integrations need their secrets to load.
    defaults: {
      CONFIG_DIR: join(WORKSPACE_ROOT, 'config'),
      CONFIG_WATCH: 'false',
      CATALOG_API_TOKEN,
      CREDIT_BUREAU_API_KEY,
    },
  },
  'text-service': { portVariable: 'TEXT_SERVICE_PORT', livenessPath: '/health' },
  'transcription-service': { portVariable: 'TRANSCRIPTION_SERVICE_PORT', livenessPath: '/health' },
  'catalog-api': {
    portVariable: 'CATALOG_API_PORT',
    livenessPath: '/health',
    defaults: { CATALOG_API_TOKEN },
  },
  'model-service': { portVariable: 'MODEL_SERVICE_PORT', livenessPath: '/v2/health/live' },
  'feature-server': { portVariable: 'FEATURE_SERVER_PORT', livenessPath: '/health' },
  'credit-bureau': {
    portVariable: 'CREDIT_BUREAU_PORT',
    livenessPath: '/health',
    defaults: { CREDIT_BUREAU_API_KEY },
  },
};

/** Only what a process needs from the outer environment, so that no developer setting leaks in. */
const INHERITED_VARIABLES = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 15_000;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A built app running as a child process, on its own free port. */
export interface RunningApp {
  name: AppName;
  url: string;
  child: ChildProcess;
  /** Everything the app printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with how the process ended, whoever ended it. */
  exited: Promise<ExitStatus>;
  /** SIGTERM, then SIGKILL after a grace period; resolves with how it ended. */
  stop(): Promise<ExitStatus>;
}

const running = new Set<RunningApp>();
process.once('exit', () => running.forEach((app) => app.child.kill('SIGKILL')));

/**
 * Starts `dist/apps/<name>/main.js` on a free port with `env` (plus HOST, the port and
 * LOG_LEVEL=warn unless given) and waits until its liveness route answers 200. It runs in an
 * empty working directory so that a developer's `.env` is not read.
 */
export async function startApp(name: AppName, env: Record<string, string> = {}): Promise<RunningApp> {
  const main = join(WORKSPACE_ROOT, 'dist', 'apps', name, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build ${name} first (nx build ${name})`);
  const port = await unusedPort();
  const cwd = mkdtempSync(join(tmpdir(), `${name}-`));
  const inherited = Object.fromEntries(
    INHERITED_VARIABLES.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]]),
  );
  const child = spawn(process.execPath, [main], {
    cwd,
    env: {
      ...inherited,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...APPS[name].defaults,
      ...env,
      [APPS[name].portVariable]: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<ExitStatus>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(app);
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, signal });
    }),
  );
  const app: RunningApp = {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    exited,
    stop: () => stopApp(app),
  };
  running.add(app);
  captureOutputOnFailure({ name: `${name} (port ${port})`, output: app.output });
  try {
    await waitLive(app, APPS[name].livenessPath);
  } catch (error) {
    await app.stop();
    const tail = output.trimEnd().split('\n').slice(-40).join('\n');
    throw new Error(
      `${name} did not start: ${(error as Error).message}\n--- the end of its output ---\n${tail}`,
    );
  }
  return app;
}

/** Stops every app given, in parallel. */
export async function stopApps(...apps: (RunningApp | undefined)[]): Promise<void> {
  await Promise.all(apps.map((app) => app?.stop()));
}

async function stopApp(app: RunningApp): Promise<ExitStatus> {
  if (app.child.exitCode === null && app.child.signalCode === null) {
    app.child.kill('SIGTERM');
    const killer = setTimeout(() => app.child.kill('SIGKILL'), STOP_GRACE_MS);
    const status = await app.exited;
    clearTimeout(killer);
    return status;
  }
  return app.exited;
}

async function waitLive(app: RunningApp, path: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let last = 'no answer';
  let hasExited = false;
  void app.exited.then(() => (hasExited = true));
  while (Date.now() < deadline && !hasExited) {
    try {
      const response = await fetch(`${app.url}${path}`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String((error as { cause?: { code?: string } }).cause?.code ?? error);
    }
    await sleep(100);
  }
  throw new Error(
    hasExited ? 'it exited' : `${path} did not answer 200 in ${STARTUP_TIMEOUT_MS} ms (${last})`,
  );
}

function captureOutputOnFailure(captured: CapturedOutput): void {
  const global = globalThis as Record<string, unknown>;
  global[CAPTURED_OUTPUTS] = [
    ...((global[CAPTURED_OUTPUTS] as CapturedOutput[] | undefined) ?? []),
    captured,
  ];
}

/** The resident set of a process now and at its peak, from `/proc/<pid>/status`. */
export async function memoryOf(pid: number): Promise<{ rssBytes: number; peakRssBytes: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { rssBytes: kilobytes('VmRSS'), peakRssBytes: kilobytes('VmHWM') };
}
