import type { ErrorEnvelopeDto } from '@libs/core/http';
import { unusedPortUrl } from '@libs/core/testing';
import { RunningApp, startApp, stopApps } from './support/apps';
import { getJson, postJson } from './support/http';
import { StubServer, forward, sendJson, startStubServer } from './support/stub-server';

const ENGLISH = { text: 'I love the new office in Madrid. The team is fantastic!' };

/** An orchestrator whose text service is at `textServiceUrl`; the transcription service is not used. */
async function orchestratorFor(textServiceUrl: string, env: Record<string, string> = {}) {
  return startApp('orchestrator', {
    TEXT_SERVICE_URL: textServiceUrl,
    TRANSCRIPTION_SERVICE_URL: await unusedPortUrl(),
    ...env,
  });
}

describe('the orchestrator when the text service fails', () => {
  let orchestrator: RunningApp | undefined;
  let stub: StubServer | undefined;

  afterEach(async () => {
    await stopApps(orchestrator);
    await stub?.close();
    orchestrator = stub = undefined;
  });

  it('answers 503 naming the text service when it is not running', async () => {
    orchestrator = await orchestratorFor(await unusedPortUrl(), {
      TEXT_SERVICE_RETRY_BASE_DELAY_MS: '10',
    });

    const { status, body } = await postJson<ErrorEnvelopeDto>(`${orchestrator.url}/analyze-text`, ENGLISH);

    expect(status).toBe(503);
    expect(body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      source: 'text-service',
      requestId: expect.any(String),
    });
    expect(body.message).toContain('text-service');

    const health = await getJson<{ status: string; details: Record<string, { status: string }> }>(
      `${orchestrator.url}/health`,
    );
    expect(health.status).toBe(503);
    expect(health.body.details['text-service'].status).toBe('down');
  });

  it('answers 504 once the configured timeout has passed when the text service is slow', async () => {
    stub = await startStubServer((_request, response) => {
      setTimeout(() => sendJson(response, 200, { sentiment: { score: 0, label: 'neutral' } }), 2_000);
    });
    orchestrator = await orchestratorFor(stub.url, {
      TEXT_SERVICE_TIMEOUT_MS: '300',
      TEXT_SERVICE_RETRIES: '0',
    });

    const started = performance.now();
    const { status, body } = await postJson<ErrorEnvelopeDto>(`${orchestrator.url}/analyze-text`, ENGLISH);
    const elapsedMs = performance.now() - started;

    expect(status).toBe(504);
    expect(body).toMatchObject({ statusCode: 504, error: 'Gateway Timeout', source: 'text-service' });
    expect(elapsedMs).toBeGreaterThanOrEqual(300);
    expect(elapsedMs).toBeLessThan(1_500);
    expect(stub.requests).toHaveLength(1);
  });

  describe('with the real text service behind a flaky proxy', () => {
    let textService: RunningApp;
    beforeAll(async () => {
      textService = await startApp('text-service');
    });
    afterAll(() => stopApps(textService));

    it('retries a failed analysis and answers 200 when the second attempt succeeds', async () => {
      stub = await startStubServer((request, response, index) =>
        index === 0
          ? sendJson(response, 503, { statusCode: 503, message: 'warming up' })
          : forward(request, response, textService.url),
      );
      orchestrator = await orchestratorFor(stub.url, {
        TEXT_SERVICE_RETRIES: '2',
        TEXT_SERVICE_RETRY_BASE_DELAY_MS: '50',
      });

      const { status, body } = await postJson(`${orchestrator.url}/analyze-text`, {
        ...ENGLISH,
        analyses: ['language', 'sentiment'],
      });

      expect(status).toBe(200);
      expect(body).toMatchObject({ language: { code: 'en' }, sentiment: { label: 'positive' } });
      expect(stub.requests.map(({ method, url }) => `${method} ${url}`)).toEqual([
        'POST /analyze',
        'POST /analyze',
      ]);
    });
  });
});
