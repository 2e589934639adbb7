import type { DataSource, EntityManager } from 'typeorm';
import { DEMO_MIGRATIONS } from './demo-schema.migration';

type Row = Record<string, string | number | boolean | null>;

export const DEMO_CUSTOMERS: Row[] = [
  {
    id: 'cus-1001',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    segment: 'premium',
    country: 'GB',
    created_at: '2021-03-14T09:30:00.000Z',
  },
  {
    id: 'cus-1002',
    name: 'Grace Hopper',
    email: 'grace@example.com',
    segment: 'standard',
    country: 'US',
    created_at: '2022-07-01T16:45:00.000Z',
  },
  {
    id: 'cus-1003',
    name: 'Alan Turing',
    email: 'alan@example.com',
    segment: 'standard',
    country: 'GB',
    created_at: '2023-01-20T11:00:00.000Z',
  },
  {
    id: 'cus-1004',
    name: 'Hedy Lamarr',
    email: 'hedy@example.com',
    segment: 'new',
    country: 'AT',
    created_at: '2024-05-05T08:15:00.000Z',
  },
];

export const DEMO_ACCOUNTS: Row[] = [
  {
    id: 'acc-2001',
    customer_id: 'cus-1001',
    kind: 'checking',
    currency: 'EUR',
    balance: 5230.75,
    opened_at: '2021-03-14T09:45:00.000Z',
  },
  {
    id: 'acc-2002',
    customer_id: 'cus-1001',
    kind: 'savings',
    currency: 'EUR',
    balance: 18000,
    opened_at: '2021-06-01T10:00:00.000Z',
  },
  {
    id: 'acc-2003',
    customer_id: 'cus-1002',
    kind: 'checking',
    currency: 'USD',
    balance: 842.1,
    opened_at: '2022-07-01T17:00:00.000Z',
  },
  {
    id: 'acc-2004',
    customer_id: 'cus-1003',
    kind: 'checking',
    currency: 'GBP',
    balance: -120.5,
    opened_at: '2023-01-20T11:30:00.000Z',
  },
  {
    id: 'acc-2005',
    customer_id: 'cus-1004',
    kind: 'checking',
    currency: 'EUR',
    balance: 60,
    opened_at: '2024-05-05T08:30:00.000Z',
  },
];

export const DEMO_PRODUCTS: Row[] = [
  { id: 'prd-1001', name: 'Nordlys kettle', category: 'kitchen', price: 49.9, active: true },
  { id: 'prd-1002', name: 'Fjord blanket', category: 'home', price: 89, active: true },
  { id: 'prd-1003', name: 'Birch cutting board', category: 'kitchen', price: 24.5, active: true },
  { id: 'prd-1004', name: 'Aurora desk lamp', category: 'office', price: 129.99, active: true },
  { id: 'prd-1005', name: 'Tundra thermos', category: 'outdoor', price: 34, active: false },
];

const DAY_MS = 86_400_000;
const FIRST_TRANSACTION = Date.parse('2024-06-01T12:00:00.000Z');

/** Three to five purchases per account, spread over days, with stable ids and amounts. */
export const DEMO_TRANSACTIONS: Row[] = DEMO_ACCOUNTS.flatMap((account, accountIndex) =>
  Array.from({ length: 3 + (accountIndex % 3) }, (_, index) => {
    const product = DEMO_PRODUCTS[(accountIndex + index) % DEMO_PRODUCTS.length];
    return {
      id: (accountIndex + 1) * 100 + index + 1,
      account_id: account.id,
      product_id: product.id,
      amount: product.price,
      occurred_at: new Date(FIRST_TRANSACTION + (accountIndex * 7 + index * 3) * DAY_MS).toISOString(),
    };
  }),
);

/**
 * Creates the demo schema with its TypeORM migrations (those not yet run) and fills it once:
 * a database that already has customers is left as it is. The DataSource must list
 * `DEMO_MIGRATIONS` among its `migrations`.
 */
export async function migrateAndSeed(dataSource: DataSource): Promise<void> {
  const listed = dataSource.migrations.map((migration) => migration.constructor);
  const missing = DEMO_MIGRATIONS.filter((migration) => !listed.includes(migration));
  if (missing.length) {
    throw new Error(
      `the DataSource does not list the demo migrations (${missing.map(({ name }) => name).join(', ')}) in its migrations`,
    );
  }
  await dataSource.runMigrations({ transaction: 'all' });
  const [{ count }] = (await dataSource.query('SELECT COUNT(*) AS count FROM customers')) as {
    count: unknown;
  }[];
  if (Number(count) > 0) return;
  await dataSource.transaction(async (manager) => {
    await insertRows(manager, 'customers', DEMO_CUSTOMERS);
    await insertRows(manager, 'accounts', DEMO_ACCOUNTS);
    await insertRows(manager, 'products', DEMO_PRODUCTS);
    await insertRows(manager, 'transactions', DEMO_TRANSACTIONS);
  });
}

/** Inserts `rows` into `table` of the demo schema, with the driver's placeholders; values are bound. */
export async function insertRows(manager: EntityManager, table: string, rows: readonly Row[]): Promise<void> {
  const postgres = manager.connection.options.type === 'postgres';
  for (const row of rows) {
    const columns = Object.keys(row);
    const placeholders = columns.map((_, index) => (postgres ? `$${index + 1}` : '?'));
    await manager.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})`,
      // SQLite has no boolean: it stores 1 and 0.
      Object.values(row).map((value) => (typeof value === 'boolean' && !postgres ? Number(value) : value)),
    );
  }
}
