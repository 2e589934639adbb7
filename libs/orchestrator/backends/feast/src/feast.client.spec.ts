import type { TestingModule } from '@nestjs/testing';
import type { DownstreamError } from '@libs/core/http';
import { failureOf, unusedPortUrl } from '@libs/core/testing';
import { firstValueFrom } from 'rxjs';
import { FeastClient } from './feast.client';
import type { OnlineFeaturesQuery } from './feast.dto';
import { FeastHealthIndicator } from './feast.health';
import {
  FeastServerStandIn,
  feastModuleFor,
  startDemoFeatureServer,
  type DemoFeatureServer,
  type RecordedAnswer,
} from './feast.test-harness';

/** A Python feature server's answer for two drivers, the second unknown, with its top-level status. */
const RECORDED_DRIVER_ANSWER = {
  metadata: { feature_names: ['driver_id', 'conv_rate', 'acc_rate', 'avg_daily_trips'] },
  results: [
    {
      values: [1001, 1999],
      statuses: ['PRESENT', 'PRESENT'],
      event_timestamps: ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'],
    },
    {
      values: [0.582, null],
      statuses: ['PRESENT', 'NOT_FOUND'],
      event_timestamps: ['2024-05-01T10:00:00Z', '1970-01-01T00:00:00Z'],
    },
    {
      values: [null, null],
      statuses: ['NULL_VALUE', 'NOT_FOUND'],
      event_timestamps: ['2024-05-01T10:00:00Z', '1970-01-01T00:00:00Z'],
    },
    {
      values: [812, null],
      statuses: ['OUTSIDE_MAX_AGE', 'NOT_FOUND'],
      event_timestamps: ['2024-03-01T10:00:00Z', '1970-01-01T00:00:00Z'],
    },
  ],
  status: true,
};

const DRIVER_QUERY: OnlineFeaturesQuery = {
  features: [
    'driver_hourly_stats:conv_rate',
    'driver_hourly_stats:acc_rate',
    'driver_hourly_stats:avg_daily_trips',
  ],
  entities: { driver_id: [1001, 1999] },
};

