import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WORKSPACE_ROOT } from './apps';

const run = promisify(execFile);

/** The demo database migrated and seeded by the built db-seed step, as `npm start` does it. */
export async function seedDemoDatabase(databaseUrl: string): Promise<string> {
  const { stdout } = await run(process.execPath, [join(WORKSPACE_ROOT, 'dist/apps/db-seed/main.js')], {
    cwd: WORKSPACE_ROOT,
    env: { PATH: process.env['PATH'], CONFIG_DIR: join(WORKSPACE_ROOT, 'config'), DATABASE_URL: databaseUrl },
  });
  return stdout.trim();
}
