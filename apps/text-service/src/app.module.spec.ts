import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { configureService } from '@orchestrator/http';
import type { AddressInfo } from 'node:net';

describe('text-service over HTTP', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    process.env['LOG_LEVEL'] = 'silent';
    // Imported only now: the configuration module reads the environment when its module loads.
    const { AppModule } = await import('./app.module');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>();
    configureService(app, { title: 'text-service', description: 'test' });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('analyses a Spanish text and echoes the request id', async () => {
    const res = await fetch(`${base}/analyze`, {
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
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', details: { nlp: { status: 'up' } } });
    const openApi = (await (await fetch(`${base}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openApi.paths).sort()).toEqual(['/analyze', '/health']);
  });
});
