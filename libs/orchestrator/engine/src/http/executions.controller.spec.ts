import type { INestApplication } from '@nestjs/common';
import { unusedPort } from '@libs/core/testing';
import type { ExecutionRecord } from '../model';
import { EXECUTION_STORE, type ExecutionStore } from '../tracking/execution.store';
import { READ_HEADERS, recordsInOrder, startTracking } from '../tracking/execution-store.test-harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each spec asserts the shape it reads
type Json = any;

async function get(url: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, { headers: { 'x-request-id': 'executions-spec', ...READ_HEADERS } });
  return { status: res.status, body: await res.json() };
}

describe('GET /executions and /executions/:id', () => {
  let app: INestApplication;
  let url: string;
  let records: ExecutionRecord[];

  beforeAll(async () => {
    ({ app, url } = await startTracking({ EXECUTIONS_STORE: 'memory' }));
    records = recordsInOrder(4);
    records[0].sources.push({
      name: 'features',
      type: 'feast',
      attempts: 3,
      cacheHit: false,
      status: 'degraded',
      error: { statusCode: 504, message: 'features did not answer in time' },
    });
    // The first record has every field: it ran in a trace.
    records[0].traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    Object.assign(records[1], { status: 'failed', statusCode: 504 });
    Object.assign(records[2], { endpoint: 'orders.list_orders' });
    Object.assign(records[3], { status: 'degraded', degraded: ['features'] });
    const store = app.get<ExecutionStore>(EXECUTION_STORE);
    for (const record of records) await store.save(record);
  });
  afterAll(() => app.close());

  it('needs the read-only or the admin token: none or a wrong one is a 401, naming the variables', async () => {
    process.env['ORCHESTRATOR_ADMIN_TOKEN'] = 'executions-spec-admin';
    try {
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Bearer guess' },
        { authorization: READ_HEADERS.authorization.slice(0, -1) },
      ];
      for (const headers of attempts) {
        const res = await fetch(`${url}/executions/${records[0].id}`, { headers });
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({
          statusCode: 401,
          message: expect.stringContaining('ORCHESTRATOR_ADMIN_TOKEN or ORCHESTRATOR_READ_TOKEN'),
        });
      }
      const asAdmin = await fetch(`${url}/executions`, {
        headers: { authorization: 'Bearer executions-spec-admin' },
      });
      expect(asAdmin.status).toBe(200);
    } finally {
      delete process.env['ORCHESTRATOR_ADMIN_TOKEN'];
    }
  });

  it('is closed while neither token is set', async () => {
    const token = process.env['ORCHESTRATOR_READ_TOKEN'];
    delete process.env['ORCHESTRATOR_READ_TOKEN'];
    try {
      const res = await fetch(`${url}/executions`, { headers: READ_HEADERS });
      expect(res.status).toBe(403);
    } finally {
      process.env['ORCHESTRATOR_READ_TOKEN'] = token;
    }
  });

  it('answers one execution by its id', async () => {
    expect(await get(`${url}/executions/${records[0].id}`)).toEqual({ status: 200, body: records[0] });
  });

  it('answers 404 in the error envelope for an execution it does not keep', async () => {
    expect(await get(`${url}/executions/no-such-execution`)).toEqual({
      status: 404,
      body: {
        statusCode: 404,
        error: 'Not Found',
        message: 'No execution no-such-execution is kept: unknown, or expired',
        requestId: 'executions-spec',
      },
    });
  });

  it('lists executions newest first, filtered by endpoint, status and start time, up to a limit', async () => {
    const ids = async (query: string) => {
      const { status, body } = await get(`${url}/executions${query}`);
      expect(status).toBe(200);
      return (body.executions as ExecutionRecord[]).map((record) => record.id);
    };
    const [a, b, c, d] = records.map((record) => record.id);
    const at = (record: ExecutionRecord) => encodeURIComponent(record.startedAt);

    expect(await ids('')).toEqual([d, c, b, a]);
    expect(await ids('?endpoint=customers.get_customer_360')).toEqual([d, b, a]);
    expect(await ids('?endpoint=customers.get_customer_360&limit=2')).toEqual([d, b]);
    expect(await ids('?endpoint=orders.list_orders')).toEqual([c]);
    expect(await ids('?status=failed')).toEqual([b]);
    expect(await ids('?status=degraded&endpoint=customers.get_customer_360')).toEqual([d]);
    expect(await ids(`?since=${at(records[1])}&until=${at(records[2])}`)).toEqual([c, b]);
    expect(await ids(`?until=${at(records[0])}`)).toEqual([a]);
    expect(await ids(`?until=${at(records[2])}&limit=1`)).toEqual([c]);
  });

  it('refuses invalid filters with 400, listing each one', async () => {
    const { status, body } = await get(
      `${url}/executions?status=lost&since=yesterday&until=2025-13-01&limit=501&colour=red`,
    );

    expect(status).toBe(400);
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', requestId: 'executions-spec' });
    expect(Object.fromEntries(body.fields.map(({ field, errors }: Json) => [field, errors]))).toEqual({
      colour: ['property colour should not exist'],
      status: ['status must be one of the following values: ok, degraded, failed'],
      since: ['since must be a valid ISO 8601 date string'],
      until: ['until must be a valid ISO 8601 date string'],
      limit: ['limit must not be greater than 500'],
    });
    expect((await get(`${url}/executions?limit=0`)).body.fields).toEqual([
      { field: 'limit', errors: ['limit must not be less than 1'] },
    ]);
  });

  it('documents both routes with the record, the list and the error envelope', async () => {
    const { body: openApi } = await get(`${url}/docs-json`);
    const list = openApi.paths['/executions'].get;
    const one = openApi.paths['/executions/{id}'].get;
    const schemaOf = (route: Json, status: number) =>
      route.responses[status].content['application/json'].schema;

    expect(list.parameters.map((parameter: Json) => parameter.name).sort()).toEqual(
      ['endpoint', 'limit', 'since', 'status', 'until'].sort(),
    );
    expect(schemaOf(list, 200)).toEqual({ $ref: '#/components/schemas/ExecutionListDto' });
    expect(schemaOf(list, 400)).toEqual({ $ref: '#/components/schemas/ErrorEnvelopeDto' });
    expect(schemaOf(list, 503)).toEqual({ $ref: '#/components/schemas/ErrorEnvelopeDto' });
    expect(schemaOf(one, 200)).toEqual({ $ref: '#/components/schemas/ExecutionRecordDto' });
    expect(schemaOf(one, 404)).toEqual({ $ref: '#/components/schemas/ErrorEnvelopeDto' });
    expect(schemaOf(one, 503)).toEqual({ $ref: '#/components/schemas/ErrorEnvelopeDto' });

    const { ExecutionRecordDto, SourceTraceDto } = openApi.components.schemas;
    expect(Object.keys(ExecutionRecordDto.properties).sort()).toEqual(Object.keys(records[0]).sort());
    expect(ExecutionRecordDto.properties.status.enum).toEqual(['ok', 'degraded', 'failed']);
    expect(SourceTraceDto.properties.status.enum).toEqual(['ok', 'failed', 'degraded', 'skipped']);
    expect(SourceTraceDto.required.sort()).toEqual(['attempts', 'cacheHit', 'name', 'status', 'type']);
  });
});

describe('GET /executions while the Redis store is unreachable', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await startTracking({
      EXECUTIONS_STORE: 'redis',
      REDIS_URL: `redis://127.0.0.1:${await unusedPort()}`,
      EXECUTIONS_REDIS_TIMEOUT_MS: '300',
    }));
  });
  afterAll(() => app.close());

  it.each(['/executions', '/executions/some-execution'])(
    'answers %s with 503 naming the store',
    async (path) => {
      const { status, body } = await get(`${url}${path}`);

      expect(status).toBe(503);
      expect(body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.stringMatching(/^execution-store is unavailable: .*ECONNREFUSED/),
        requestId: 'executions-spec',
        source: 'execution-store',
      });
    },
  );
});
