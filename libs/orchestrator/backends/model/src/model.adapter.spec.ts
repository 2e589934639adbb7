import { Reflector } from '@nestjs/core';
import type { TestingModule } from '@nestjs/testing';
import type { DownstreamError } from '@libs/core/http';
import {
  demoModels,
  generateDemoModels,
  referenceOutput,
  startModelService,
} from '@libs/reference/model-serving/testing';
import { SOURCE_ADAPTER_TYPE, type SourceCall } from '@libs/core/sources';
import { failureOf, unusedPortUrl, type RunningService } from '@libs/core/testing';
import { rmSync } from 'node:fs';
import { firstValueFrom } from 'rxjs';
import { ModelSourceAdapter } from './model.adapter';
import {
  ModelServerStandIn,
  TRITON_METADATA,
  modelModuleFor,
  tritonInferenceResponse,
} from './model.test-harness';

const FLOAT32_TOLERANCE_DIGITS = 6;
const riskyCustomer = [800, 0.5, 120, 200, 4000];
const loyalCustomer = [5200, 3, 12, 6500, 1000];
const shopper = [5200, 3, 120, 12];

const callFor = (
  operation: string,
  params: Record<string, unknown>,
  annotations: Record<string, unknown>[] = [],
  deadlineInMs = 5_000,
): SourceCall => ({
  source: 'risk',
  type: 'model',
  operation,
  params,
  context: {
    requestId: 'req-9',
    executionId: 'exec-9',
    signal: new AbortController().signal,
    deadline: Date.now() + deadlineInMs,
    sections: { settings: {}, compiled: {} },
    annotate: (details) => annotations.push(details),
  },
});

