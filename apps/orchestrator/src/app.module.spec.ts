import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { configureService } from '@orchestrator/http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

/** A URL where nothing listens. */
async function closedPortUrl(): Promise<string> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('orchestrator over HTTP, its services down', () => {
  let app: NestExpressApplication;
  let base: string;
  let nowhere: string;

  beforeAll(async () => {
    nowhere = await closedPortUrl();
    Object.assign(process.env, {
      LOG_LEVEL: 'silent',
      TEXT_SERVICE_URL: nowhere,
      TRANSCRIPTION_SERVICE_URL: nowhere,
    });
    // Imported only now: the configuration module reads the environment when its module loads.
    const { AppModule } = await import('./app.module');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>();
    configureService(app, { title: 'Orchestrator', description: 'test' });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('documents its routes with their error responses', async () => {
    const openApi = (await (await fetch(`${base}/docs-json`)).json()) as OpenApi;
    const statuses = (path: string, method: string) =>
      Object.keys(openApi.paths[path][method].responses).sort();

    expect(Object.keys(openApi.paths).sort()).toEqual([
      '/analyze-audio',
      '/analyze-text',
      '/health',
      '/health/live',
      '/health/ready',
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

  it('reports both services down in a 503 health report', async () => {
    const res = await fetch(`${base}/health`);
    const body = (await res.json()) as {
      status: string;
      error: Record<string, { url: string; message: string }>;
    };
    expect(res.status).toBe(503);
    expect(body.status).toBe('error');
    expect(Object.keys(body.error).sort()).toEqual(['text-service', 'transcription-service']);
    expect(body.error['text-service']).toMatchObject({
      url: nowhere,
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('answers a text analysis with a 503 envelope naming the text service', async () => {
    const res = await fetch(`${base}/analyze-text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ statusCode: 503, source: 'text-service' });
  });
});
