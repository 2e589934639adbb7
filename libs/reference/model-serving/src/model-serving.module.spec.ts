import type { RunningService } from '@libs/core/testing';
import type { InferenceResponse } from './inference';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoModels, generateDemoModels, referenceOutput, startModelService } from './testing';

const FLOAT32_TOLERANCE_DIGITS = 6;

const riskyCustomer = [800, 0.5, 120, 200, 4000];
const loyalCustomer = [5200, 3, 12, 6500, 1000];
const shopper = [5200, 3, 120, 12];

describe('ModelServingModule over the Open Inference Protocol, with the demo models', () => {
  let modelsDir: string;
  let service: RunningService;

  beforeAll(async () => {
    modelsDir = generateDemoModels();
    // credit_risk gets a higher version, and an even higher version directory without a model.
    cpSync(join(modelsDir, 'credit_risk', '1'), join(modelsDir, 'credit_risk', '3'), { recursive: true });
    mkdirSync(join(modelsDir, 'credit_risk', '7'));
    mkdirSync(join(modelsDir, 'broken', '1'), { recursive: true });
    writeFileSync(join(modelsDir, 'broken', '1', 'model.onnx'), 'not an onnx model');
    service = await startModelService(modelsDir);
  });
  afterAll(async () => {
    await service.app.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  const get = (path: string) => fetch(`${service.url}${path}`);
  const post = (path: string, body: unknown) =>
    fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const features = (data: unknown, shape = [1, 5], datatype = 'FP32') => ({
    inputs: [{ name: 'features', shape, datatype, data }],
  });

  it('is live and ready, and describes itself', async () => {
    expect((await get('/v2/health/live')).status).toBe(200);
    expect((await get('/v2/health/ready')).status).toBe(200);
    expect(await (await get('/v2')).json()).toEqual({
      name: 'model-service',
      version: '0.1.0',
      extensions: ['binary_tensor_data'],
    });
  });

  it('describes each model from its ONNX graph, serving the highest version that has a model', async () => {
    const res = await get('/v2/models/credit_risk');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      name: 'credit_risk',
      versions: ['3'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 5] }],
      outputs: [{ name: 'probability_of_default', datatype: 'FP32', shape: [-1, 1] }],
    });
    expect(await (await get('/v2/models/product_recommendation/versions/1')).json()).toMatchObject({
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'scores', datatype: 'FP32', shape: [-1, 5] }],
    });
  });

  it('says which models are ready, and answers unknown models and versions with 404 and an error', async () => {
    expect((await get('/v2/models/credit_risk/ready')).status).toBe(200);
    expect((await get('/v2/models/credit_risk/versions/3/ready')).status).toBe(200);
    const cases: [string, string][] = [
      ['/v2/models/churn', 'unknown model churn'],
      ['/v2/models/churn/ready', 'unknown model churn'],
      ['/v2/models/broken/ready', 'unknown model broken'],
      ['/v2/models/credit_risk/versions/1', 'model credit_risk has no version 1; it serves version 3'],
      ['/v2/models/credit_risk/versions/7/ready', 'model credit_risk has no version 7; it serves version 3'],
    ];
    for (const [path, error] of cases) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error });
    }
  });

  it('scores credit risk from flat data, echoing the id', async () => {
    const res = await post('/v2/models/credit_risk/infer', { id: 'req-42', ...features(riskyCustomer) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as InferenceResponse;
    expect(body).toMatchObject({
      model_name: 'credit_risk',
      model_version: '3',
      id: 'req-42',
      outputs: [{ name: 'probability_of_default', datatype: 'FP32', shape: [1, 1] }],
    });
    const [probability] = body.outputs[0].data as number[];
    expect(probability).toBeCloseTo(
      referenceOutput(demoModels.credit_risk, riskyCustomer)[0],
      FLOAT32_TOLERANCE_DIGITS,
    );
    expect(probability).toBeGreaterThan(0.5);
  });

  it('scores a batch given as nested data, row by row', async () => {
    const res = await post(
      '/v2/models/credit_risk/versions/3/infer',
      features([riskyCustomer, loyalCustomer], [2, 5]),
    );
    expect(res.status).toBe(200);
    const { outputs } = (await res.json()) as InferenceResponse;
    expect(outputs[0].shape).toEqual([2, 1]);
    const expected = [riskyCustomer, loyalCustomer].map(
      (row) => referenceOutput(demoModels.credit_risk, row)[0],
    );
    const [risky, loyal] = outputs[0].data as number[];
    expect(risky).toBeCloseTo(expected[0], FLOAT32_TOLERANCE_DIGITS);
    expect(loyal).toBeCloseTo(expected[1], FLOAT32_TOLERANCE_DIGITS);
    expect(loyal).toBeLessThan(risky);
  });

  it('scores the five demo products, and answers only the outputs asked for', async () => {
    const res = await post('/v2/models/product_recommendation/infer', {
      ...features(shopper, [1, 4]),
      outputs: [{ name: 'scores' }],
    });
    expect(res.status).toBe(200);
    const { outputs } = (await res.json()) as InferenceResponse;
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ name: 'scores', shape: [1, 5] });
    const expected = referenceOutput(demoModels.product_recommendation, shopper);
    (outputs[0].data as number[]).forEach((value: number, product: number) =>
      expect(value).toBeCloseTo(expected[product], FLOAT32_TOLERANCE_DIGITS),
    );
  });

  it.each([
    [
      'a datatype the model does not take',
      features(riskyCustomer, [1, 5], 'FP64'),
      'input features has datatype FP64, but the model takes FP32',
    ],
    [
      'a shape the model does not take',
      features([1, 2, 3, 4], [1, 4]),
      'input features has shape [1, 4], but the model takes [-1, 5]',
    ],
    [
      'fewer elements than the shape holds',
      features([1, 2, 3, 4], [1, 5]),
      'input features has 4 elements, but its shape [1, 5] holds 5',
    ],
    [
      'a null element',
      features([1, null, 3, 4, 5]),
      'input features: element 1 (null) is not a finite number',
    ],
    [
      'an input the model does not have',
      { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] },
      'model credit_risk has no input x; its inputs are features',
    ],
    ['no inputs', { inputs: [] }, 'inputs must be a non-empty array'],
    [
      'an output the model does not have',
      { ...features(riskyCustomer), outputs: [{ name: 'label' }] },
      'model credit_risk has no output label; its outputs are probability_of_default',
    ],
  ])('answers %s with 400 and the error', async (_case, body, error) => {
    const res = await post('/v2/models/credit_risk/infer', body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error });
  });

  it('answers inference on an unknown model with 404 and the error', async () => {
    const res = await post('/v2/models/churn/infer', features(riskyCustomer));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'unknown model churn' });
  });

  it('reports on /health the models it serves and those that failed to load', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      details: {
        models: {
          status: 'up',
          loaded: ['credit_risk@3', 'product_recommendation@1'],
          failed: [{ name: 'broken', reason: expect.any(String) }],
        },
      },
    });
  });
});

describe('ModelServingModule without models', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startModelService(join(tmpdir(), 'model-serving-nowhere'));
  });
  afterAll(() => service.app.close());

  it('is live but neither ready nor healthy', async () => {
    expect((await fetch(`${service.url}/v2/health/live`)).status).toBe(200);
    const ready = await fetch(`${service.url}/v2/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ error: 'no model is loaded' });
    expect((await fetch(`${service.url}/health`)).status).toBe(503);
  });
});
