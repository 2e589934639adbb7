import { commonEnvironment } from '@libs/core/config';
import {
  undocumentedVariables,
  WORKSPACE_ROOT,
  startService,
  type RunningService,
  unusedPortUrl,
} from '@libs/core/testing';
import { orchestratorEnvironment } from './orchestrator.environment';
import { ORCHESTRATOR_SERVICE } from './orchestrator.service';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

describe('orchestrator over HTTP, its services down', () => {
  let service: RunningService;
  let nowhere: string;
  const dataDirectory = mkdtempSync(join(tmpdir(), 'orchestrator-spec-'));

  beforeAll(async () => {
    nowhere = await unusedPortUrl();
    service = await startService(
      async () => (await import('./orchestrator.module')).OrchestratorModule,
      {
        TEXT_SERVICE_URL: nowhere,
        TRANSCRIPTION_SERVICE_URL: nowhere,
        FEATURE_SERVER_URL: nowhere,
        MODEL_SERVICE_URL: nowhere,
        DATABASE_URL: `sqlite:${join(dataDirectory, 'main.sqlite')}`,
        CREDIT_BUREAU_API_KEY: 'spec-key',
        CONFIG_DIR: join(WORKSPACE_ROOT, 'config'),
        CONFIG_WATCH: 'false',
        CATALOG_API_TOKEN: 'spec-token',
      },
      ORCHESTRATOR_SERVICE,
    );
  });
  afterAll(async () => {
    await service.app.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('documents its routes with their error responses', async () => {
    const openApi = (await (await fetch(`${service.url}/docs-json`)).json()) as OpenApi;
    const statuses = (path: string, method: string) =>
      Object.keys(openApi.paths[path][method].responses).sort();

    expect(Object.keys(openApi.paths).sort()).toEqual([
      '/admin/config',
      '/admin/config/reload',
      '/analyze-audio',
      '/analyze-text',
      '/catalog/get-product-overview/{product_id}',
      '/catalog/product-snapshot/{product_id}',
      '/composites/credit-limit/{customer_id}',
      '/customers/features',
      '/customers/{customer_id}',
      '/customers/{customer_id}/360',
      '/customers/{customer_id}/credit-risk',
      '/customers/{customer_id}/credit-score',
      '/customers/{customer_id}/features',
      '/customers/{customer_id}/recommendations',
      '/customers/{customer_id}/voice-feedback',
      '/executions',
      '/executions/{id}',
      '/feedback/analyze-feedback',
      '/health',
      '/health/live',
      '/health/ready',
      '/metrics',
      '/products/{product_id}',
    ]);
    expect(statuses('/analyze-text', 'post')).toEqual(['200', '400', '502', '503', '504']);
    expect(statuses('/analyze-audio', 'post')).toEqual(['200', '400', '413', '415', '502', '503', '504']);
    expect(statuses('/health', 'get')).toEqual(['200', '503']);
    expect(statuses('/health/ready', 'get')).toEqual(['200', '503']);
    expect(statuses('/health/live', 'get')).toEqual(['200']);
    expect(openApi.paths['/analyze-audio'].post.responses['413']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelopeDto' } } },
    });
  });

  it('reports every service down in a 503 health report', async () => {
    const res = await fetch(`${service.url}/health`);
    const body = (await res.json()) as {
      status: string;
      error: Record<string, { url: string; message: string }>;
    };
    expect(res.status).toBe(503);
    expect(body.status).toBe('error');
    // The database is an empty SQLite file, which answers; the services are all down.
    expect(Object.keys(body.error).sort()).toEqual([
      'feature-server',
      'model-service',
      'text-service',
      'transcription-service',
    ]);
    expect(body.error['text-service']).toMatchObject({
      url: nowhere,
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('answers a text analysis with a 503 envelope naming the text service', async () => {
    const res = await fetch(`${service.url}/analyze-text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ statusCode: 503, source: 'text-service' });
  });
});

describe('its environment', () => {
  it('is listed in .env.example, every variable with its default', () => {
    expect(undocumentedVariables({ ...commonEnvironment, ...orchestratorEnvironment })).toEqual([]);
  });
});
