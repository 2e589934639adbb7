import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { configureService } from '@orchestrator/http';
import type { AddressInfo } from 'node:net';

describe('transcription-service over HTTP', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    process.env['LOG_LEVEL'] = 'silent';
    // Imported only now: the configuration module reads the environment when its module loads.
    const { AppModule } = await import('./app.module');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>();
    configureService(app, { title: 'transcription-service', description: 'test' });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('reports the engine healthy', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      details: { engine: { status: 'up', model: 'pocketsphinx-en-us', languages: ['en'] } },
    });
  });

  it('serves the OpenAI-compatible routes and documents them', async () => {
    const models = (await (await fetch(`${base}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toEqual(['pocketsphinx-en-us']);
    const openApi = (await (await fetch(`${base}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openApi.paths).sort()).toEqual(['/health', '/v1/audio/transcriptions', '/v1/models']);
  });

  it('answers a request without a file in the OpenAI error envelope', async () => {
    const form = new FormData();
    form.append('model', 'whisper-1');
    const res = await fetch(`${base}/v1/audio/transcriptions`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: expect.stringContaining('file'),
        type: 'invalid_request_error',
        param: 'file',
        code: null,
      },
    });
  });
});
