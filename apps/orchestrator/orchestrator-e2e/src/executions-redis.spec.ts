import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RunningApp, startApp, stopApps } from './support/apps';
import { RECORD_HEADERS, type ExecutionRecord, startOrchestratorFor } from './support/engine';
import { getJson } from './support/http';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** Two replicas of the orchestrator sharing one Redis, under a key prefix of this run's own. */
describe('execution records shared by two orchestrator replicas through Redis', () => {
  const prefix = `orchestrator-e2e:${randomUUID()}:`;
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let catalog: RunningApp;
  let replicaA: RunningApp;
  let replicaB: RunningApp;

  beforeAll(async () => {
    await redis.connect().catch((error: Error) => {
      throw new Error(`these tests need Redis at ${REDIS_URL}: ${error.message}`);
    });
    catalog = await startApp('catalog-api');
    const env = { EXECUTIONS_STORE: 'redis', REDIS_URL, EXECUTIONS_REDIS_PREFIX: prefix };
    [replicaA, replicaB] = await Promise.all([
      startOrchestratorFor(catalog, env),
      startOrchestratorFor(catalog, env),
    ]);
  });
  afterAll(async () => {
    await stopApps(replicaA, replicaB, catalog);
    if (redis.status === 'ready') {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    } else {
      redis.disconnect();
    }
  });

  it("serves at replica B's /executions/:id the record of an execution served by replica A", async () => {
    const served = await getJson(`${replicaA.url}/products/prd-1004`, { 'x-request-id': 'e2e-replicated' });
    expect(served.status).toBe(200);
    const executionId = served.headers.get('x-execution-id');

    const { status, body } = await getJson<ExecutionRecord>(
      `${replicaB.url}/executions/${executionId}`,
      RECORD_HEADERS,
    );

    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: executionId,
      requestId: 'e2e-replicated',
      endpoint: 'catalog.get_product',
      configVersion: served.headers.get('x-config-version'),
      status: 'ok',
      statusCode: 200,
      sources: [{ name: 'product', status: 'ok', attempts: 1, params: { product_id: 'prd-1004' } }],
    });
    expect(await redis.exists(`${prefix}record:${executionId}`)).toBe(1);
  });

  it('lists at replica A a failed execution served by replica B', async () => {
    const failed = await getJson(`${replicaB.url}/products/prd-9999`);
    expect(failed.status).toBe(404);
    const executionId = failed.headers.get('x-execution-id');

    const { status, body } = await getJson<{ executions: ExecutionRecord[] }>(
      `${replicaA.url}/executions?endpoint=catalog.get_product&status=failed`,
      RECORD_HEADERS,
    );

    expect(status).toBe(200);
    expect(body.executions).toEqual([
      expect.objectContaining({ id: executionId, status: 'failed', statusCode: 404 }),
    ]);
  });
});
