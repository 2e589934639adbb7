import { Reflector } from '@nestjs/core';
import type { TestingModule } from '@nestjs/testing';
import type { DownstreamError } from '@libs/core/http';
import { SOURCE_ADAPTER_TYPE, type ConfigurationSections, type SourceCall } from '@libs/core/sources';
import { failureOf, unusedPortUrl } from '@libs/core/testing';
import { firstValueFrom } from 'rxjs';
import { FeastSourceAdapter } from './feast.adapter';
import { feastSection } from './feast-configuration.schema';
import {
  FeastServerStandIn,
  feastModuleFor,
  startDemoFeatureServer,
  type DemoFeatureServer,
} from './feast.test-harness';

const CUS_1001_CREDIT = {
  customer_id: 'cus-1001',
  customer_lifetime_value: 440.89,
  purchase_frequency: 13.13,
  days_since_last_purchase: 44,
  total_balance: 23230.75,
};

/** The project's feast.yaml, and a lookup by a list of features for a second entity key. */
const SECTIONS: ConfigurationSections = {
  settings: {},
  compiled: {
    feast: feastSection.compile({
      operations: {
        get_customer_features: { feature_service: 'customer_features', entities: ['customer_id'] },
        get_units_sold: { features: ['product_stats:units_sold'], entities: ['product_id'] },
      },
    }).compiled,
  },
};

/** A call of the source `features`, with what it annotates collected in `annotations`. */
function callFor(
  params: Record<string, unknown>,
  annotations: Record<string, unknown>[] = [],
  operation?: string,
): SourceCall {
  return {
    source: 'features',
    type: 'feast',
    ...(operation && { operation }),
    params,
    context: {
      requestId: 'req-9',
      executionId: 'exec-9',
      signal: new AbortController().signal,
      deadline: Date.now() + 5_000,
      sections: SECTIONS,
      annotate: (details) => annotations.push(details),
    },
  };
}