describe('FeastClient against recorded Feast answers', () => {
  const standIn = new FeastServerStandIn();
  let moduleRef: TestingModule;
  let client: FeastClient;

  beforeAll(async () => {
    await standIn.start();
    moduleRef = await feastModuleFor(standIn.url, { FEATURE_SERVER_RETRIES: '1' });
    client = moduleRef.get(FeastClient);
  });
  afterAll(async () => {
    await moduleRef.close();
    await standIn.stop();
  });
  beforeEach(() => {
    standIn.requests.length = 0;
    standIn.script = () => ({ status: 200, body: RECORDED_DRIVER_ANSWER });
  });

  const onlineFeatures = (query = DRIVER_QUERY, requestId?: string) =>
    firstValueFrom(client.onlineFeatures(query, { requestId }));

  it('posts the Feast request and turns the columns into rows, values not PRESENT made null', async () => {
    await expect(onlineFeatures(DRIVER_QUERY, 'req-5')).resolves.toEqual({
      rows: [
        { driver_id: 1001, conv_rate: 0.582, acc_rate: null, avg_daily_trips: null },
        { driver_id: 1999, conv_rate: null, acc_rate: null, avg_daily_trips: null },
      ],
      statuses: [
        {
          driver_id: 'PRESENT',
          conv_rate: 'PRESENT',
          acc_rate: 'NULL_VALUE',
          avg_daily_trips: 'OUTSIDE_MAX_AGE',
        },
        { driver_id: 'PRESENT', conv_rate: 'NOT_FOUND', acc_rate: 'NOT_FOUND', avg_daily_trips: 'NOT_FOUND' },
      ],
    });
    expect(standIn.requests).toEqual([
      {
        method: 'POST',
        url: '/get-online-features',
        requestId: 'req-5',
        body: { features: DRIVER_QUERY.features, entities: { driver_id: [1001, 1999] } },
      },
    ]);
  });

  it('asks for a feature service with full feature names in Feast’s field names', async () => {
    standIn.script = () => ({
      status: 200,
      body: {
        metadata: { feature_names: ['driver_id', 'driver_hourly_stats__conv_rate'] },
        results: [
          { values: [1001], statuses: ['PRESENT'], event_timestamps: ['1970-01-01T00:00:00Z'] },
          { values: [0.582], statuses: ['PRESENT'], event_timestamps: ['2024-05-01T10:00:00Z'] },
        ],
      },
    });
    const answer = await onlineFeatures({
      featureService: 'driver_activity',
      entities: { driver_id: [1001] },
      fullFeatureNames: true,
    });
    expect(answer.rows).toEqual([{ driver_id: 1001, driver_hourly_stats__conv_rate: 0.582 }]);
    expect(standIn.requests[0].body).toEqual({
      feature_service: 'driver_activity',
      entities: { driver_id: [1001] },
      full_feature_names: true,
    });
  });

  it('retries a transient failure once', async () => {
    standIn.script = (hit) =>
      hit === 1 ? { status: 503, body: {} } : { status: 200, body: RECORDED_DRIVER_ANSWER };
    await expect(onlineFeatures()).resolves.toMatchObject({
      rows: [{ driver_id: 1001 }, { driver_id: 1999 }],
    });
    expect(standIn.requests).toHaveLength(2);
  });

  it('passes a FastAPI detail on: a 404 with its message, without retrying', async () => {
    standIn.script = () => ({
      status: 404,
      body: { detail: 'Feature view driver_hourly_statz does not exist in project driver_ranking' },
    });
    const error = await failureOf<DownstreamError>(onlineFeatures());
    expect(error).toMatchObject({ status: 404, kind: 'rejected', source: 'feature-server' });
    expect(error.message).toBe('feature-server rejected the request (HTTP 404)');
    expect(error.detail).toBe('Feature view driver_hourly_statz does not exist in project driver_ranking');
    expect(standIn.requests).toHaveLength(1);
  });

  it('keeps the fields of a FastAPI 422 for the logs and the trace', async () => {
    standIn.script = () => ({
      status: 422,
      body: { detail: [{ type: 'missing', loc: ['body', 'entities'], msg: 'Field required', input: {} }] },
    });
    const error = await failureOf<DownstreamError>(onlineFeatures());
    expect(error).toMatchObject({ status: 422, kind: 'rejected', source: 'feature-server' });
    expect(error.message).toBe('feature-server rejected the request (HTTP 422)');
    expect(error.detail).toContain('"loc":["body","entities"],"msg":"Field required"');
  });

  it('reports a 500 of the server, with its detail, as a 502', async () => {
    standIn.script = () => ({ status: 500, body: { detail: 'no such table: driver_hourly_stats' } });
    const error = await failureOf<DownstreamError>(onlineFeatures());
    expect(error).toMatchObject({ status: 502, kind: 'bad-gateway', source: 'feature-server' });
    expect(error.message).toBe('feature-server failed with HTTP 500');
    expect(error.detail).toBe('no such table: driver_hourly_stats');
  });

  const column = { values: [1001, 1999], statuses: ['PRESENT', 'PRESENT'], event_timestamps: [] };
  it.each<[string, RecordedAnswer, string]>([
    ['a body that is not JSON', { status: 200, rawBody: '<html>' }, 'with a body that cannot be read'],
    ['no metadata', { status: 200, body: { results: [column] } }, 'no metadata.feature_names'],
    [
      'more names than columns',
      { status: 200, body: { metadata: { feature_names: ['driver_id', 'conv_rate'] }, results: [column] } },
      '2 feature names for 1 result columns',
    ],
    [
      'a column shorter than the entity rows',
      {
        status: 200,
        body: {
          metadata: { feature_names: ['driver_id', 'conv_rate'] },
          results: [column, { values: [0.5], statuses: ['PRESENT'], event_timestamps: [] }],
        },
      },
      'column conv_rate has 1 values and 1 statuses for 2 entity rows',
    ],
    [
      'the row-per-entity form of old documentation',
      {
        status: 200,
        body: { field_values: [{ fields: { driver_id: 1001 }, statuses: { driver_id: 'PRESENT' } }] },
      },
      'no metadata.feature_names',
    ],
  ])('answers %s with a 502', async (_case, answer, problem) => {
    standIn.script = () => answer;
    const error = await failureOf<DownstreamError>(onlineFeatures());
    expect(error).toMatchObject({ status: 502, kind: 'bad-gateway', source: 'feature-server' });
    expect(error.message).toContain(problem);
  });

  it('reports itself as feature-server, up while the server answers /health', async () => {
    const result = await moduleRef.get(FeastHealthIndicator).check();
    expect(result['feature-server']).toMatchObject({ status: 'up', url: standIn.url, available: true });
    expect(standIn.requests[0]).toMatchObject({ method: 'GET', url: '/health' });
  });
});

