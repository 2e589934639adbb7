import { DEMO_CUSTOMERS } from '@orchestrator/demo-data';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parseDatabaseConfiguration, type DatabaseConnection } from './database-configuration.schema';
import { migrateAndSeedConnection } from './database.seed';

/** The connection `main` of a database.yaml whose url is `url`, as the seed step reads it. */
function connectionOf(url: string): DatabaseConnection {
  const parsed = parseDatabaseConfiguration({ connections: { main: { url } } });
  if (!('configuration' in parsed)) throw new Error(parsed.problems.join('; '));
  return parsed.configuration.connections['main'];
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
    const database = `seed_${process.pid}_${Date.now()}`;
    const admin = async (sql: string) => {
      const client = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE DATABASE ${database}`);
    try {
      const connection = {
        ...connectionOf(`postgres://postgres@127.0.0.1:5432/${database}`),
        password_env: 'SEED_PASSWORD',
      };
      const read: string[] = [];
      const seeded = await migrateAndSeedConnection('main', connection, (key) => {
        read.push(key);
        return key === 'SEED_PASSWORD' ? 'unused-with-trust-auth' : undefined;
      });
      expect(seeded).toEqual({ customers: DEMO_CUSTOMERS.length });
      expect(read).toContain('SEED_PASSWORD');
    } finally {
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    }
  });
});
