import { ConfigService } from '@nestjs/config';
import { DEMO_CUSTOMERS, DEMO_MIGRATIONS, DEMO_TRANSACTIONS, migrateAndSeed } from '@libs/demo/data';
import { DownstreamError } from '@libs/core/http';
import type { SourceCall, ConfigurationSections } from '@libs/core/sources';
import { failureOf, scratchPostgresDatabase, unusedPort } from '@libs/core/testing';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { firstValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { databaseSection, type DatabaseConnection } from './database-configuration.schema';
import { DatabaseSourceAdapter } from './database.adapter';
import { DatabaseConnections } from './database.connections';

const POSTGRES = { host: '127.0.0.1', port: 5432, username: 'postgres' };

const operations = {
  get_customer: { connection: 'shop', sql: 'SELECT * FROM customers WHERE id = :customer_id', result: 'one' },
  find_customers: {
    connection: 'shop',
    sql: 'SELECT id, name FROM customers WHERE name = :name OR email = :name ORDER BY id',
    result: 'many',
  },
  list_transactions: {
    connection: 'shop',
    sql: 'SELECT id, account_id, amount, occurred_at FROM transactions ORDER BY id;',
    result: 'many',
    max_rows: 3,
  },
  count_customers: {
    connection: 'shop',
    sql: 'SELECT COUNT(*) AS total FROM customers -- all of them',
    result: 'scalar',
  },
  customer_balance: {
    connection: 'shop',
    sql: `WITH owned AS (SELECT balance FROM accounts WHERE customer_id = :customer_id)
          SELECT SUM(balance) AS balance, COUNT(*) AS accounts FROM owned`,
    result: 'one',
  },
  broken: { connection: 'shop', sql: 'SELECT * FROM no_such_table', result: 'many' },
  rename_customer: {
    connection: 'shop',
    sql: 'UPDATE customers SET name = :name WHERE id = :customer_id',
    result: 'many',
  },
  sleep: { connection: 'shop', sql: 'SELECT pg_sleep(:seconds) AS slept', result: 'scalar' },
  delete_customers: { connection: 'shop', sql: 'DELETE FROM customers RETURNING id, name', result: 'many' },
};

/** Sections as the loader gives them: database.yaml compiled by its section. */
const sectionsOf = (databaseFile: Record<string, unknown>): ConfigurationSections => {
  const { compiled, problems } = databaseSection.compile(databaseFile);
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  return { settings: {}, compiled: { database: compiled } };
};

const sectionsFor = (connection: DatabaseConnection): ConfigurationSections =>
  sectionsOf({ connections: { shop: connection }, operations });

const callOf = (
  sections: ConfigurationSections,
  operation: string,
  params: Record<string, unknown>,
  deadlineInMs = 10_000,
  signal = new AbortController().signal,
): SourceCall => ({
  source: 'profile',
  type: 'database',
  operation,
  params,
  context: {
    requestId: 'req-1',
    executionId: 'exec-1',
    signal,
    deadline: Date.now() + deadlineInMs,
    sections,
  },
});

interface Engine {
  name: string;
  connection: DatabaseConnection;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
}

const sqlite = (): Engine => {
  const directory = mkdtempSync(join(tmpdir(), 'database-adapter-'));
  return {
    name: 'sqlite',
    connection: { type: 'sqlite', path: join(directory, 'shop.sqlite') },
    setUp: async () => undefined,
    tearDown: async () => rmSync(directory, { recursive: true, force: true }),
  };
};

/** A database of its own per run, dropped at the end. */
const postgres = (): Engine => {
  const database = scratchPostgresDatabase('orchestrator_test');
  return {
    name: 'postgres',
    connection: { type: 'postgres', ...POSTGRES, database: database.name, pool: { max: 4 } },
    setUp: database.create,
    tearDown: database.drop,
  };
};

describe.each([
  ['SQLite', sqlite],
  ['PostgreSQL', postgres],
])('DatabaseSourceAdapter against %s', (_name, engineOf) => {
  const engine = engineOf();
  const sections = sectionsFor(engine.connection);
  const connections = new DatabaseConnections(new ConfigService());
  const adapter = new DatabaseSourceAdapter(connections);
  const run = (
    operation: string,
    params: Record<string, unknown>,
    deadlineInMs?: number,
    signal?: AbortSignal,
  ) => firstValueFrom(adapter.execute(callOf(sections, operation, params, deadlineInMs, signal)));

  beforeAll(async () => {
    await engine.setUp();
    const { type, path, pool, ...postgresFields } = engine.connection;
    void pool;
    const seeding = new DataSource(
      type === 'sqlite'
        ? { type: 'better-sqlite3', database: path ?? '', migrations: DEMO_MIGRATIONS }
        : { type: 'postgres', ...postgresFields, migrations: DEMO_MIGRATIONS },
    );
    await seeding.initialize();
    await migrateAndSeed(seeding);
    await migrateAndSeed(seeding); // a second run changes nothing
    await seeding.destroy();
  }, 30_000);

  afterAll(async () => {
    await connections.onApplicationShutdown();
    await engine.tearDown();
  }, 30_000);

  it('answers one row as plain JSON: timestamps as ISO strings', async () => {
    expect(await run('get_customer', { customer_id: 'cus-1001' })).toEqual({
      ...DEMO_CUSTOMERS[0],
      created_at: '2021-03-14T09:30:00.000Z',
    });
  });

  it('answers many rows, at most max_rows, with numbers as numbers', async () => {
    const rows = (await run('list_transactions', {})) as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      id: DEMO_TRANSACTIONS[0].id,
      account_id: DEMO_TRANSACTIONS[0].account_id,
      amount: DEMO_TRANSACTIONS[0].amount,
      occurred_at: DEMO_TRANSACTIONS[0].occurred_at,
    });
    expect(typeof rows[0]['id']).toBe('number');
    expect(typeof rows[0]['amount']).toBe('number');
  });

  it('answers a scalar, and sums and counts as numbers', async () => {
    expect(await run('count_customers', {})).toBe(DEMO_CUSTOMERS.length);
    expect(await run('customer_balance', { customer_id: 'cus-1001' })).toEqual({
      balance: 23230.75,
      accounts: 2,
    });
  });

  it('answers a missing row of a one operation with a 404 naming the source', async () => {
    const error = await failureOf<DownstreamError>(run('get_customer', { customer_id: 'cus-9999' }));
    expect(error).toBeInstanceOf(DownstreamError);
    expect(error).toMatchObject({ source: 'profile', kind: 'rejected', status: 404 });
    expect(error.message).toBe('profile: no row for get_customer with customer_id = "cus-9999"');
  });

  it('binds params as values: injection attempts find nothing and change nothing', async () => {
    const before = await run('count_customers', {});
    for (const attempt of [
      '1 OR 1=1',
      "' OR '1'='1",
      "'; DROP TABLE customers; --",
      'x; DELETE FROM customers',
    ]) {
      expect((await failureOf<DownstreamError>(run('get_customer', { customer_id: attempt }))).status).toBe(
        404,
      );
      expect(await run('find_customers', { name: attempt })).toEqual([]);
    }
    expect(await run('find_customers', { name: 'ada@example.com' })).toEqual([
      { id: 'cus-1001', name: 'Ada Lovelace' },
    ]);
    expect(await run('count_customers', {})).toBe(before);
    expect(await run('get_customer', { customer_id: 'cus-1002' })).toMatchObject({ name: 'Grace Hopper' });
  });

  it('answers an SQL error with a 502 in its own words, the driver’s message kept for the logs', async () => {
    const error = await failureOf<DownstreamError>(run('broken', {}));
    expect(error).toMatchObject({ source: 'profile', kind: 'bad-gateway', status: 502 });
    expect(error.message).toMatch(/^profile: database shop failed \((SQLITE_ERROR|42P01)\)$/);
    expect(error.detail).toMatch(/no_such_table/);
  });

  it('runs writes, which are not retried', async () => {
    await run('rename_customer', { customer_id: 'cus-1004', name: 'Hedy Kiesler' });
    expect(await run('get_customer', { customer_id: 'cus-1004' })).toMatchObject({ name: 'Hedy Kiesler' });
    const view = (operation: string) => ({ name: 'x', type: 'database', operation, params: {} });
    expect(adapter.idempotent(view('rename_customer'), sections)).toBe(false);
    expect(adapter.idempotent(view('customer_balance'), sections)).toBe(true);
    expect(adapter.idempotent(view('get_customer'), sections)).toBe(true);
  });

  it('describes an operation’s answer from its statement’s columns, without running it', async () => {
    const describe = (operation: string) =>
      adapter.describeResult(
        { name: 'profile', type: 'database', operation, params: {} },
        sections,
        new AbortController().signal,
      );
    const before = await run('count_customers', {});

    expect(await describe('get_customer')).toEqual({
      fields: { id: {}, name: {}, email: {}, segment: {}, country: {}, created_at: {} },
    });
    expect(await describe('customer_balance')).toEqual({ fields: { balance: {}, accounts: {} } });
    expect(await describe('list_transactions')).toEqual({
      items: { fields: { id: {}, account_id: {}, amount: {}, occurred_at: {} } },
    });
    expect(await describe('count_customers')).toEqual({});
    expect(await describe('rename_customer')).toEqual({ items: { fields: {} } });
    expect(await describe('delete_customers')).toEqual({ items: { fields: { id: {}, name: {} } } });
    expect(await run('count_customers', {})).toBe(before);
    await expect(describe('broken')).rejects.toThrow(
      /^database shop failed \((SQLITE_ERROR|42P01)\): .*no_such_table/,
    );
  });

  if (engine.name === 'postgres') {
    it('cancels a statement at the request’s deadline with a 504', async () => {
      const started = Date.now();
      const error = await failureOf<DownstreamError>(run('sleep', { seconds: 5 }, 300));
      expect(error).toMatchObject({ source: 'profile', kind: 'timeout', status: 504 });
      expect(Date.now() - started).toBeLessThan(2_000);
      await expectNoSleepRunning();
    });

    it('cancels a statement when the call is cancelled before its deadline', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('client went away')), 200);
      const error = await failureOf<DownstreamError>(run('sleep', { seconds: 5 }, 30_000, controller.signal));
      expect(error).toMatchObject({
        kind: 'timeout',
        status: 504,
        message: 'profile (sleep) was cancelled: client went away',
      });
      await expectNoSleepRunning();
    });

    const expectNoSleepRunning = async () => {
      // The server itself stopped it: the pool gets its connection back and serves at once.
      await new Promise((done) => setTimeout(done, 200));
      const client = new Client({
        ...POSTGRES,
        user: POSTGRES.username,
        database: engine.connection.database,
      });
      await client.connect();
      const { rows } = await client.query<{ running: string }>(
        "SELECT COUNT(*) AS running FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' AND state = 'active' AND pid <> pg_backend_pid()",
      );
      await client.end();
      expect(Number(rows[0].running)).toBe(0);
      expect(await run('count_customers', {})).toBe(DEMO_CUSTOMERS.length);
    };
  }
});