describe('ModelSourceAdapter against the model-service', () => {
  let modelsDir: string;
  let modelService: RunningService;
  let moduleRef: TestingModule;
  let adapter: ModelSourceAdapter;

  beforeAll(async () => {
    modelsDir = generateDemoModels();
    modelService = await startModelService(modelsDir);
    moduleRef = await modelModuleFor(modelService.url, { MODEL_SERVICE_RETRIES: '0' });
    adapter = moduleRef.get(ModelSourceAdapter);
  });
  afterAll(async () => {
    await moduleRef.close();
    await modelService.app.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  const run = (call: SourceCall) => firstValueFrom(adapter.execute(call));

  it('is the adapter of type model, and may be retried', () => {
    expect(new Reflector().get(SOURCE_ADAPTER_TYPE, ModelSourceAdapter)).toBe('model');
    expect(adapter.idempotent()).toBe(true);
  });

  it('scores one customer as a scalar probability, and annotates the trace with the model version', async () => {
    const annotations: Record<string, unknown>[] = [];
    const result = await run(callFor('credit_risk', { features: riskyCustomer }, annotations));
    expect(Object.keys(result)).toEqual(['probability_of_default']);
    expect(result['probability_of_default']).toBeCloseTo(
      referenceOutput(demoModels.credit_risk, riskyCustomer)[0],
      FLOAT32_TOLERANCE_DIGITS,
    );
    expect(annotations).toEqual([{ model: 'credit_risk', modelVersion: '1' }]);
  });

  it('scores the demo products as an array of five, from numbers given as strings', async () => {
    const result = await run(callFor('product_recommendation@1', { features: shopper.map(String) }));
    const expected = referenceOutput(demoModels.product_recommendation, shopper);
    expect(result['scores']).toHaveLength(demoModels.product_recommendation.products?.length ?? 0);
    (result['scores'] as number[]).forEach((score, product) =>
      expect(score).toBeCloseTo(expected[product], FLOAT32_TOLERANCE_DIGITS),
    );
  });

  it('scores a batch given as nested arrays, one row per customer', async () => {
    const result = await run(callFor('credit_risk', { features: [riskyCustomer, loyalCustomer] }));
    const expected = [riskyCustomer, loyalCustomer].map((row) =>
      referenceOutput(demoModels.credit_risk, row),
    );
    expect(result['probability_of_default']).toEqual([[expect.any(Number)], [expect.any(Number)]]);
    (result['probability_of_default'] as number[][]).forEach(([probability], row) =>
      expect(probability).toBeCloseTo(expected[row][0], FLOAT32_TOLERANCE_DIGITS),
    );
  });

  it.each([
    ['a null', [800, 0.5, null, 200, 4000], 'risk: input features[2] is null'],
    ['a word', [800, 'often', 120, 200, 4000], 'risk: input features[1] is "often", not a number'],
    [
      'a ragged array',
      [
        [1, 2, 3, 4, 5],
        [1, 2],
      ],
      'risk: input features is a ragged array: its items differ in shape',
    ],
  ])(
    'refuses %s among the values with a 422 naming the source, the input and the position',
    async (_case, features, message) => {
      const error = await failureOf<DownstreamError>(run(callFor('credit_risk', { features })));
      expect(error).toMatchObject({ status: 422, kind: 'rejected', source: 'risk' });
      expect(error.message).toBe(message);
    },
  );

  it.each([
    [
      'a shape the model does not take',
      { features: [1, 2, 3, 4] },
      'risk: param features has shape [4], but model credit_risk takes [-1, 5]',
    ],
    [
      'a param that is not an input',
      { features: riskyCustomer, amount: 1 },
      'risk: model credit_risk has no input amount; its inputs are features',
    ],
    ['no param for an input', {}, 'risk: model credit_risk needs the param features'],
  ])('answers %s with a 502 naming the source', async (_case, params, message) => {
    const error = await failureOf<DownstreamError>(run(callFor('credit_risk', params)));
    expect(error).toMatchObject({ status: 502, kind: 'bad-gateway', source: 'risk' });
    expect(error.message).toBe(message);
  });

  it("answers a model the server does not have with a 502 carrying the server's error", async () => {
    const error = await failureOf<DownstreamError>(run(callFor('churn', { features: [1] })));
    expect(error).toMatchObject({ status: 502, kind: 'bad-gateway', source: 'risk' });
    expect(error.message).toBe('risk: model-service rejected the request (HTTP 404)');
    expect(error.detail).toBe('unknown model churn');
  });

  it('describes the answer from the model’s metadata: one field per output', async () => {
    const describe = (operation: string) =>
      adapter.describeResult(
        { name: 'risk', type: 'model', operation, params: { features: '$features.x' } },
        { settings: {}, compiled: {} },
        new AbortController().signal,
      );

    expect(await describe('credit_risk')).toEqual({ fields: { probability_of_default: {} } });
    expect(await describe('product_recommendation@1')).toEqual({ fields: { scores: {} } });
    await expect(describe('churn')).rejects.toThrow('model-service rejected the request (HTTP 404)');
  });

  it('validates declarations: the model as operation, and params', () => {
    const declaration = {
      name: 'risk',
      type: 'model',
      operation: 'credit_risk',
      params: { features: '$features.x' },
    };
    expect(adapter.validate(declaration)).toEqual([]);
    expect(adapter.validate({ ...declaration, operation: 'credit_risk@2' })).toEqual([]);
    expect(adapter.validate({ ...declaration, operation: undefined, params: {} })).toEqual([
      {
        path: ['operation'],
        message: 'model sources name their model as operation (credit_risk or credit_risk@1), not none',
      },
      { path: ['params'], message: 'model sources need one param per model input' },
    ]);
    expect(adapter.validate({ ...declaration, operation: 'credit risk@' })).toHaveLength(1);
  });
});

describe('ModelSourceAdapter against recorded Triton answers', () => {
  const triton = new ModelServerStandIn();
  let moduleRef: TestingModule;

  beforeAll(async () => {
    await triton.start();
    moduleRef = await modelModuleFor(triton.url, { MODEL_SERVICE_RETRIES: '0' });
  });
  afterAll(async () => {
    await moduleRef.close();
    await triton.stop();
  });

  it('sends the inputs as Triton takes them and maps its flat outputs back', async () => {
    triton.routes = {
      'GET /v2/models/credit_risk/versions/1': () => ({ status: 200, body: TRITON_METADATA }),
      'POST /v2/models/credit_risk/versions/1/infer': () => ({
        status: 200,
        body: tritonInferenceResponse('req-9'),
      }),
    };
    const annotations: Record<string, unknown>[] = [];
    const result = await firstValueFrom(
      moduleRef
        .get(ModelSourceAdapter)
        .execute(callFor('credit_risk@1', { features: riskyCustomer }, annotations)),
    );
    expect(result).toEqual({ probability_of_default: 0.13700000941753387 });
    expect(annotations).toEqual([{ model: 'credit_risk', modelVersion: '1' }]);
    expect(triton.requests[1]).toMatchObject({
      headers: expect.objectContaining({ 'x-request-id': 'req-9' }),
      body: {
        id: 'req-9',
        inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 5], data: riskyCustomer }],
      },
    });
  });

  it('converts to integer and boolean inputs, and reshapes flat outputs by their shape', async () => {
    triton.routes = {
      'GET /v2/models/segments': () => ({
        status: 200,
        body: {
          name: 'segments',
          versions: ['4'],
          platform: 'onnxruntime_onnx',
          inputs: [
            { name: 'counts', datatype: 'INT64', shape: [-1, 2] },
            { name: 'member', datatype: 'BOOL', shape: [-1, 1] },
          ],
          outputs: [{ name: 'segment_scores', datatype: 'FP32', shape: [-1, 2, 2] }],
        },
      }),
      'POST /v2/models/segments/infer': () => ({
        status: 200,
        body: {
          model_name: 'segments',
          model_version: '4',
          outputs: [
            { name: 'segment_scores', datatype: 'FP32', shape: [1, 2, 2], data: [0.1, 0.2, 0.3, 0.4] },
          ],
        },
      }),
    };
    const result = await firstValueFrom(
      moduleRef.get(ModelSourceAdapter).execute(callFor('segments', { counts: ['3', 4], member: [1] })),
    );
    expect(result).toEqual({
      segment_scores: [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
    });
    expect((triton.requests.at(-1)?.body as { inputs: unknown }).inputs).toEqual([
      { name: 'counts', datatype: 'INT64', shape: [1, 2], data: [3, 4] },
      { name: 'member', datatype: 'BOOL', shape: [1, 1], data: [true] },
    ]);
  });

  it('gives up at the request deadline with a 504 naming the source', async () => {
    triton.routes = { 'GET /v2/models/slow': () => ({ status: 200, body: TRITON_METADATA, delayMs: 2_000 }) };
    const error = await failureOf<DownstreamError>(
      firstValueFrom(moduleRef.get(ModelSourceAdapter).execute(callFor('slow', { features: [1] }, [], 100))),
    );
    expect(error).toMatchObject({ status: 504, kind: 'timeout', source: 'risk' });
  });
});

describe('ModelSourceAdapter when the model server is not running', () => {
  it('answers a 503 naming the source', async () => {
    const moduleRef = await modelModuleFor(await unusedPortUrl(), { MODEL_SERVICE_RETRIES: '0' });
    try {
      const error = await failureOf<DownstreamError>(
        firstValueFrom(
          moduleRef.get(ModelSourceAdapter).execute(callFor('credit_risk', { features: riskyCustomer })),
        ),
      );
      expect(error).toMatchObject({ status: 503, kind: 'unavailable', source: 'risk' });
      expect(error.message).toBe('risk: model-service is unavailable (ECONNREFUSED)');
      await expect(
        moduleRef
          .get(ModelSourceAdapter)
          .describeResult(
            { name: 'risk', type: 'model', operation: 'credit_risk', params: { features: [] } },
            { settings: {}, compiled: {} },
            new AbortController().signal,
          ),
      ).rejects.toThrow('model-service is unavailable (ECONNREFUSED)');
    } finally {
      await moduleRef.close();
    }
  });
});