describe('FeastSourceAdapter against the project’s feature server', () => {
  let server: DemoFeatureServer;
  let moduleRef: TestingModule;
  let adapter: FeastSourceAdapter;

  beforeAll(async () => {
    server = await startDemoFeatureServer();
    moduleRef = await feastModuleFor(server.url);
    adapter = moduleRef.get(FeastSourceAdapter);
  }, 30_000);
  afterAll(async () => {
    await moduleRef.close();
    await server.stop();
  });

  const run = (call: SourceCall) => firstValueFrom(adapter.execute(call));

  it('is the adapter of type feast, and may be retried', () => {
    expect(new Reflector().get(SOURCE_ADAPTER_TYPE, FeastSourceAdapter)).toBe('feast');
    expect(adapter.type).toBe('feast');
    expect(adapter.idempotent()).toBe(true);
  });

  it('answers the one row of a single customer’s feature service, annotating nothing when all is present', async () => {
    const annotations: Record<string, unknown>[] = [];
    const call = callFor(
      { feature_service: 'credit_features', entities: { customer_id: 'cus-1001' } },
      annotations,
    );
    await expect(run(call)).resolves.toEqual(CUS_1001_CREDIT);
    expect(annotations).toEqual([]);
  });

  it('answers the features listed, under full names when asked', async () => {
    await expect(
      run(
        callFor({
          features: ['customer_stats:avg_transaction_amount', 'customer_stats:total_balance'],
          entities: { customer_id: 'cus-1001' },
          full_feature_names: true,
        }),
      ),
    ).resolves.toEqual({
      customer_id: 'cus-1001',
      customer_stats__avg_transaction_amount: 62.98,
      customer_stats__total_balance: 23230.75,
    });
  });

  it('answers a batch lookup as rows in request order, the statuses of missing ones in the trace', async () => {
    const annotations: Record<string, unknown>[] = [];
    const call = callFor(
      {
        features: ['customer_stats:customer_lifetime_value', 'customer_stats:total_balance'],
        entities: { customer_id: ['cus-0000', 'cus-1001'] },
      },
      annotations,
    );
    await expect(run(call)).resolves.toEqual([
      { customer_id: 'cus-0000', customer_lifetime_value: null, total_balance: null },
      { customer_id: 'cus-1001', customer_lifetime_value: 440.89, total_balance: 23230.75 },
    ]);
    expect(annotations).toEqual([
      {
        statuses: {
          customer_lifetime_value: ['NOT_FOUND', 'PRESENT'],
          total_balance: ['NOT_FOUND', 'PRESENT'],
        },
      },
    ]);
  });

  it('describes declared features as the fields it answers, and nothing it cannot know', async () => {
    const answered = async (params: Record<string, unknown>) => {
      const shape = await adapter.describeResult({ name: 'features', type: 'feast', params });
      const result = await run(callFor(params));
      const row = Array.isArray(result) ? result[0] : result;
      return { described: shape, answered: Object.keys(row).sort() };
    };
    const fieldsOf = (names: string[]) => ({ fields: Object.fromEntries(names.map((name) => [name, {}])) });

    const single = await answered({
      features: ['customer_stats:customer_lifetime_value', 'customer_stats:total_balance'],
      entities: { customer_id: 'cus-1001' },
    });
    expect(single.described).toEqual(fieldsOf(single.answered));
    expect(single.answered).toEqual(['customer_id', 'customer_lifetime_value', 'total_balance']);
    const fullNames = await answered({
      features: ['customer_stats:total_balance'],
      entities: { customer_id: ['cus-1001', 'cus-1002'] },
      full_feature_names: true,
    });
    expect(fullNames.described).toEqual({ items: fieldsOf(fullNames.answered) });
    expect(fullNames.answered).toEqual(['customer_id', 'customer_stats__total_balance']);
    for (const params of [
      { feature_service: 'credit_features', entities: { customer_id: 'cus-1001' } },
      { features: ['customer_stats:total_balance', '$request.extra'], entities: { customer_id: 'x' } },
    ]) {
      expect(await adapter.describeResult({ name: 'features', type: 'feast', params })).toBeUndefined();
    }
  });

  it("describes a named operation by feast.yaml's features, its entity keys being the params", async () => {
    const described = (operation: string, params: Record<string, unknown>) =>
      adapter.describeResult({ name: 'features', type: 'feast', operation, params }, SECTIONS);
    const named = await described('get_units_sold', { product_id: 'prd-1001' });
    const answered = await run(callFor({ product_id: 'prd-1001' }, [], 'get_units_sold'));

    expect(named).toEqual({ fields: Object.fromEntries(Object.keys(answered).map((name) => [name, {}])) });
    expect(Object.keys(answered).sort()).toEqual(['product_id', 'units_sold']);
    // A feature service's features are known only to the feature server.
    expect(await described('get_customer_features', { customer_id: 'cus-1001' })).toBeUndefined();
  });

  it('answers a product’s stats', async () => {
    await expect(
      run(callFor({ features: ['product_stats:units_sold'], entities: { product_id: 'prd-1001' } })),
    ).resolves.toEqual({ product_id: 'prd-1001', units_sold: expect.any(Number) });
  });

  it('answers an operation of feast.yaml for the entity key given as its param', async () => {
    const annotations: Record<string, unknown>[] = [];
    await expect(
      run(callFor({ customer_id: 'cus-1001' }, annotations, 'get_customer_features')),
    ).resolves.toEqual({
      ...CUS_1001_CREDIT,
      avg_transaction_amount: 62.98,
    });
    expect(annotations).toEqual([]);
  });

  it('answers an operation of feast.yaml for a list of ids, and batches a foreach of it', async () => {
    await expect(
      run(callFor({ product_id: ['prd-1001', 'prd-0000'] }, [], 'get_units_sold')),
    ).resolves.toEqual([
      { product_id: 'prd-1001', units_sold: expect.any(Number) },
      { product_id: 'prd-0000', units_sold: null },
    ]);
    const items = ['cus-0000', 'cus-1001'].map((id) =>
      callFor({ customer_id: id }, [], 'get_customer_features'),
    );
    const [unknown, known] = await firstValueFrom(adapter.executeBatch(items));
    expect(unknown).toMatchObject({ customer_id: 'cus-0000', customer_lifetime_value: null });
    expect(known).toMatchObject({ customer_id: 'cus-1001', customer_lifetime_value: 440.89 });
  });

  it('passes the server’s refusal of an unknown feature service on, naming the source', async () => {
    const error = await failureOf<DownstreamError>(
      run(callFor({ feature_service: 'fraud_features', entities: { customer_id: 'cus-1001' } })),
    );
    expect(error).toMatchObject({ status: 404, kind: 'rejected', source: 'features' });
    expect(error.message).toBe('features: feature-server rejected the request (HTTP 404)');
    expect(error.detail).toBe('Feature service fraud_features does not exist in project orchestrator');
  });
});

