import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DEMO_MIGRATIONS } from './demo-schema.migration';
import { DEMO_ACCOUNTS, DEMO_CUSTOMERS, DEMO_PRODUCTS, DEMO_TRANSACTIONS, migrateAndSeed } from './demo.seed';

describe('migrateAndSeed', () => {
  const directory = mkdtempSync(join(tmpdir(), 'demo-data-'));
  const dataSourceOf = (migrations: (typeof DEMO_MIGRATIONS)[number][]) =>
    new DataSource({ type: 'better-sqlite3', database: join(directory, 'demo.sqlite'), migrations });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('creates the schema and fills it once: a second run changes nothing', async () => {
    const dataSource = await dataSourceOf(DEMO_MIGRATIONS).initialize();
    try {
      await migrateAndSeed(dataSource);
      await dataSource.query("UPDATE customers SET name = 'changed' WHERE id = ?", [DEMO_CUSTOMERS[0].id]);
      await migrateAndSeed(dataSource);

      const counts = await dataSource.query(
        `SELECT (SELECT COUNT(*) FROM customers) AS customers, (SELECT COUNT(*) FROM accounts) AS accounts,
                (SELECT COUNT(*) FROM products) AS products, (SELECT COUNT(*) FROM transactions) AS transactions`,
      );
      expect(counts).toEqual([
        {
          customers: DEMO_CUSTOMERS.length,
          accounts: DEMO_ACCOUNTS.length,
          products: DEMO_PRODUCTS.length,
          transactions: DEMO_TRANSACTIONS.length,
        },
      ]);
      expect(
        await dataSource.query('SELECT name FROM customers WHERE id = ?', [DEMO_CUSTOMERS[0].id]),
      ).toEqual([{ name: 'changed' }]);
      expect(await dataSource.query('SELECT name FROM migrations')).toEqual([
        { name: 'DemoSchema1732300000000' },
      ]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('refuses a DataSource that does not list the demo migrations', async () => {
    const dataSource = await dataSourceOf([]).initialize();
    try {
      await expect(migrateAndSeed(dataSource)).rejects.toThrow(
        'the DataSource does not list the demo migrations (DemoSchema1732300000000) in its migrations',
      );
    } finally {
      await dataSource.destroy();
    }
  });
});