describe('DatabaseSourceAdapter with an unreachable PostgreSQL', () => {
  it('answers 503', async () => {
    const connections = new DatabaseConnections(new ConfigService());
    const adapter = new DatabaseSourceAdapter(connections);
    const port = await unusedPort();
    const sections = sectionsFor({ type: 'postgres', host: '127.0.0.1', port, username: 'postgres' });
    const error = await failureOf<DownstreamError>(
      firstValueFrom(adapter.execute(callOf(sections, 'count_customers', {}))),
    );
    expect(error).toMatchObject({ source: 'profile', kind: 'unavailable', status: 503 });
    expect(error.message).toBe('profile: database shop is unavailable (ECONNREFUSED)');
    await connections.onApplicationShutdown();
  });
});

describe('DatabaseSourceAdapter.describeResult of a database it cannot reach', () => {
  const connections = new DatabaseConnections(new ConfigService());
  const adapter = new DatabaseSourceAdapter(connections);
  const describe = (connection: DatabaseConnection) =>
    adapter.describeResult(
      { name: 'profile', type: 'database', operation: 'get_customer', params: {} },
      sectionsFor(connection),
      new AbortController().signal,
    );

  it('says that PostgreSQL is unavailable', async () => {
    const port = await unusedPort();
    await expect(
      describe({ type: 'postgres', host: '127.0.0.1', port, username: 'postgres' }),
    ).rejects.toThrow(/^database shop is unavailable \(ECONNREFUSED\)/);
  });

  it('says that an SQLite file is missing, and does not create it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'database-describe-'));
    const path = join(directory, 'missing', 'shop.sqlite');
    try {
      await expect(describe({ type: 'sqlite', path })).rejects.toThrow(
        `database shop is unavailable (SQLITE_CANTOPEN): no database file at ${path}`,
      );
      expect(existsSync(join(directory, 'missing'))).toBe(false);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('DatabaseSourceAdapter.validate', () => {
  const adapter = new DatabaseSourceAdapter(new DatabaseConnections(new ConfigService()));
  const sections = sectionsOf({
    connections: { shop: { type: 'sqlite' } },
    operations: {
      get_customer: operations.get_customer,
      count_customers: operations.count_customers,
      orphan: { connection: 'crm', sql: 'SELECT 1', result: 'scalar' },
    },
  });
  const view = (operation: string | undefined, params: Record<string, unknown>) => ({
    name: 'profile',
    type: 'database',
    ...(operation !== undefined && { operation }),
    params,
  });

  it('accepts a source that gives exactly the params its SQL names', () => {
    expect(adapter.validate(view('get_customer', { customer_id: '$request.id' }), sections)).toEqual([]);
  });

  it('names an unknown operation with the known ones, and a missing one', () => {
    expect(adapter.validate(view('get_customr', {}), sections)).toEqual([
      {
        path: ['operation'],
        message:
          'unknown operation get_customr; database.yaml declares: get_customer, count_customers, orphan',
      },
    ]);
    expect(adapter.validate(view(undefined, {}), sections)[0].message).toBe(
      'a database source names its operation; database.yaml declares: get_customer, count_customers, orphan',
    );
  });

  it('names missing and extra params', () => {
    expect(adapter.validate(view('get_customer', { id: 1 }), sections)).toEqual([
      {
        path: ['params'],
        message:
          'operation get_customer needs param customer_id (in its SQL), which the source does not give',
      },
      { path: ['params', 'id'], message: 'unknown param id; operation get_customer takes customer_id' },
    ]);
  });

  it('names an unknown connection', () => {
    expect(adapter.validate(view('orphan', {}), sections)).toEqual([
      {
        path: ['operation'],
        message:
          'operation orphan uses connection crm, which database.yaml does not declare; its connections: shop',
      },
    ]);
  });

  it('reports an operation of a configuration without database.yaml', () => {
    expect(adapter.validate(view('x', {}), { settings: {}, compiled: {} })).toEqual([
      { path: ['operation'], message: 'unknown operation x; database.yaml declares none' },
    ]);
  });
});
