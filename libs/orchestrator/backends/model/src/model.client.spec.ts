import type { TestingModule } from '@nestjs/testing';
import type { DownstreamError } from '@libs/core/http';
import { failureOf, unusedPortUrl } from '@libs/core/testing';
import { firstValueFrom } from 'rxjs';
import { ModelClient } from './model.client';
import type { ModelReference, OipInferenceRequest } from './model.dto';
import { ModelHealthIndicator } from './model.health';
import {
  ModelServerStandIn,
  TRITON_METADATA,
  modelModuleFor,
  tritonInferenceResponse,
} from './model.test-harness';

const METADATA_ROUTE = 'GET /v2/models/credit_risk';
const INFER_ROUTE = 'POST /v2/models/credit_risk/infer';
const creditRisk = { name: 'credit_risk' };
const request: OipInferenceRequest = {
  id: 'req-5',
  inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 5], data: [800, 0.5, 120, 200, 4000] }],
};

describe('ModelClient against a stand-in Open Inference Protocol server', () => {
  const standIn = new ModelServerStandIn();
  let moduleRef: TestingModule;
  let client: ModelClient;

  beforeAll(async () => {
    await standIn.start();
    moduleRef = await modelModuleFor(standIn.url, {
      MODEL_SERVICE_RETRIES: '1',
      MODEL_SERVICE_TIMEOUT_MS: '200',
    });
    client = moduleRef.get(ModelClient);
  });
  afterAll(async () => {
    await moduleRef.close();
    await standIn.stop();
  });
  beforeEach(() => {
    standIn.requests.length = 0;
    standIn.routes = {
      [METADATA_ROUTE]: () => ({ status: 200, body: TRITON_METADATA }),
      'GET /v2/models/credit_risk/versions/1': () => ({ status: 200, body: TRITON_METADATA }),
      [INFER_ROUTE]: () => ({ status: 200, body: tritonInferenceResponse('req-5') }),
      'GET /v2/health/ready': () => ({ status: 200 }),
    };
  });

  const metadata = (model: ModelReference = creditRisk) =>
    firstValueFrom(client.metadata(model, { requestId: 'req-5' }));
  const infer = () => firstValueFrom(client.infer(creditRisk, request, { requestId: 'req-5' }));

  it('reads model metadata once and reuses it, per model version', async () => {
    await expect(metadata()).resolves.toEqual(TRITON_METADATA);
    await expect(metadata()).resolves.toEqual(TRITON_METADATA);
    await expect(metadata({ name: 'credit_risk', version: '1' })).resolves.toEqual(TRITON_METADATA);
    expect(standIn.requests.map((received) => received.url)).toEqual([
      '/v2/models/credit_risk',
      '/v2/models/credit_risk/versions/1',
    ]);
    expect(standIn.requests[0].headers['x-request-id']).toBe('req-5');
  });

  it('posts the inference request as it is and answers the response', async () => {
    await expect(infer()).resolves.toEqual(tritonInferenceResponse('req-5'));
    expect(standIn.requests).toMatchObject([
      { method: 'POST', url: '/v2/models/credit_risk/infer', body: request },
    ]);
  });

  it('retries an inference that failed transiently', async () => {
    standIn.routes[INFER_ROUTE] = (hit) =>
      hit === 1
        ? { status: 503, body: { error: 'warming up' } }
        : { status: 200, body: tritonInferenceResponse('x') };
    await expect(infer()).resolves.toMatchObject({ id: 'x' });
    expect(standIn.hitsOf(INFER_ROUTE)).toBe(2);
  });

  it('asks for the metadata again after the server refuses an inference, in case the model was redeployed', async () => {
    await metadata();
    standIn.requests.length = 0;
    await metadata();
    expect(standIn.hitsOf(METADATA_ROUTE)).toBe(0);
    standIn.routes[INFER_ROUTE] = () => ({ status: 400, body: { error: 'unexpected inference input' } });
    await failureOf(infer());
    standIn.requests.length = 0;
    await metadata();
    expect(standIn.hitsOf(METADATA_ROUTE)).toBeGreaterThan(0);
  });

  it('keeps the metadata when an inference fails for a moment, so that the breaker sees only failures', async () => {
    await metadata();
    standIn.routes[INFER_ROUTE] = () => ({ status: 500, body: { error: 'model reloading' } });
    await failureOf(infer());
    standIn.requests.length = 0;
    await metadata();
    expect(standIn.hitsOf(METADATA_ROUTE)).toBe(0);
  });

  it("reports the server's 4xx as a 502 with its error text, without retrying", async () => {
    standIn.routes[INFER_ROUTE] = () => ({
      status: 400,
      body: { error: 'unexpected shape for input features, model wants [-1,5], got [1,4]' },
    });
    const error = await failureOf<DownstreamError>(infer());
    expect(error).toMatchObject({ status: 502, kind: 'bad-gateway', source: 'model-service' });
    expect(error.message).toBe('model-service rejected the request (HTTP 400)');
    expect(error.detail).toBe('unexpected shape for input features, model wants [-1,5], got [1,4]');
    expect(standIn.hitsOf(INFER_ROUTE)).toBe(1);
  });

  it.each([
    ['metadata without inputs', METADATA_ROUTE, { name: 'credit_risk', outputs: [] }, metadata],
    [
      'outputs whose data does not fill their shape',
      INFER_ROUTE,
      { model_name: 'credit_risk', outputs: [{ name: 'p', datatype: 'FP32', shape: [1, 2], data: [0.1] }] },
      infer,
    ],
  ])('answers %s with a 502', async (_case, route, body, call: () => Promise<unknown>) => {
    standIn.routes[route] = () => ({ status: 200, body });
    const error = await failureOf<DownstreamError>(call());
    expect(error).toMatchObject({ status: 502, kind: 'bad-gateway', source: 'model-service' });
    expect(error.message).toMatch(/^model-service did not answer /);
  });

  it('reports a server that does not answer in time as a 504, after its retry', async () => {
    standIn.routes[INFER_ROUTE] = () => ({ status: 200, body: tritonInferenceResponse('x'), delayMs: 1_000 });
    const error = await failureOf(infer());
    expect(error).toMatchObject({ status: 504, kind: 'timeout', source: 'model-service' });
    expect(standIn.hitsOf(INFER_ROUTE)).toBe(2);
  });

  it('reports itself up while the server answers GET /v2/health/ready', async () => {
    const result = await moduleRef.get(ModelHealthIndicator).check();
    expect(result['model-service']).toMatchObject({
      status: 'up',
      url: standIn.url,
      required: true,
      available: true,
    });
    expect(standIn.requests).toMatchObject([{ method: 'GET', url: '/v2/health/ready' }]);
  });

  it('reports itself down while the server is not ready', async () => {
    standIn.routes['GET /v2/health/ready'] = () => ({ status: 503, body: { error: 'no model is loaded' } });
    const result = await moduleRef.get(ModelHealthIndicator).check();
    expect(result['model-service']).toMatchObject({ status: 'down', available: false });
    expect(result['model-service'].message).toBe('model-service failed with HTTP 503');
  });
});

describe('ModelClient when the model server is not running', () => {
  let moduleRef: TestingModule;

  beforeAll(async () => {
    moduleRef = await modelModuleFor(await unusedPortUrl(), { MODEL_SERVICE_RETRIES: '0' });
  });
  afterAll(() => moduleRef.close());

  it('reports a refused connection as a 503', async () => {
    const error = await failureOf(firstValueFrom(moduleRef.get(ModelClient).metadata(creditRisk, {})));
    expect(error).toMatchObject({ status: 503, kind: 'unavailable', source: 'model-service' });
    expect(error.message).toContain('ECONNREFUSED');
  });
});
