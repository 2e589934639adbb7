import { unusedPortUrl } from '@libs/core/testing';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { RunningApp, WORKSPACE_ROOT, startApp } from './apps';
import { JsonResponse, getJson } from './http';

/** The repository's example configuration, which the orchestrator serves by default. */
export const EXAMPLE_CONFIG_DIR = join(WORKSPACE_ROOT, 'config');

export const ADMIN_TOKEN = 'e2e-admin-token';
const ADMIN_HEADERS = { authorization: `Bearer ${ADMIN_TOKEN}` };
/** What reads execution records and traces: the admin token does. */
export const RECORD_HEADERS = ADMIN_HEADERS;

/** What the engine records of one source in an execution (`GET /executions/:id`, `?_trace=true`). */
export interface SourceTrace {
  /** The endpoint the source belongs to (a composite runs several). */
  endpoint?: string;
  name: string;
  type: string;
  operation?: string;
  params?: Record<string, unknown>;
  attempts: number;
  cacheHit: boolean;
  status: 'ok' | 'failed' | 'degraded' | 'skipped';
  error?: { statusCode: number; message: string };
}

export interface ExecutionRecord {
  id: string;
  requestId: string;
  endpoint: string;
  configVersion: string;
  status: 'ok' | 'degraded' | 'failed';
  statusCode: number;
  degraded: string[];
  sources: SourceTrace[];
  /** Mapped fields that found no value in a source that answered. */
  warnings: string[];
}

/** `GET /admin/config`. */
export interface ConfigurationStatus {
  version: string;
  endpoints: { name: string; method: string; path: string }[];
  lastError?: { at: string; problems: string[] };
}

/**
 * An orchestrator whose catalog integration calls `catalog` (with the same token), serving the
 * example configuration unless `env` says otherwise. The other backends are somewhere nothing
 * listens unless `env` gives them.
 */
export async function startOrchestratorFor(
  catalog: RunningApp | { url: string },
  env: Record<string, string> = {},
): Promise<RunningApp> {
  return startApp('orchestrator', {
    CATALOG_API_URL: catalog.url,
    TEXT_SERVICE_URL: await unusedPortUrl(),
    TRANSCRIPTION_SERVICE_URL: await unusedPortUrl(),
    FEATURE_SERVER_URL: await unusedPortUrl(),
    MODEL_SERVICE_URL: await unusedPortUrl(),
    CREDIT_BUREAU_URL: await unusedPortUrl(),
    ORCHESTRATOR_ADMIN_TOKEN: ADMIN_TOKEN,
    ...env,
  });
}

/** `POST /admin/config/reload` with the admin token: 200 with the version now serving, or 422. */
export async function reloadConfiguration<T = { applied: boolean; version: string }>(
  orchestrator: RunningApp,
): Promise<JsonResponse<T>> {
  const response = await fetch(`${orchestrator.url}/admin/config/reload`, {
    method: 'POST',
    headers: ADMIN_HEADERS,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

export async function configurationStatus(orchestrator: RunningApp): Promise<ConfigurationStatus> {
  const { status, body } = await getJson<ConfigurationStatus>(
    `${orchestrator.url}/admin/config`,
    ADMIN_HEADERS,
  );
  if (status !== 200) throw new Error(`GET /admin/config answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * A copy of the example configuration in a temporary directory, to be edited by a test. The
 * texts of the copy as made are kept, so that later edits of the example do not reach the test.
 */
export class ConfigurationCopy {
  private constructor(
    readonly directory: string,
    private readonly originals: ReadonlyMap<string, string>,
  ) {}

  static async create(): Promise<ConfigurationCopy> {
    const directory = await mkdtemp(join(tmpdir(), 'orchestrator-config-'));
    await cp(EXAMPLE_CONFIG_DIR, directory, { recursive: true });
    const files = await readdir(directory, { recursive: true, withFileTypes: true });
    const originals = new Map<string, string>();
    for (const file of files.filter((entry) => entry.isFile())) {
      const path = join(file.parentPath, file.name);
      originals.set(relative(directory, path), await readFile(path, 'utf8'));
    }
    return new ConfigurationCopy(directory, originals);
  }

  /** The text `file` (`domains/catalog.yaml`) had when the copy was made. */
  original(file: string): string {
    const text = this.originals.get(file);
    if (text === undefined) throw new Error(`the example configuration has no ${file}`);
    return text;
  }

  write(file: string, text: string): Promise<void> {
    return writeFile(join(this.directory, file), text);
  }

  remove(): Promise<void> {
    return rm(this.directory, { recursive: true, force: true });
  }
}

/**
 * Calls `probe` until it returns a value other than undefined, and returns it; fails with
 * `what` once `timeoutMs` has passed.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
