import { Logger } from '@nestjs/common';
import { DownstreamError } from '@libs/core/http';
import { executionStore } from '@libs/core/metrics';
import { failureOf, unusedPort } from '@libs/core/testing';
import Redis from 'ioredis';
import { executionRecord, recordsInOrder, REDIS_URL, RedisTestKeys } from './execution-store.test-harness';
import { RedisExecutionStore, type RedisExecutionStoreOptions } from './redis-execution.store';

describe('RedisExecutionStore', () => {
  const keys = new RedisTestKeys();
  const redis = new Redis(REDIS_URL);
  const opened: RedisExecutionStore[] = [];
  const open = (options: Partial<RedisExecutionStoreOptions> = {}): RedisExecutionStore => {
    const store = new RedisExecutionStore({
      url: REDIS_URL,
      prefix: keys.prefix(),
      max: 1000,
      ttlSeconds: 60,
      commandTimeoutMs: 1000,
      ...options,
    });
    opened.push(store);
    return store;
  };

  // What the stores report for the metrics during a test.
  let observed: unknown[] = [];
  let stopObserving: () => void;
  beforeEach(() => {
    observed = [];
    stopObserving = executionStore.subscribe((observation) => observed.push(observation));
  });
  afterEach(() => stopObserving());
  afterEach(() => Promise.all(opened.splice(0).map((store) => store.onApplicationShutdown())));
  afterAll(async () => {
    await keys.cleanUp();
    await redis.quit();
  });

  it('writes each record under the prefix with its age limit, and indexes it by start time', async () => {
    const prefix = keys.prefix();
    const store = open({ prefix, ttlSeconds: 120 });
    const record = executionRecord();
    await store.save(record);

    expect(JSON.parse((await redis.get(`${prefix}record:${record.id}`)) ?? 'null')).toEqual(record);
    expect(await redis.ttl(`${prefix}record:${record.id}`)).toBeGreaterThan(115);
    expect(await redis.ttl(`${prefix}record:${record.id}`)).toBeLessThanOrEqual(120);
    expect(await redis.zscore(`${prefix}by-start`, record.id)).toBe(String(Date.parse(record.startedAt)));
    expect(await redis.zscore(`${prefix}by-start:${record.endpoint}`, record.id)).toBe(
      String(Date.parse(record.startedAt)),
    );
  });

  it('shares records between replicas on the same prefix, trimmed to the newest whoever saved them', async () => {
    const prefix = keys.prefix();
    const replicaA = open({ prefix, max: 4 });
    const replicaB = open({ prefix, max: 4 });
    const records = recordsInOrder(6);
    await Promise.all(records.map((record, i) => (i % 2 === 0 ? replicaA : replicaB).save(record)));

    const newestFour = records.slice(2).reverse();
    expect(await replicaA.list({})).toEqual(newestFour);
    expect(await replicaB.list({})).toEqual(newestFour);
    expect(await replicaB.get(records[4].id)).toEqual(records[4]);
    expect(await replicaA.get(records[5].id)).toEqual(records[5]);
    expect(await redis.exists(`${prefix}record:${records[0].id}`, `${prefix}record:${records[1].id}`)).toBe(
      0,
    );
    // Each save reports the shared index's size once trimmed.
    expect(observed).toHaveLength(6);
    expect(observed).toContainEqual({ kind: 'size', records: 4 });
    expect(observed).not.toContainEqual({ kind: 'size', records: 5 });
  });

  it('drops index entries whose record has expired when a listing meets them', async () => {
    const prefix = keys.prefix();
    const store = open({ prefix });
    const [expired, kept] = recordsInOrder(2);
    await store.save(expired);
    await store.save(kept);
    await redis.del(`${prefix}record:${expired.id}`);

    expect(await store.list({ endpoint: kept.endpoint })).toEqual([kept]);
    expect(await redis.zrange(`${prefix}by-start:${kept.endpoint}`, 0, -1)).toEqual([kept.id]);
    expect(await store.list({})).toEqual([kept]);
    expect(await redis.zrange(`${prefix}by-start`, 0, -1)).toEqual([kept.id]);
  });

  describe('while Redis cannot be reached', () => {
    let store: RedisExecutionStore;

    let warn: jest.SpyInstance;

    beforeEach(async () => {
      warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation();
      // ioredis leaves a failed command's timer running: a short one lets Jest exit promptly.
      store = open({ url: `redis://127.0.0.1:${await unusedPort()}`, commandTimeoutMs: 300 });
    });
    afterEach(() => jest.restoreAllMocks());

    it('drops, logs and counts the records it cannot save, without failing', async () => {
      const [first, second] = recordsInOrder(2);
      await expect(store.save(first)).resolves.toBeUndefined();
      await expect(store.save(second)).resolves.toBeUndefined();

      expect(store.failedSaves).toBe(2);
      expect(observed).toEqual([
        { kind: 'error', operation: 'save' },
        { kind: 'error', operation: 'save' },
      ]);
      expect(warn).toHaveBeenCalledWith(
        { executionId: second.id, failedSaves: 2 },
        expect.stringMatching(new RegExp(`^execution ${second.id} was not saved: .*ECONNREFUSED`)),
      );
      // The outage itself is reported once, not at every reconnection attempt.
      expect(warn.mock.calls.filter(([message]) => /is unreachable/.test(String(message)))).toHaveLength(1);
    });

    it('answers reads with a 503 naming the execution store and why', async () => {
      for (const read of [store.get('some-execution'), store.list({}), store.list({ endpoint: 'x' })]) {
        const error = await failureOf<DownstreamError>(read);
        expect(error).toBeInstanceOf(DownstreamError);
        expect(error).toMatchObject({ source: 'execution-store', kind: 'unavailable', status: 503 });
        expect(error.message).toMatch(/^execution-store is unavailable: .*ECONNREFUSED/);
      }
      expect(observed).toEqual(Array(3).fill({ kind: 'error', operation: 'read' }));
    });
  });
});
