import { unusedPortUrl } from '@libs/core/testing';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningApp } from './apps';
import { startOrchestratorFor } from './engine';

/** A configuration directory's files, as objects: each is written as JSON, which YAML reads as is. */
export interface ConfigFiles {
  /** `settings` of config.yaml; the admin token variable is always ORCHESTRATOR_ADMIN_TOKEN. */
  settings?: Record<string, unknown>;
  /** database.yaml: `{ connections, operations }`. */
  database?: Record<string, unknown>;
  /** domains/<name>.yaml: `{ endpoints }` by domain. */
  domains?: Record<string, Record<string, unknown>>;
  /** integrations/<name>.yaml: one integration each, by name. */
  integrations?: Record<string, Record<string, unknown>>;
}

export interface ConfigDirectory {
  directory: string;
  remove(): Promise<void>;
}

/** A small configuration of a test's own in a temporary directory, for `CONFIG_DIR`. */
export async function writeConfigDirectory(files: ConfigFiles): Promise<ConfigDirectory> {
  const directory = await mkdtemp(join(tmpdir(), 'orchestrator-e2e-config-'));
  const write = (path: string, content: unknown) =>
    writeFile(join(directory, path), `${JSON.stringify(content, null, 2)}\n`);
  await Promise.all([mkdir(join(directory, 'domains')), mkdir(join(directory, 'integrations'))]);
  await write('config.yaml', {
    settings: { admin_token_env: 'ORCHESTRATOR_ADMIN_TOKEN', ...files.settings },
  });
  if (files.database) await write('database.yaml', files.database);
  for (const [domain, content] of Object.entries(files.domains ?? {})) {
    await write(join('domains', `${domain}.yaml`), content);
  }
  for (const [name, integration] of Object.entries(files.integrations ?? {})) {
    await write(join('integrations', `${name}.yaml`), { integrations: { [name]: integration } });
  }
  return { directory, remove: () => rm(directory, { recursive: true, force: true }) };
}

/**
 * An orchestrator serving `config` (the example configuration when none is given), every
 * backend somewhere nothing listens and none of them required for readiness, unless `env`
 * says otherwise.
 */
export async function startIsolatedOrchestrator(
  env: Record<string, string>,
  config?: ConfigDirectory,
): Promise<RunningApp> {
  return startOrchestratorFor(
    { url: await unusedPortUrl() },
    {
      ...(config ? { CONFIG_DIR: config.directory } : {}),
      TEXT_SERVICE_REQUIRED: 'false',
      TRANSCRIPTION_SERVICE_REQUIRED: 'false',
      FEATURE_SERVER_REQUIRED: 'false',
      MODEL_SERVICE_REQUIRED: 'false',
      DATABASE_REQUIRED: 'false',
      ...env,
    },
  );
}
