#!/usr/bin/env node
// Writes the orchestrator's OpenAPI document (GET /docs-json) to a file, for
// tools/deploy/check.sh's route check:
//
//   npx nx build orchestrator && node tools/deploy/orchestrator-openapi.mjs <out.json>
//
// Starts the built orchestrator (dist/apps/orchestrator) on a free loopback port, in an empty
// temporary directory (no .env read, the default SQLite file created there), with this
// workspace's config/ and the demo secrets the configuration requires; the document lists the
// YAML endpoints of that configuration. Downstream services are not needed: /docs-json answers
// without them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SHARED_SECRET_DEFAULTS,
  freePort,
  startApp,
  stopAll,
  waitHealthy,
  workspaceRoot,
} from '../stack/services.mjs';

const [out] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: node tools/deploy/orchestrator-openapi.mjs <out.json>\n');
  process.exit(2);
}

const cwd = mkdtempSync(join(tmpdir(), 'orchestrator-openapi-'));
const port = await freePort();
const child = startApp(
  'orchestrator',
  {
    PATH: process.env.PATH,
    HOST: '127.0.0.1',
    ORCHESTRATOR_PORT: String(port),
    CONFIG_DIR: join(workspaceRoot, 'config'),
    CONFIG_WATCH: 'false',
    LOG_LEVEL: 'warn',
    ...SHARED_SECRET_DEFAULTS,
  },
  cwd,
);
let output = '';
child.stdout.on('data', (chunk) => (output += chunk));
child.stderr.on('data', (chunk) => (output += chunk));
try {
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy(`${base}/health/live`, child);
  const response = await fetch(`${base}/docs-json`);
  if (!response.ok) throw new Error(`GET /docs-json answered ${response.status}`);
  const document = await response.json();
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
  process.stderr.write(`${out}: ${Object.keys(document.paths ?? {}).length} paths\n`);
} catch (error) {
  process.stderr.write(`${error.message}\n${output}`);
  process.exitCode = 1;
} finally {
  await stopAll([child], 5000);
  rmSync(cwd, { recursive: true, force: true });
}
