import { commonEnvironment } from '@libs/core/config';
import { undocumentedVariables, startService, type RunningService } from '@libs/core/testing';
import { environment } from './environment';

describe('transcription-service over HTTP', () => {
  let service: RunningService;
  beforeAll(async () => (service = await startService(async () => (await import('./app.module')).AppModule)));
  afterAll(() => service.app.close());

  it('reports the engine healthy', async () => {
    const res = await fetch(`${service.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      details: { engine: { status: 'up', model: 'pocketsphinx-en-us', languages: ['en'] } },
    });
  });

  it('serves the OpenAI-compatible routes and documents them', async () => {
    const models = (await (await fetch(`${service.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toEqual(['pocketsphinx-en-us']);
    const openApi = (await (await fetch(`${service.url}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openApi.paths).sort()).toEqual(['/health', '/v1/audio/transcriptions', '/v1/models']);
  });

  it('answers a request without a file in the OpenAI error envelope', async () => {
    const form = new FormData();
    form.append('model', 'whisper-1');
    const res = await fetch(`${service.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
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

describe('its environment', () => {
  it('is listed in .env.example, every variable with its default', () => {
    expect(undocumentedVariables({ ...commonEnvironment, ...environment })).toEqual([]);
  });
});
