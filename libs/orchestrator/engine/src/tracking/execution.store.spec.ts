import type { OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionStore } from './execution.store';
import { executionRecord, recordsInOrder, REDIS_URL, RedisTestKeys } from './execution-store.test-harness';
import { MemoryExecutionStore, type ExecutionStoreLimits } from './memory-execution.store';
import { RedisExecutionStore } from './redis-execution.store';

// The contract every store keeps, run against each of them (Redis is the real one).
const redisKeys = new RedisTestKeys();
afterAll(() => redisKeys.cleanUp());

const stores: [string, (limits: ExecutionStoreLimits) => ExecutionStore][] = [
  ['MemoryExecutionStore', (limits) => new MemoryExecutionStore(limits)],
  [
    'RedisExecutionStore',
    (limits) =>
      new RedisExecutionStore({
        ...limits,
        url: REDIS_URL,
        prefix: redisKeys.prefix(),
        commandTimeoutMs: 1000,
      }),
  ],
];

describe.each(stores)('%s', (_name, create) => {
  const opened: ExecutionStore[] = [];
  const open = (limits: Partial<ExecutionStoreLimits> = {}): ExecutionStore => {
    const store = create({ max: 1000, ttlSeconds: 60, ...limits });
    opened.push(store);
    return store;
  };
  const saveAll = async (store: ExecutionStore, records: Parameters<ExecutionStore['save']>[0][]) => {
    for (const record of records) await store.save(record);
  };
  const ids = (records: { id: string }[]) => records.map((record) => record.id);

  afterEach(async () => {
    await Promise.all(
      opened.splice(0).map((store) => (store as Partial<OnApplicationShutdown>).onApplicationShutdown?.()),
    );
  });

  it('gives back a saved record whole, and nothing for an unknown id', async () => {
    const store = open();
    const record = executionRecord({
      status: 'degraded',
      degraded: ['features'],
      sources: [
        {
          name: 'profile',
          type: 'api',
          attempts: 2,
          cacheHit: true,
          status: 'ok',
          params: { nested: [1, null] },
        },
        {
          name: 'features',
          type: 'feast',
          attempts: 3,
          cacheHit: false,
          status: 'degraded',
          error: { statusCode: 504, message: 'features did not answer in time' },
        },
      ],
    });
    await store.save(record);

    expect(await store.get(record.id)).toEqual(record);
    expect(await store.get('no-such-execution')).toBeUndefined();
  });

  it('keeps what was saved, whatever the caller does to its record afterwards', async () => {
    const store = open();
    const record = executionRecord();
    await store.save(record);
    record.status = 'failed';
    record.sources[0].status = 'failed';

    expect(await store.get(record.id)).toMatchObject({ status: 'ok', sources: [{ status: 'ok' }] });
  });

  it('replaces a record saved again under the same id', async () => {
    const store = open();
    const record = executionRecord();
    await store.save(record);
    await store.save({ ...record, status: 'failed', statusCode: 504 });

    expect(await store.get(record.id)).toMatchObject({ status: 'failed', statusCode: 504 });
    expect(await store.list({})).toEqual([expect.objectContaining({ id: record.id, status: 'failed' })]);
  });

  it('lists newest first, whatever order the records were saved in', async () => {
    const store = open();
    const [oldest, middle, newest] = recordsInOrder(3);
    await saveAll(store, [middle, newest, oldest]);

    expect(ids(await store.list({}))).toEqual(ids([newest, middle, oldest]));
  });

  it('filters by endpoint, by status and by start time, inclusive of both bounds, and by all at once', async () => {
    const store = open();
    const [a, b, c, d, e] = recordsInOrder(5);
    Object.assign(b, { status: 'failed', statusCode: 502 });
    Object.assign(d, { status: 'degraded', degraded: ['features'] });
    Object.assign(e, { endpoint: 'orders.list_orders', status: 'failed', statusCode: 503 });
    await saveAll(store, [a, b, c, d, e]);

    expect(ids(await store.list({ endpoint: 'orders.list_orders' }))).toEqual(ids([e]));
    expect(ids(await store.list({ endpoint: 'customers.get_customer_360' }))).toEqual(ids([d, c, b, a]));
    expect(ids(await store.list({ status: 'failed' }))).toEqual(ids([e, b]));
    expect(ids(await store.list({ status: 'degraded' }))).toEqual(ids([d]));
    expect(ids(await store.list({ since: new Date(b.startedAt), until: new Date(c.startedAt) }))).toEqual(
      ids([c, b]),
    );
    expect(ids(await store.list({ since: new Date(c.startedAt) }))).toEqual(ids([e, d, c]));
    expect(ids(await store.list({ until: new Date(a.startedAt) }))).toEqual(ids([a]));
    expect(
      ids(
        await store.list({
          endpoint: 'customers.get_customer_360',
          status: 'failed',
          since: new Date(a.startedAt),
        }),
      ),
    ).toEqual(ids([b]));
    expect(await store.list({ endpoint: 'nowhere' })).toEqual([]);
  });

  it('lists 50 records unless told otherwise, and never more than 500', async () => {
    const store = open();
    const records = recordsInOrder(501);
    await saveAll(store, records);
    const newestFirst = ids(records).reverse();

    expect(ids(await store.list({}))).toEqual(newestFirst.slice(0, 50));
    expect(ids(await store.list({ limit: 3 }))).toEqual(newestFirst.slice(0, 3));
    expect(await store.list({ limit: 10_000 })).toHaveLength(500);
  });

  it('finds enough records that pass a filter even when many newer ones do not', async () => {
    const store = open();
    const records = recordsInOrder(150);
    for (const record of records.slice(0, 4)) Object.assign(record, { status: 'failed', statusCode: 502 });
    await saveAll(store, records);

    expect(ids(await store.list({ status: 'failed', limit: 3 }))).toEqual(ids(records.slice(1, 4)).reverse());
  });

  it('keeps only the newest records beyond its size', async () => {
    const store = open({ max: 3 });
    const records = recordsInOrder(5);
    await saveAll(store, records);

    expect(ids(await store.list({}))).toEqual(ids(records.slice(2)).reverse());
    expect(await store.get(records[0].id)).toBeUndefined();
    expect(await store.get(records[1].id)).toBeUndefined();
    expect(await store.get(records[2].id)).toEqual(records[2]);
  });

  it('forgets records once they are older than its age limit', async () => {
    const store = open({ ttlSeconds: 1 });
    const record = executionRecord();
    await store.save(record);
    expect(await store.get(record.id)).toEqual(record);

    await sleep(1_100);
    expect(await store.get(record.id)).toBeUndefined();
    expect(await store.list({})).toEqual([]);
    expect(await store.list({ endpoint: record.endpoint })).toEqual([]);
  });
});