describe('FeastClient against the project’s feature server', () => {
  let server: DemoFeatureServer;
  let moduleRef: TestingModule;
  let client: FeastClient;

  beforeAll(async () => {
    server = await startDemoFeatureServer();
    moduleRef = await feastModuleFor(server.url);
    client = moduleRef.get(FeastClient);
  }, 30_000);
  afterAll(async () => {
    await moduleRef.close();
    await server.stop();
  });

  it('reads a feature service for a known and an unknown customer', async () => {
    const answer = await firstValueFrom(
      client.onlineFeatures(
        { featureService: 'credit_features', entities: { customer_id: ['cus-1001', 'cus-0000'] } },
        {},
      ),
    );
    expect(answer).toEqual({
      rows: [
        {
          customer_id: 'cus-1001',
          customer_lifetime_value: 440.89,
          purchase_frequency: 13.13,
          days_since_last_purchase: 44,
          total_balance: 23230.75,
        },
        {
          customer_id: 'cus-0000',
          customer_lifetime_value: null,
          purchase_frequency: null,
          days_since_last_purchase: null,
          total_balance: null,
        },
      ],
      statuses: [
        {
          customer_id: 'PRESENT',
          customer_lifetime_value: 'PRESENT',
          purchase_frequency: 'PRESENT',
          days_since_last_purchase: 'PRESENT',
          total_balance: 'PRESENT',
        },
        {
          customer_id: 'PRESENT',
          customer_lifetime_value: 'NOT_FOUND',
          purchase_frequency: 'NOT_FOUND',
          days_since_last_purchase: 'NOT_FOUND',
          total_balance: 'NOT_FOUND',
        },
      ],
    });
  });

  it('passes its refusal of an unknown feature view on as a 404', async () => {
    const error = await failureOf<DownstreamError>(
      firstValueFrom(
        client.onlineFeatures(
          { features: ['customer_statz:total_balance'], entities: { customer_id: ['x'] } },
          {},
        ),
      ),
    );
    expect(error).toMatchObject({ status: 404, kind: 'rejected' });
    expect(error.detail).toContain('Feature view customer_statz does not exist');
  });

  it('reports itself up', async () => {
    const result = await moduleRef.get(FeastHealthIndicator).check();
    expect(result['feature-server']).toMatchObject({ status: 'up' });
  });
});

describe('FeastClient when the feature server is not running', () => {
  let moduleRef: TestingModule;

  beforeAll(async () => {
    moduleRef = await feastModuleFor(await unusedPortUrl(), { FEATURE_SERVER_RETRIES: '0' });
  });
  afterAll(() => moduleRef.close());

  it('reports a refused connection as a 503', async () => {
    const error = await failureOf(
      firstValueFrom(moduleRef.get(FeastClient).onlineFeatures(DRIVER_QUERY, {})),
    );
    expect(error).toMatchObject({ status: 503, kind: 'unavailable', source: 'feature-server' });
  });

  it('reports itself down', async () => {
    const result = await moduleRef.get(FeastHealthIndicator).check();
    expect(result['feature-server']).toMatchObject({ status: 'down', available: false });
    expect(result['feature-server'].message).toContain('ECONNREFUSED');
  });
});
