import { WORKSPACE_ROOT, unusedPort } from '@libs/core/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';

/** The repository's Prometheus configuration and rules (docker-compose.yml mounts them). */
export const PROMETHEUS_DIR = join(WORKSPACE_ROOT, 'deploy', 'prometheus');

const STARTUP_TIMEOUT_MS = 20_000;

/** One series of an instant query's answer. */
export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface RunningPrometheus {
  url: string;
  /** An instant PromQL query over the HTTP API; rejects with Prometheus' own error. */
  query(promql: string): Promise<Sample[]>;
  /** GET of an API path (`/api/v1/rules`), its `data`. */
  api<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

interface ScrapeConfig {
  job_name: string;
  dns_sd_configs?: unknown;
  static_configs?: { targets: string[] }[];
  authorization?: { credentials_file?: string };
}

/**
 * Debian's `prometheus` on a free loopback port, in a temporary directory, running the
 * repository's deploy/prometheus/prometheus.yml with what only compose has replaced: its
 * `orchestrator` job scrapes `target` (host:port) instead of the replicas Docker's DNS names,
 * with `token` in its credentials file; Kong's job is left out; scrapes and rule evaluations
 * come every second. The alert rules are the repository's.
 */
export async function startPrometheus(target: string, token: string): Promise<RunningPrometheus> {
  const directory = await mkdtemp(join(tmpdir(), 'prometheus-e2e-'));
  const config = parse(await readFile(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: ScrapeConfig[];
  };
  const orchestrator = config.scrape_configs.find(({ job_name }) => job_name === 'orchestrator');
  if (!orchestrator?.authorization?.credentials_file) {
    throw new Error('deploy/prometheus/prometheus.yml has no orchestrator job reading a token file');
  }
  const tokenFile = join(directory, 'metrics-token');
  await writeFile(tokenFile, token, { mode: 0o600 });
  delete orchestrator.dns_sd_configs;
  orchestrator.static_configs = [{ targets: [target] }];
  orchestrator.authorization.credentials_file = tokenFile;
  config.scrape_configs = [orchestrator];
  config.global = { ...config.global, scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = config.rule_files.map((file) => join(PROMETHEUS_DIR, file));
  await writeFile(join(directory, 'prometheus.yml'), stringify(config));

  const port = await unusedPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(directory, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(directory, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  child.once('error', (error) => (output += `${error.message}\n`));
  const stop = async () => {
    await stopChild(child, exited);
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child);
  } catch (error) {
    await stop();
    throw new Error(`prometheus did not start: ${(error as Error).message}\n${output.slice(-4000)}`);
  }

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  return {
    url,
    api,
    query: async (promql) => {
      const data = await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
        `/api/v1/query?query=${encodeURIComponent(promql)}`,
      );
      return data.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
    },
    stop,
  };
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('it exited');
    try {
      if ((await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`/-/ready did not answer 200 in ${STARTUP_TIMEOUT_MS} ms`);
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
}

/** `promtool` with `args`, `input` on its stdin: its exit code and what it printed. */
export function promtool(args: string[], input?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', args, { cwd: PROMETHEUS_DIR, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
    child.stdin.end(input ?? '');
  });
}
