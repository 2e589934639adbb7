import { unusedPortUrl } from '@libs/core/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunningApp, startApp, stopApps } from './support/apps';
import { postJson } from './support/http';
import { StubServer, sendJson, startStubServer } from './support/stub-server';

const DOWNSTREAM_DELAY_MS = 1_500;

describe('the orchestrator on SIGTERM', () => {
  let slowTextService: StubServer;
  let orchestrator: RunningApp;

  beforeAll(async () => {
    slowTextService = await startStubServer((_request, response) => {
      setTimeout(
        () => sendJson(response, 200, { sentiment: { score: 0.5, label: 'positive' } }),
        DOWNSTREAM_DELAY_MS,
      );
    });
    orchestrator = await startApp('orchestrator', {
      TEXT_SERVICE_URL: slowTextService.url,
      TRANSCRIPTION_SERVICE_URL: await unusedPortUrl(),
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
  });
  afterAll(async () => {
    await stopApps(orchestrator);
    await slowTextService.close();
  });

  it('finishes the request in flight, then exits 0', async () => {
    const inFlight = postJson(`${orchestrator.url}/analyze-text`, { text: 'A good day.' });
    // Once the text service has the call, the orchestrator is mid-request.
    while (slowTextService.requests.length === 0) await sleep(20);

    orchestrator.child.kill('SIGTERM');
    const { status, body } = await inFlight;
    const exit = await orchestrator.exited;

    expect(status).toBe(200);
    expect(body).toEqual({ sentiment: { score: 0.5, label: 'positive' } });
    // A stop that was asked for is a clean exit: code 0, not death by the signal (143), so that a
    // supervisor (npm start, Docker, systemd) does not report it as a failure.
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
