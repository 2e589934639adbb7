import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WORKSPACE_ROOT } from './apps';

const run = promisify(execFile);

/** The instant the feature server counts days_since_last_purchase to, for answers that never change. */
export const AS_OF = '2024-08-01T00:00:00.000Z';

/** cus-1001's row, as config/database.yaml's get_customer answers it (libs/demo/data). */
export const ADA_ROW = {
  id: 'cus-1001',
  customer_id: 'cus-1001',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  segment: 'premium',
  country: 'GB',
  created_at: '2021-03-14T09:30:00.000Z',
};

/** cus-1001's features on AS_OF, from the seeded purchases (libs/demo/data). */
export const ADA_FEATURES = {
  customer_id: 'cus-1001',
  customer_lifetime_value: 440.89,
  purchase_frequency: 13.13,
  avg_transaction_amount: 62.98,
  days_since_last_purchase: 44,
  total_balance: 23230.75,
};

/** The demo database migrated and seeded by the built db-seed step, as `npm start` does it. */
export async function seedDemoDatabase(databaseUrl: string): Promise<string> {
  const { stdout } = await run(process.execPath, [join(WORKSPACE_ROOT, 'dist/apps/db-seed/main.js')], {
    cwd: WORKSPACE_ROOT,
    env: { PATH: process.env['PATH'], CONFIG_DIR: join(WORKSPACE_ROOT, 'config'), DATABASE_URL: databaseUrl },
  });
  return stdout.trim();
}