describe('FeastSourceAdapter against recorded Feast answers', () => {
  const standIn = new FeastServerStandIn();
  let moduleRef: TestingModule;
  let adapter: FeastSourceAdapter;

  beforeAll(async () => {
    await standIn.start();
    moduleRef = await feastModuleFor(standIn.url, { FEATURE_SERVER_RETRIES: '0' });
    adapter = moduleRef.get(FeastSourceAdapter);
  });
  afterAll(async () => {
    await moduleRef.close();
    await standIn.stop();
  });
  beforeEach(() => {
    standIn.requests.length = 0;
  });

  const run = (call: SourceCall) => firstValueFrom(adapter.execute(call));

  it('annotates the status of a single row’s missing values and sends Feast’s request', async () => {
    standIn.script = () => ({
      status: 200,
      body: {
        metadata: { feature_names: ['driver_id', 'conv_rate', 'acc_rate'] },
        results: [
          { values: [1001], statuses: ['PRESENT'], event_timestamps: ['1970-01-01T00:00:00Z'] },
          { values: [0.58], statuses: ['PRESENT'], event_timestamps: ['2024-05-01T10:00:00Z'] },
          { values: [null], statuses: ['NULL_VALUE'], event_timestamps: ['2024-05-01T10:00:00Z'] },
        ],
        status: true,
      },
    });
    const annotations: Record<string, unknown>[] = [];
    const features = ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:acc_rate'];
    await expect(run(callFor({ features, entities: { driver_id: 1001 } }, annotations))).resolves.toEqual({
      driver_id: 1001,
      conv_rate: 0.58,
      acc_rate: null,
    });
    expect(annotations).toEqual([{ statuses: { acc_rate: 'NULL_VALUE' } }]);
    expect(standIn.requests).toEqual([
      {
        method: 'POST',
        url: '/get-online-features',
        requestId: 'req-9',
        body: { features, entities: { driver_id: [1001] } },
      },
    ]);
  });

  it("makes a foreach's lookups one request, and gives each item its row back", async () => {
    standIn.script = () => ({
      status: 200,
      body: {
        metadata: { feature_names: ['driver_id', 'conv_rate'] },
        results: [
          { values: [1002, 9, 1001], statuses: ['PRESENT', 'PRESENT', 'PRESENT'], event_timestamps: [] },
          { values: [0.4, null, 0.58], statuses: ['PRESENT', 'NOT_FOUND', 'PRESENT'], event_timestamps: [] },
        ],
      },
    });
    const annotations: Record<string, unknown>[] = [];
    const features = ['driver_hourly_stats:conv_rate'];
    const calls = [1002, 9, 1001].map((id) =>
      callFor({ features, entities: { driver_id: id } }, annotations),
    );

    await expect(firstValueFrom(adapter.executeBatch(calls))).resolves.toEqual([
      { driver_id: 1002, conv_rate: 0.4 },
      { driver_id: 9, conv_rate: null },
      { driver_id: 1001, conv_rate: 0.58 },
    ]);
    expect(standIn.requests.map(({ body }) => body)).toEqual([
      { features, entities: { driver_id: [1002, 9, 1001] } },
    ]);
    expect(annotations).toEqual([{ statuses: { conv_rate: ['PRESENT', 'NOT_FOUND', 'PRESENT'] } }]);
  });

  it('refuses, naming the source, a foreach whose items ask for different features or join keys', async () => {
    const different = [
      callFor({ features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: 1 } }),
      callFor({ features: ['driver_hourly_stats:acc_rate'], entities: { driver_id: 2 } }),
    ];
    expect(await failureOf<DownstreamError>(firstValueFrom(adapter.executeBatch(different)))).toMatchObject({
      status: 400,
      message: 'features: every item of a foreach must ask for the same features',
    });
    const keys = [
      callFor({ feature_service: 'driver_activity', entities: { driver_id: 1 } }),
      callFor({ feature_service: 'driver_activity', entities: { vehicle_id: 2 } }),
    ];
    expect(await failureOf<DownstreamError>(firstValueFrom(adapter.executeBatch(keys)))).toMatchObject({
      status: 400,
      message: 'features: every item of a foreach must give the same join keys',
    });
    expect(standIn.requests).toEqual([]);
  });

  it('answers an empty batch with no rows, without asking the server', async () => {
    await expect(
      run(callFor({ feature_service: 'driver_activity', entities: { driver_id: [] } })),
    ).resolves.toEqual([]);
    expect(standIn.requests).toEqual([]);
  });

  it('reports a malformed answer as a 502 naming the source', async () => {
    standIn.script = () => ({
      status: 200,
      body: { metadata: { feature_names: ['driver_id'] }, results: [] },
    });
    const error = await failureOf<DownstreamError>(
      run(callFor({ feature_service: 'driver_activity', entities: { driver_id: 1001 } })),
    );
    expect(error).toMatchObject({ status: 502, kind: 'bad-gateway', source: 'features' });
    expect(error.message).toContain(
      'features: feature-server answered what is not an online features response',
    );
  });

  it.each([
    [{ driver_id: [1001, 1002], vehicle_id: 7 }, 'entities mixes single ids and lists of ids'],
    [{ driver_id: [1001, 1002], vehicle_id: [7] }, 'every join key of a batch lookup needs as many ids'],
    [{}, 'entities must map each join key to an id or a list of ids'],
  ])('refuses entities %j with a 400, without asking the server', async (entities, message) => {
    const error = await failureOf<DownstreamError>(
      run(callFor({ feature_service: 'driver_activity', entities })),
    );
    expect(error).toMatchObject({ status: 400, kind: 'rejected', source: 'features' });
    expect(error.message).toContain(message);
    expect(standIn.requests).toEqual([]);
  });

  it('validates declarations: one of features and feature_service, view:feature references, entities as an object', () => {
    const declaration = {
      name: 'features',
      type: 'feast',
      params: { entities: { customer_id: '$request.id' } },
    };
    const validate = (params: Record<string, unknown>, operation?: string) =>
      adapter.validate({ ...declaration, operation, params: { ...declaration.params, ...params } });
    expect(validate({ feature_service: 'credit_features' })).toEqual([]);
    expect(validate({ feature_service: 'credit_features' }, 'online_features')).toEqual([]);
    expect(validate({ features: ['customer_stats:total_balance', '$request.extra_feature'] })).toEqual([]);
    expect(validate({ features: '$request.features', full_feature_names: true })).toEqual([]);
    expect(validate({})).toEqual([
      { path: ['params'], message: 'feast sources need either features or feature_service' },
    ]);
    expect(validate({ features: ['total_balance', 7], feature_service: 'credit_features' })).toEqual([
      { path: ['params'], message: 'feast sources need either features or feature_service' },
      {
        path: ['params', 'features', 0],
        message: '"total_balance" is not a <feature_view>:<feature> reference',
      },
      { path: ['params', 'features', 1], message: '7 is not a <feature_view>:<feature> reference' },
    ]);
    expect(
      adapter.validate({
        ...declaration,
        params: { feature_service: ['x'], entities: 'cus-1001', entity: 1 },
      }),
    ).toEqual([
      {
        path: ['params', 'entity'],
        message:
          'unknown param entity; feast sources take entities, features, feature_service, full_feature_names',
      },
      { path: ['params', 'feature_service'], message: 'feature_service must be a name' },
      { path: ['params', 'entities'], message: 'entities must map each join key to an id or a list of ids' },
    ]);
    expect(adapter.validate({ ...declaration, params: { feature_service: 'credit_features' } })).toEqual([
      { path: ['params'], message: 'feast sources need param entities' },
    ]);
  });

  it('validates sources naming an operation of feast.yaml: its entity keys are their params, no others', () => {
    const validate = (operation: string, params: Record<string, unknown>, sections = SECTIONS) =>
      adapter.validate({ name: 'features', type: 'feast', operation, params }, sections);

    expect(validate('get_customer_features', { customer_id: '$request.customer_id' })).toEqual([]);
    expect(validate('get_customer_features', { id: '$request.id', entities: {} })).toEqual([
      {
        path: ['params'],
        message:
          'operation get_customer_features needs param customer_id (an entity key), which the source does not give',
      },
      {
        path: ['params', 'id'],
        message: 'unknown param id; operation get_customer_features takes its entity keys: customer_id',
      },
      {
        path: ['params', 'entities'],
        message: 'unknown param entities; operation get_customer_features takes its entity keys: customer_id',
      },
    ]);
    expect(validate('get_customer_credit', { customer_id: 'cus-1001' })).toEqual([
      {
        path: ['operation'],
        message:
          "unknown operation get_customer_credit; feast sources have: online_features (the lookup in params), and feast.yaml's get_customer_features, get_units_sold",
      },
    ]);
    expect(
      validate('get_customer_features', { customer_id: 'cus-1001' }, { settings: {}, compiled: {} }),
    ).toEqual([
      {
        path: ['operation'],
        message:
          'unknown operation get_customer_features; feast sources have: online_features (the lookup in params), and feast.yaml declares none',
      },
    ]);
  });
});

describe('FeastSourceAdapter when the feature server is not running', () => {
  it('answers a 503 naming the source', async () => {
    const moduleRef = await feastModuleFor(await unusedPortUrl(), { FEATURE_SERVER_RETRIES: '0' });
    try {
      const error = await failureOf<DownstreamError>(
        firstValueFrom(
          moduleRef
            .get(FeastSourceAdapter)
            .execute(callFor({ feature_service: 'credit_features', entities: { customer_id: 'cus-1001' } })),
        ),
      );
      expect(error).toMatchObject({ status: 503, kind: 'unavailable', source: 'features' });
      expect(error.message).toBe('features: feature-server is unavailable (ECONNREFUSED)');
    } finally {
      await moduleRef.close();
    }
  });
});
