import { DEMO_ACCOUNTS, DEMO_CUSTOMERS, DEMO_PRODUCTS, DEMO_TRANSACTIONS } from '@libs/demo/data';
import type { RunningService } from '@libs/core/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  QUIET_CUSTOMER,
  postgresDemoDatabase,
  sqliteDemoDatabase,
  startFeatureServer,
  type DemoDatabase,
} from './feature-serving.test-harness';

const AS_OF = '2024-08-01T00:00:00.000Z';
const DAY_MS = 86_400_000;
const EPOCH = '1970-01-01T00:00:00Z';
const cents = (value: number) => Math.round(value * 100) / 100;
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const secondPrecision = (instant: number) => new Date(instant).toISOString().replace('.000Z', 'Z');

/** customer_stats of a demo customer, worked out from the seed's own arrays. */
function expectedCustomerStats(customerId: string) {
  const accounts = DEMO_ACCOUNTS.filter((account) => account.customer_id === customerId);
  const purchases = DEMO_TRANSACTIONS.filter((transaction) =>
    accounts.some((account) => account.id === transaction.account_id),
  );
  const amounts = purchases.map((purchase) => Number(purchase.amount));
  const times = purchases.map((purchase) => Date.parse(String(purchase.occurred_at)));
  const [first, last] = [Math.min(...times), Math.max(...times)];
  const spanDays = (last - first) / DAY_MS;
  return {
    values: {
      customer_lifetime_value: cents(sum(amounts)),
      purchase_frequency: spanDays < 1 ? purchases.length : cents((purchases.length * 30) / spanDays),
      avg_transaction_amount: cents(sum(amounts) / amounts.length),
      days_since_last_purchase: Math.floor((Date.parse(AS_OF) - last) / DAY_MS),
      total_balance: cents(sum(accounts.map((account) => Number(account.balance)))),
    },
    eventTimestamp: secondPrecision(last),
  };
}

function expectedProductStats(productId: string) {
  const sales = DEMO_TRANSACTIONS.filter((transaction) => transaction.product_id === productId);
  const times = sales.map((sale) => Date.parse(String(sale.occurred_at)));
  return {
    values: { units_sold: sales.length, revenue: cents(sum(sales.map((sale) => Number(sale.amount)))) },
    eventTimestamp: sales.length ? secondPrecision(Math.max(...times)) : secondPrecision(Date.parse(AS_OF)),
  };
}

interface Answer {
  status: number;
  body: {
    metadata: { feature_names: string[] };
    results: { values: unknown[]; statuses: string[]; event_timestamps: string[] }[];
    detail?: unknown;
  };
}

