import type { NestExpressApplication } from '@nestjs/platform-express';
import { StandInService } from '@libs/core/testing';
import { startHealth } from './health.test-harness';

describe('GET /health, /health/live and /health/ready', () => {
  const textService = new StandInService();
  const transcriptionService = new StandInService();
  const featureServer = new StandInService();
  const modelService = new StandInService();
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    await Promise.all([textService, transcriptionService, featureServer, modelService].map((s) => s.start()));
    ({ app, url } = await startHealth({
      TEXT_SERVICE_URL: textService.url.replace('//', '//analyst:s3cret@'),
      TRANSCRIPTION_SERVICE_URL: transcriptionService.url,
      TRANSCRIPTION_MODEL: 'whisper-large-v3',
      FEATURE_SERVER_URL: featureServer.url,
      MODEL_SERVICE_URL: modelService.url,
      UPLOAD_MAX_BYTES: '1048576',
    }));
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([textService, transcriptionService, featureServer, modelService].map((s) => s.stop()));
  });
  beforeEach(() => {
    textService.reset();
    transcriptionService.reset();
  });

  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the report's shape is asserted below
    return { status: res.status, body: (await res.json()) as any };
  };

  it('reports every service up, with the active configuration and no secret', async () => {
    const { status, body } = await get('/health');

    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.details.orchestrator).toEqual({
      status: 'up',
      uptimeSeconds: expect.any(Number),
      nodeVersion: process.version,
      memory: {
        rssBytes: expect.any(Number),
        heapUsedBytes: expect.any(Number),
        heapTotalBytes: expect.any(Number),
      },
    });
    expect(body.details['text-service']).toEqual({
      status: 'up',
      url: textService.url.replace('//', '//***@'),
      required: true,
      available: true,
      responseTimeMs: expect.any(Number),
    });
    expect(body.details['transcription-service']).toMatchObject({
      status: 'up',
      url: transcriptionService.url,
    });
    expect(body.details['feature-server']).toMatchObject({
      status: 'up',
      url: featureServer.url,
      available: true,
    });
    expect(body.details['model-service']).toMatchObject({
      status: 'up',
      url: modelService.url,
      available: true,
    });
    // The engine declares the connections; without it there is none to probe.
    expect(body.details.database).toEqual({ status: 'up', required: true, connections: {} });
    expect(body.configuration).toEqual({
      logLevel: 'silent',
      uploadMaxBytes: 1_048_576,
      services: {
        'text-service': {
          url: textService.url.replace('//', '//***@'),
          required: true,
          timeoutMs: 5000,
          deadlineMs: 10000,
          responseMaxBytes: 10 * 1024 * 1024,
          retries: 2,
          retryBaseDelayMs: 100,
          retryMaxDelayMs: 2000,
          breakerThreshold: 5,
          breakerResetMs: 10000,
        },
        'transcription-service': expect.objectContaining({
          url: transcriptionService.url,
          timeoutMs: 120000,
          retries: 0,
          healthPath: '/health',
          model: 'whisper-large-v3',
        }),
        'feature-server': expect.objectContaining({ url: featureServer.url, timeoutMs: 2000 }),
        'model-service': expect.objectContaining({ url: modelService.url, timeoutMs: 5000 }),
      },
    });
    expect(JSON.stringify(body)).not.toContain('s3cret');
  });

  it('answers 503 with the same report when a required service is down', async () => {
    transcriptionService.healthy = false;
    const { status, body } = await get('/health');

    expect(status).toBe(503);
    expect(body.status).toBe('error');
    expect(Object.keys(body.error)).toEqual(['transcription-service']);
    expect(body.error['transcription-service']).toMatchObject({ status: 'down', available: false });
    expect(body.error['transcription-service'].message).toContain('HTTP 503');
    expect(body.info['text-service']).toMatchObject({ status: 'up' });
    expect(body.configuration.services['transcription-service'].model).toBe('whisper-large-v3');
  });

  it('is ready while the required services are up, not while one is down, and always live', async () => {
    expect((await get('/health/ready')).status).toBe(200);
    expect((await get('/health/live')).status).toBe(200);

    textService.healthy = false;
    const ready = await get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error['text-service']).toMatchObject({ status: 'down' });
    const live = await get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ status: 'ok', details: { orchestrator: { status: 'up' } } });
  });
});

describe('readiness during shutdown', () => {
  const downstream = new StandInService();

  beforeAll(() => downstream.start());
  afterAll(() => downstream.stop());

  it('turns unready as soon as shutdown begins, while the server still answers', async () => {
    const { app, url } = await startHealth({
      TEXT_SERVICE_URL: downstream.url,
      TRANSCRIPTION_SERVICE_URL: downstream.url,
      FEATURE_SERVER_URL: downstream.url,
      MODEL_SERVICE_URL: downstream.url,
    });
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);

    // Holds the server open once the shutdown hooks have run, as a slow close would.
    const adapter = app.getHttpAdapter();
    const closeServer = adapter.close.bind(adapter);
    let hooksDone!: () => void;
    let releaseServer!: () => void;
    const hooksHaveRun = new Promise<void>((resolve) => (hooksDone = resolve));
    const serverReleased = new Promise<void>((resolve) => (releaseServer = resolve));
    jest.spyOn(adapter, 'close').mockImplementation(async () => {
      hooksDone();
      await serverReleased;
      return closeServer();
    });

    const closing = app.close();
    await hooksHaveRun;
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'shutting_down' });
    expect((await fetch(`${url}/health/live`)).status).toBe(200);

    releaseServer();
    await closing;
  });
});
