import { RunningApp, startApp, stopApps } from './support/apps';
import { postJson, uploadWithoutEnding } from './support/http';
import { StubServer, sendJson, startStubServer } from './support/stub-server';

const UPLOAD_MAX_BYTES = 4_096;

/** The orchestrator in front of two recording stand-ins for its downstream services. */
describe('what the orchestrator sends its downstream services', () => {
  let textService: StubServer;
  let transcriptionService: StubServer;
  let orchestrator: RunningApp;

  beforeAll(async () => {
    textService = await startStubServer((_request, response) =>
      sendJson(response, 200, { sentiment: { score: 0.5, label: 'positive' } }),
    );
    transcriptionService = await startStubServer((_request, response) =>
      sendJson(response, 200, { text: 'hello', segments: [] }),
    );
    orchestrator = await startApp('orchestrator', {
      TEXT_SERVICE_URL: textService.url,
      TRANSCRIPTION_SERVICE_URL: transcriptionService.url,
      UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES),
    });
  });
  afterAll(async () => {
    await stopApps(orchestrator);
    await Promise.all([textService.close(), transcriptionService.close()]);
  });
  beforeEach(() => {
    textService.requests.length = 0;
    transcriptionService.requests.length = 0;
  });

  it('passes the X-Request-ID it is sent on to the text service', async () => {
    const { status, headers, body } = await postJson(
      `${orchestrator.url}/analyze-text`,
      { text: 'A good day.', analyses: ['sentiment'] },
      { 'x-request-id': 'e2e-propagated-1' },
    );

    expect(status).toBe(200);
    expect(body).toEqual({ sentiment: { score: 0.5, label: 'positive' } });
    expect(headers.get('x-request-id')).toBe('e2e-propagated-1');
    expect(textService.requests).toHaveLength(1);
    expect(textService.requests[0].headers['x-request-id']).toBe('e2e-propagated-1');
    expect(JSON.parse(textService.requests[0].body.toString())).toEqual({
      text: 'A good day.',
      analyses: ['sentiment'],
    });
  });

  it('passes the id it generated on when the request had none', async () => {
    const { headers } = await postJson(`${orchestrator.url}/analyze-text`, { text: 'A good day.' });

    const generated = headers.get('x-request-id');
    expect(generated).toEqual(expect.any(String));
    expect(textService.requests[0].headers['x-request-id']).toBe(generated);
  });

  it('answers 413 to an upload declaring more than UPLOAD_MAX_BYTES and its form may weigh, without calling the transcription service', async () => {
    const { status, body } = await uploadWithoutEnding(`${orchestrator.url}/analyze-audio`, {
      sentBytes: 0,
      // Its fields and framing may add up to 1 MiB beside the file (multipartBodyLimit).
      declaredBytes: UPLOAD_MAX_BYTES + 1024 * 1024,
    });

    expect(status).toBe(413);
    expect(body).toMatchObject({
      statusCode: 413,
      error: 'Payload Too Large',
      requestId: expect.any(String),
    });
    expect(body.message).toContain(String(UPLOAD_MAX_BYTES));
    expect(transcriptionService.requests).toHaveLength(0);
  });

  it('answers 413 to a chunked upload once it streams past UPLOAD_MAX_BYTES', async () => {
    const { status, body } = await uploadWithoutEnding(`${orchestrator.url}/analyze-audio`, {
      sentBytes: UPLOAD_MAX_BYTES * 4,
    });

    expect(status).toBe(413);
    expect(body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(body.message).toContain(String(UPLOAD_MAX_BYTES));
  });
});
