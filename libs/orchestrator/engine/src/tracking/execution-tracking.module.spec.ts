import { DownstreamError } from '@libs/core/http';
import { failureOf } from '@libs/core/testing';
import { EXECUTION_STORE, type ExecutionStore } from './execution.store';
import {
  executionRecord,
  READ_HEADERS,
  recordsInOrder,
  REDIS_URL,
  RedisTestKeys,
  startTracking,
} from './execution-store.test-harness';
import { MemoryExecutionStore } from './memory-execution.store';
import { RedisExecutionStore } from './redis-execution.store';

describe('ExecutionTrackingModule', () => {
  const keys = new RedisTestKeys();
  afterAll(() => keys.cleanUp());

  it('keeps records in memory by default, within EXECUTIONS_MAX', async () => {
    const { app } = await startTracking({ EXECUTIONS_STORE: 'memory', EXECUTIONS_MAX: '2' });
    try {
      const store = app.get<ExecutionStore>(EXECUTION_STORE);
      expect(store).toBeInstanceOf(MemoryExecutionStore);
      const records = recordsInOrder(3);
      for (const record of records) await store.save(record);

      expect(await store.list({})).toEqual(records.slice(1).reverse());
    } finally {
      await app.close();
    }
  });

  it('with EXECUTIONS_STORE=redis, serves what another replica saved under the same prefix', async () => {
    const prefix = keys.prefix();
    const { app, url } = await startTracking({
      EXECUTIONS_STORE: 'redis',
      REDIS_URL,
      EXECUTIONS_REDIS_PREFIX: prefix,
    });
    const replica = new RedisExecutionStore({
      url: REDIS_URL,
      prefix,
      max: 1000,
      ttlSeconds: 60,
      commandTimeoutMs: 1000,
    });
    try {
      expect(app.get(EXECUTION_STORE)).toBeInstanceOf(RedisExecutionStore);
      const record = executionRecord();
      await replica.save(record);

      const res = await fetch(`${url}/executions/${record.id}`, { headers: READ_HEADERS });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(record);
    } finally {
      await Promise.all([app.close(), replica.onApplicationShutdown()]);
    }
  });

  it('closes its Redis connection when the app shuts down', async () => {
    const { app } = await startTracking({
      EXECUTIONS_STORE: 'redis',
      REDIS_URL,
      EXECUTIONS_REDIS_PREFIX: keys.prefix(),
    });
    const store = app.get<ExecutionStore>(EXECUTION_STORE);
    await store.get('any');
    await app.close();

    const error = await failureOf<DownstreamError>(store.get('any'));
    expect(error).toBeInstanceOf(DownstreamError);
    expect(error.message).toBe('execution-store is unavailable: Connection is closed.');
  });
});
