import { commonEnvironment } from '@libs/core/config';
import { undocumentedVariables, startService, type RunningService } from '@libs/core/testing';
import { environment } from './environment';
import { isInferenceRequest } from '@libs/reference/model-serving';
import { generateDemoModels } from '@libs/reference/model-serving/testing';
import { rmSync } from 'node:fs';

describe('model-service over HTTP', () => {
  let modelsDir: string;
  let service: RunningService;

  beforeAll(async () => {
    modelsDir = generateDemoModels();
    service = await startService(
      async () => (await import('./app.module')).AppModule,
      { MODELS_DIR: modelsDir },
      { readsOwnBody: isInferenceRequest },
    );
  });
  afterAll(async () => {
    await service.app.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('serves the models of MODELS_DIR and reports them on /health', async () => {
    const health = await fetch(`${service.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      details: {
        models: { status: 'up', loaded: ['credit_risk@1', 'product_recommendation@1'], failed: [] },
      },
    });
    expect((await fetch(`${service.url}/v2/health/ready`)).status).toBe(200);
  });

  it('answers inference with the protocol’s body, and its errors with {"error"}', async () => {
    const infer = (data: unknown[]) =>
      fetch(`${service.url}/v2/models/product_recommendation/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data }] }),
      });
    const res = await infer([5200, 3, 120, 12]);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      model_name: 'product_recommendation',
      model_version: '1',
      outputs: [{ name: 'scores', datatype: 'FP32', shape: [1, 5], data: expect.any(Array) }],
    });
    const refused = await infer([5200, 3, 120]);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: 'input features has 3 elements, but its shape [1, 4] holds 4',
    });
  });

  it('documents the protocol’s routes', async () => {
    const openApi = (await (await fetch(`${service.url}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openApi.paths)).toEqual(
      expect.arrayContaining(['/v2/health/ready', '/v2/models/{name}', '/v2/models/{name}/infer', '/health']),
    );
  });
});

describe('its environment', () => {
  it('is listed in .env.example, every variable with its default', () => {
    expect(undocumentedVariables({ ...commonEnvironment, ...environment })).toEqual([]);
  });
});