describe.each([
  ['SQLite', sqliteDemoDatabase],
  ['PostgreSQL', postgresDemoDatabase],
])('the feature server on %s', (_engine, databaseOf) => {
  const database: DemoDatabase = databaseOf();
  let service: RunningService;

  const getOnlineFeatures = async (body: unknown): Promise<Answer> => {
    const res = await fetch(`${service.url}/get-online-features`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  };

  beforeAll(async () => {
    await database.create();
    service = await startFeatureServer({
      FEATURE_SERVER_DATABASE_URL: database.url,
      FEATURE_SERVER_AS_OF: AS_OF,
    });
  }, 30_000);
  afterAll(async () => {
    await service?.app.close();
    await database.drop();
  }, 30_000);

  it('answers a feature service for every demo customer in columns, the join key first', async () => {
    const customerIds = DEMO_CUSTOMERS.map((customer) => String(customer.id));
    const { status, body } = await getOnlineFeatures({
      feature_service: 'customer_features',
      entities: { customer_id: customerIds },
    });
    expect(status).toBe(200);
    const features = Object.keys(expectedCustomerStats('cus-1001').values);
    expect(body.metadata.feature_names).toEqual(['customer_id', ...features]);
    expect(body.results[0]).toEqual({
      values: customerIds,
      statuses: customerIds.map(() => 'PRESENT'),
      event_timestamps: customerIds.map(() => EPOCH),
    });
    features.forEach((feature, index) => {
      const expected = customerIds.map(expectedCustomerStats);
      expect(body.results[index + 1]).toEqual({
        values: expected.map((stats) => stats.values[feature as keyof typeof stats.values]),
        statuses: customerIds.map(() => 'PRESENT'),
        event_timestamps: expected.map((stats) => stats.eventTimestamp),
      });
    });
  });

  it('gives cus-1001 the values the README quotes', async () => {
    const { body } = await getOnlineFeatures({
      feature_service: 'customer_features',
      entities: { customer_id: ['cus-1001'] },
    });
    expect(body.results.map((column) => column.values[0])).toEqual([
      'cus-1001',
      440.89,
      13.13,
      62.98,
      44,
      23230.75,
    ]);
    expect(body.results[1].event_timestamps).toEqual(['2024-06-17T12:00:00Z']);
  });

  it('answers the requested features in the requested order, under full names when asked, NOT_FOUND for an unknown id', async () => {
    const { status, body } = await getOnlineFeatures({
      features: ['customer_stats:total_balance', 'customer_stats:customer_lifetime_value'],
      entities: { customer_id: ['cus-9999', 'cus-1002'] },
      full_feature_names: true,
    });
    expect(status).toBe(200);
    const expected = expectedCustomerStats('cus-1002');
    expect(body).toEqual({
      metadata: {
        feature_names: [
          'customer_id',
          'customer_stats__total_balance',
          'customer_stats__customer_lifetime_value',
        ],
      },
      results: [
        {
          values: ['cus-9999', 'cus-1002'],
          statuses: ['PRESENT', 'PRESENT'],
          event_timestamps: [EPOCH, EPOCH],
        },
        {
          values: [null, expected.values.total_balance],
          statuses: ['NOT_FOUND', 'PRESENT'],
          event_timestamps: [EPOCH, expected.eventTimestamp],
        },
        {
          values: [null, expected.values.customer_lifetime_value],
          statuses: ['NOT_FOUND', 'PRESENT'],
          event_timestamps: [EPOCH, expected.eventTimestamp],
        },
      ],
    });
  });

  it('answers a customer without purchases with zeros where they mean something and NULL_VALUE where not', async () => {
    const { body } = await getOnlineFeatures({
      feature_service: 'customer_features',
      entities: { customer_id: [QUIET_CUSTOMER.id] },
    });
    expect(body.results.slice(1)).toEqual([
      { values: [0], statuses: ['PRESENT'], event_timestamps: ['2024-08-01T00:00:00Z'] },
      { values: [0], statuses: ['PRESENT'], event_timestamps: ['2024-08-01T00:00:00Z'] },
      { values: [null], statuses: ['NULL_VALUE'], event_timestamps: ['2024-08-01T00:00:00Z'] },
      { values: [null], statuses: ['NULL_VALUE'], event_timestamps: ['2024-08-01T00:00:00Z'] },
      { values: [0], statuses: ['PRESENT'], event_timestamps: ['2024-08-01T00:00:00Z'] },
    ]);
  });

  it('answers product_stats for every product, a repeated id twice', async () => {
    const productIds = [...DEMO_PRODUCTS.map((product) => String(product.id)), 'prd-1001'];
    const { body } = await getOnlineFeatures({
      features: ['product_stats:units_sold', 'product_stats:revenue'],
      entities: { product_id: productIds },
    });
    const expected = productIds.map(expectedProductStats);
    expect(body.metadata.feature_names).toEqual(['product_id', 'units_sold', 'revenue']);
    expect(body.results[1].values).toEqual(expected.map((stats) => stats.values.units_sold));
    expect(body.results[2].values).toEqual(expected.map((stats) => stats.values.revenue));
    expect(body.results[2].event_timestamps).toEqual(expected.map((stats) => stats.eventTimestamp));
  });

  it('echoes integer ids, which no demo entity has', async () => {
    const { status, body } = await getOnlineFeatures({
      features: ['customer_stats:total_balance'],
      entities: { customer_id: [1001] },
    });
    expect(status).toBe(200);
    expect(body.results.map((column) => [column.values, column.statuses])).toEqual([
      [[1001], ['PRESENT']],
      [[null], ['NOT_FOUND']],
    ]);
  });

  it.each([
    [
      'an unknown feature service',
      { feature_service: 'fraud_features', entities: { customer_id: ['cus-1001'] } },
      404,
      'Feature service fraud_features does not exist in project orchestrator',
    ],
    [
      'an unknown feature view',
      { features: ['customer_statz:total_balance'], entities: { customer_id: ['cus-1001'] } },
      404,
      'Feature view customer_statz does not exist in project orchestrator',
    ],
    [
      'an unknown feature',
      { features: ['customer_stats:age'], entities: { customer_id: ['cus-1001'] } },
      404,
      expect.stringMatching(/^Feature age does not exist in feature view customer_stats/),
    ],
    [
      'a reference without its view',
      { features: ['total_balance'], entities: { customer_id: ['cus-1001'] } },
      400,
      'Feature reference total_balance is not of the form <feature_view>:<feature>',
    ],
    [
      'entities without the join key of a requested view',
      { features: ['product_stats:revenue'], entities: { customer_id: ['cus-1001'] } },
      400,
      'Missing entity join key product_id, which feature view product_stats is keyed by',
    ],
  ])('refuses %s with a Feast detail', async (_case, request, status, detail) => {
    const answer = await getOnlineFeatures(request);
    expect(answer).toEqual({ status, body: { detail } });
  });

  it.each([
    [
      'a body without entities and with a wrong type of full_feature_names',
      { features: ['customer_stats:total_balance'], full_feature_names: 'yes' },
      [
        { type: 'missing', loc: ['body', 'entities'], msg: 'Field required' },
        { type: 'bool_type', loc: ['body', 'full_feature_names'], msg: 'Input should be a valid boolean' },
      ],
    ],
    [
      'an entity column that is not a list',
      { feature_service: 'credit_features', entities: { customer_id: 'cus-1001' } },
      [{ type: 'list_type', loc: ['body', 'entities', 'customer_id'], msg: 'Input should be a valid list' }],
    ],
    [
      'both features and a feature service',
      { feature_service: 'credit_features', features: [], entities: { customer_id: ['cus-1001'] } },
      [{ type: 'value_error', loc: ['body'], msg: expect.stringContaining('not both') }],
    ],
    [
      'entity columns of different lengths',
      {
        features: ['customer_stats:total_balance', 'product_stats:revenue'],
        entities: { customer_id: ['cus-1001'], product_id: [] },
      },
      [{ type: 'value_error', loc: ['body', 'entities'], msg: expect.stringContaining('same length') }],
    ],
  ])('refuses %s with a FastAPI 422', async (_case, request, detail) => {
    expect(await getOnlineFeatures(request)).toEqual({ status: 422, body: { detail } });
  });

  it('reports itself up while every table answers', async () => {
    const res = await fetch(`${service.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
  });
});

describe('the feature server on a database without the demo tables', () => {
  const directory = mkdtempSync(join(tmpdir(), 'feature-serving-empty-'));
  const path = join(directory, 'empty.sqlite');
  let service: RunningService;

  beforeAll(async () => {
    await (await new DataSource({ type: 'better-sqlite3', database: path }).initialize()).destroy();
    service = await startFeatureServer({ FEATURE_SERVER_DATABASE_URL: `sqlite:${path}` });
  });
  afterAll(async () => {
    await service.app.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('answers a feature request with a 500 whose detail is the database error', async () => {
    const res = await fetch(`${service.url}/get-online-features`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ feature_service: 'credit_features', entities: { customer_id: ['cus-1001'] } }),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ detail: expect.stringContaining('no such table') });
  });

  it('reports itself down', async () => {
    const res = await fetch(`${service.url}/health`);
    expect(res.status).toBe(503);
    expect(JSON.stringify(await res.json())).toContain('no such table');
  });
});
