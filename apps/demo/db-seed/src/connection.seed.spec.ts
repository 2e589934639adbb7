import { DEMO_CUSTOMERS } from '@libs/demo/data';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scratchPostgresDatabase } from '@libs/core/testing';
import { databaseSection, type DatabaseConnection } from '@libs/orchestrator/backends/database';
import { migrateAndSeedConnection } from './connection.seed';

/** The connection `main` of a database.yaml whose url is `url`, as the seed step reads it. */
function connectionOf(url: string): DatabaseConnection {
  const { compiled, problems } = databaseSection.compile({ connections: { main: { url } } });
  if (problems.length > 0) throw new Error(problems.map(({ message }) => message).join('; '));
  return compiled.connections['main'];
}

describe('migrateAndSeedConnection', () => {
  it('migrates and seeds the SQLite file a sqlite: url names, once', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'database-seed-'));
    try {
      const connection = connectionOf(`sqlite:${join(directory, 'nested', 'main.sqlite')}`);
      expect(await migrateAndSeedConnection('main', connection, () => undefined)).toEqual({
        customers: DEMO_CUSTOMERS.length,
      });
      expect(await migrateAndSeedConnection('main', connection, () => undefined)).toEqual({
        customers: DEMO_CUSTOMERS.length,
      });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('migrates and seeds PostgreSQL, the password read from the variable password_env names', async () => {
    const database = scratchPostgresDatabase('seed_test');
    await database.create();
    try {
      const connection = { ...connectionOf(database.url), password_env: 'SEED_PASSWORD' };
      const read: string[] = [];
      const seeded = await migrateAndSeedConnection('main', connection, (key) => {
        read.push(key);
        return key === 'SEED_PASSWORD' ? 'unused-with-trust-auth' : undefined;
      });
      expect(seeded).toEqual({ customers: DEMO_CUSTOMERS.length });
      expect(read).toContain('SEED_PASSWORD');
    } finally {
      await database.drop();
    }
  });
});
