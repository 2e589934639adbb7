import { commonEnvironment } from '@libs/core/config';
import { undocumentedVariables, startService, type RunningService } from '@libs/core/testing';
import { environment } from './environment';

describe('text-service over HTTP', () => {
  let service: RunningService;
  beforeAll(async () => (service = await startService(async () => (await import('./app.module')).AppModule)));
  afterAll(() => service.app.close());

  it('analyses a Spanish text and echoes the request id', async () => {
    const res = await fetch(`${service.url}/analyze`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-es-1' },
      body: JSON.stringify({
        text: 'Me encanta este producto, es excelente y muy útil.',
        analyses: ['language', 'sentiment'],
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-es-1');
    expect(await res.json()).toEqual({
      language: { code: 'es', confidence: expect.any(Number), detected: true },
      sentiment: { score: expect.any(Number), label: 'positive' },
    });
  });

  it('reports its health and documents its routes', async () => {
    const health = await fetch(`${service.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', details: { nlp: { status: 'up' } } });
    const openApi = (await (await fetch(`${service.url}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openApi.paths).sort()).toEqual(['/analyze', '/health']);
  });
});

describe('its environment', () => {
  it('is listed in .env.example, every variable with its default', () => {
    expect(undocumentedVariables({ ...commonEnvironment, ...environment })).toEqual([]);
  });
});
