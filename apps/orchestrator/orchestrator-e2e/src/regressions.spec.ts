import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { RunningApp, memoryOf, stopApps } from './support/apps';
import { Answer, expectEnvelope, expectOneAccessLine, headerOf, send } from './support/answers';
import { startIsolatedOrchestrator } from './support/config-directory';
import { seedDemoDatabase } from './support/customers';
import { ADMIN_TOKEN, eventually } from './support/engine';
import {
  CATALOG_PROTOCOL,
  FaultyDownstream,
  TEXT_SERVICE_PROTOCOL,
  TRANSCRIPTION_PROTOCOL,
  startFaultyDownstream,
} from './support/faulty-downstream';
import { audioForm, chunked, multipartBody, rawRequest, requestHead, tinyWav } from './support/raw-http';
import { sendJson, startStubServer, type StubServer } from './support/stub-server';

/**
 * One test per reproduction of the hardening issue ("Hostile input and misbehaving downstreams:
 * never a crash, never unbounded memory, never a bare 500, never a leak"), each as the issue
 * measured it against the running stack, asserting the behaviour decided for it.
 */

/** The two upload endpoints: the YAML one of config/domains/customers.yaml, and the routed one. */
const UPLOAD_ENDPOINTS = ['/customers/cus-1001/voice-feedback', '/analyze-audio'];
const BOUNDARY = 'b';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const ONE_MIB = 1_048_576;

/** The crash: a `file` part opened, 1,000 bytes of it (a WAV's start), no closing boundary. */
const TRUNCATED_FORM = Buffer.concat([
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
  ),
  tinyWav().subarray(0, 1_000),
]);

let databaseDirectory: string;
let databaseUrl: string;

beforeAll(async () => {
  databaseDirectory = await mkdtemp(join(tmpdir(), 'regressions-e2e-'));
  databaseUrl = `sqlite:${join(databaseDirectory, 'main.sqlite')}`;
  await seedDemoDatabase(databaseUrl);
});
afterAll(() => rm(databaseDirectory, { recursive: true, force: true }));

interface Stack {
  orchestrator: RunningApp;
  text: FaultyDownstream;
  transcription: FaultyDownstream;
}

/**
 * The example configuration over the seeded demo database, with stand-ins for the text and
 * transcription services, logging every request (LOG_LEVEL=info).
 */
async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const [text, transcription] = await Promise.all([
    startFaultyDownstream(TEXT_SERVICE_PROTOCOL),
    startFaultyDownstream(TRANSCRIPTION_PROTOCOL),
  ]);
  const orchestrator = await startIsolatedOrchestrator({
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    TEXT_SERVICE_URL: text.url,
    TRANSCRIPTION_SERVICE_URL: transcription.url,
    TRANSCRIPTION_SERVICE_RETRY_BASE_DELAY_MS: '10',
    TEXT_SERVICE_RETRY_BASE_DELAY_MS: '10',
    ...env,
  });
  return { orchestrator, text, transcription };
}

async function stopStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  await stopApps(stack.orchestrator);
  await Promise.all([stack.text.close(), stack.transcription.close()]);
}

const portOf = (app: RunningApp) => Number(new URL(app.url).port);

/** A request sent byte for byte, answered as `Answer`. */
async function raw(
  app: RunningApp,
  method: string,
  path: string,
  headers: [string, string][],
  body?: Buffer,
) {
  const withLength: [string, string][] =
    body === undefined || headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name))
      ? headers
      : [...headers, ['Content-Length', String(body.length)]];
  return rawRequest(portOf(app), { head: requestHead(method, path, withLength), body });
}

/** A valid upload of a short WAV recording. */
function validUpload(app: RunningApp, path: string): Promise<Answer> {
  const form = new FormData();
  form.append('language', 'en');
  form.append('file', new Blob([tinyWav()], { type: 'audio/wav' }), 'a.wav');
  return send(`${app.url}${path}`, { method: 'POST', body: form });
}

/** Asserts a valid upload is transcribed: 200 with the stand-in's transcript. */
async function expectTranscribed(app: RunningApp, path: string): Promise<void> {
  const answer = await validUpload(app, path);
  expect({ status: answer.status, body: answer.text.slice(0, 300) }).toEqual({
    status: 200,
    body: expect.stringContaining('hello world'),
  });
}

/** Asserts the process still runs and answers its liveness route. */
async function expectAlive(app: RunningApp): Promise<void> {
  await sleep(200);
  expect({ exitCode: app.child.exitCode, signal: app.child.signalCode }).toEqual({
    exitCode: null,
    signal: null,
  });
  expect((await send(`${app.url}/health/live`)).status).toBe(200);
}

describe('a remote crash: truncated multipart uploads', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stopStack(stack);
    stack = undefined;
  });

  it.each(UPLOAD_ENDPOINTS)(
    'POST %s: six truncated forms each get 400 naming what is wrong, the process lives, and a valid upload then succeeds',
    async (path) => {
      stack = await startStack({ TRANSCRIPTION_SERVICE_TIMEOUT_MS: '2000' });
      const { orchestrator } = stack;

      for (let i = 0; i < 6; i++) {
        const answer = await raw(orchestrator, 'POST', path, [['Content-Type', MULTIPART]], TRUNCATED_FORM);
        const envelope = expectEnvelope(answer, 400, null);
        expect(envelope.message).toMatch(/form|multipart|boundary/i);
        await expectOneAccessLine(orchestrator, envelope.requestId, 400);
        expect(orchestrator.child.exitCode).toBeNull();
      }

      await expectAlive(orchestrator);
      await expectTranscribed(orchestrator, path);
    },
  );

  it.each(UPLOAD_ENDPOINTS)(
    "POST %s: ten truncated forms do not count against the transcription service's breaker (threshold 2)",
    async (path) => {
      stack = await startStack({ TRANSCRIPTION_SERVICE_BREAKER_THRESHOLD: '2' });

      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        statuses.push(
          (await raw(stack.orchestrator, 'POST', path, [['Content-Type', MULTIPART]], TRUNCATED_FORM)).status,
        );
      }

      expect(statuses).toEqual(Array(10).fill(400));
      await expectTranscribed(stack.orchestrator, path);
    },
  );

  it.each(UPLOAD_ENDPOINTS)(
    "POST %s: a truncated form while the transcription service's breaker is open is refused, and the process lives",
    async (path) => {
      stack = await startStack({ TRANSCRIPTION_SERVICE_BREAKER_THRESHOLD: '2' });
      await stack.transcription.setFault({ kind: 'status', status: 500 });
      for (let i = 0; i < 3; i++) await validUpload(stack.orchestrator, path);
      expect((await validUpload(stack.orchestrator, path)).status).toBe(503);

      const answer = await raw(
        stack.orchestrator,
        'POST',
        path,
        [['Content-Type', MULTIPART]],
        TRUNCATED_FORM,
      );

      // Either the form's fault (400) or the open circuit (503) may be found first.
      expect([400, 503]).toContain(answer.status);
      expectEnvelope(answer, answer.status);
      await expectAlive(stack.orchestrator);
    },
  );
});

describe('unbounded memory: huge downstream answers', () => {
  let catalog: FaultyDownstream;
  let orchestrator: RunningApp;

  beforeAll(async () => {
    catalog = await startFaultyDownstream(CATALOG_PROTOCOL);
    orchestrator = await startIsolatedOrchestrator({
      CATALOG_API_URL: catalog.url,
      // As the issue measured it: without a limit of its own, the process aborts.
      NODE_OPTIONS: '--max-old-space-size=512',
    });
  });
  afterAll(async () => {
    await stopApps(orchestrator);
    await catalog.close();
  });

  it('three 100 MB catalog answers behind GET /catalog/get-product-overview/:product_id: 502 each, RSS grows by at most 50 MB', async () => {
    const pid = orchestrator.child.pid as number;
    // The baseline is a process that has served this route once: what its first call costs
    // (code loaded and compiled, the catalog's connection pool) is not memory the answers held.
    expect((await send(`${orchestrator.url}/catalog/get-product-overview/prd-1000`)).status).toBe(200);
    const before = await memoryOf(pid);
    await catalog.setFault({ kind: 'huge', bytes: 100 * ONE_MIB });

    const statuses: number[] = [];
    // Three products, since the overview caches a product it got.
    for (const product of ['prd-1001', 'prd-1002', 'prd-1003']) {
      const answer = await send(`${orchestrator.url}/catalog/get-product-overview/${product}`);
      statuses.push(answer.status);
      if (answer.status === 502) expectEnvelope(answer, 502, 'product');
    }

    const alive = orchestrator.child.exitCode === null && orchestrator.child.signalCode === null;
    const after = alive ? await memoryOf(pid) : undefined;
    const growthMiB = (bytes: number) => Math.round(bytes / ONE_MIB);
    const within50MiB = (bytes: number | undefined) =>
      bytes === undefined ? 'process gone' : bytes <= 50 * ONE_MIB || `${growthMiB(bytes)} MiB`;
    expect({
      alive,
      statuses,
      rssGrowth: within50MiB(after && after.rssBytes - before.rssBytes),
      peakRssGrowth: within50MiB(after && after.peakRssBytes - before.peakRssBytes),
      // Each answer was cut once past the limit, never read to its end.
      answersReadToTheEnd: catalog.hugeAnswers.map(({ finished }) => finished),
    }).toEqual({
      alive: true,
      statuses: [502, 502, 502],
      rssGrowth: true,
      peakRssGrowth: true,
      answersReadToTheEnd: [false, false, false],
    });
  }, 180_000);
});

describe('upload limits', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ UPLOAD_MAX_BYTES: String(ONE_MIB) });
  });
  afterAll(() => stopStack(stack));
  beforeEach(async () => {
    // An upload the previous test had cut may still be reaching the stand-in.
    await stack.transcription.quiet();
    stack.transcription.resetCounts();
    await stack.transcription.setFault({ kind: 'ok' });
  });

  it.each(UPLOAD_ENDPOINTS)(
    'POST %s: a 100 MB chunked upload → 413 once past UPLOAD_MAX_BYTES, the upload to the transcription service aborted',
    async (path) => {
      const head = Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
      );
      const zeros = Buffer.alloc(64 * 1024);
      function* pieces(): Iterable<Buffer> {
        yield Buffer.concat([head, tinyWav().subarray(0, 44)]);
        for (let sent = 0; sent < 100 * ONE_MIB; sent += zeros.length) yield zeros;
        yield Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
      }

      const answer = await rawRequest(portOf(stack.orchestrator), {
        head: requestHead('POST', path, [
          ['Content-Type', MULTIPART],
          ['Transfer-Encoding', 'chunked'],
        ]),
        body: chunked(pieces()),
        timeoutMs: 30_000,
      });

      const envelope = expectEnvelope(answer, 413, null);
      expect(envelope.message).toContain(String(ONE_MIB));
      expect(answer.sentBytes).toBeLessThan(50 * ONE_MIB);
      await eventually('the upload to the transcription service to end', async () =>
        stack.transcription.calls().every(({ complete, cut }) => complete || cut) ? true : undefined,
      );
      for (const call of stack.transcription.calls()) {
        expect({ cut: call.cut, tooMuch: call.receivedBytes > 2 * ONE_MIB }).toEqual({
          cut: true,
          tooMuch: false,
        });
      }
    },
    60_000,
  );

  it.each(
    UPLOAD_ENDPOINTS.flatMap((path) => [
      {
        path,
        what: 'a .txt file',
        filename: 'notes.txt',
        contentType: 'text/plain',
        file: Buffer.from('just some text\n'),
      },
      {
        path,
        what: 'text named a.wav and declared audio/wav (its magic bytes are not audio)',
        filename: 'a.wav',
        contentType: 'audio/wav',
        file: Buffer.from('this is plainly not a RIFF/WAVE file at all\n'),
      },
    ]),
  )(
    'POST $path: $what → 415, the transcription service never called',
    async ({ path, filename, contentType, file }) => {
      const body = audioForm(BOUNDARY, { file, filename, contentType, fields: { language: 'en' } });

      const answer = await raw(stack.orchestrator, 'POST', path, [['Content-Type', MULTIPART]], body);

      const envelope = expectEnvelope(answer, 415, null);
      await expectOneAccessLine(stack.orchestrator, envelope.requestId, 415);
      expect(stack.transcription.calls()).toEqual([]);
    },
  );

  it.each(UPLOAD_ENDPOINTS)(
    'POST %s with Expect: 100-continue and an oversize Content-Length → 413 without a 100 Continue first',
    async (path) => {
      const answer = await rawRequest(portOf(stack.orchestrator), {
        head: requestHead('POST', path, [
          ['Content-Type', MULTIPART],
          ['Content-Length', String(100 * ONE_MIB)],
          ['Expect', '100-continue'],
        ]),
        timeoutMs: 5_000,
      });

      expect(answer.interim).toEqual([]);
      expectEnvelope(answer, 413, null);
      expect(stack.transcription.calls()).toEqual([]);
    },
  );
});

describe('bare 500s on bad input', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stopStack(stack));

  const deeplyNested = (levels: number) =>
    `{"text":"x","analyses":${'['.repeat(levels)}${']'.repeat(levels)}}`;
  const plain = Buffer.from(JSON.stringify({ text: 'A good day.' }));

  it.each([
    {
      what: 'a JSON body over 1 MB at POST /analyze-text',
      path: '/analyze-text',
      headers: [['Content-Type', 'application/json']],
      body: Buffer.from(JSON.stringify({ text: 'a'.repeat(2 * ONE_MIB) })),
      status: 413,
    },
    {
      what: 'a JSON body over 1 MB at POST /feedback/analyze-feedback (YAML)',
      path: '/feedback/analyze-feedback',
      headers: [['Content-Type', 'application/json']],
      body: Buffer.from(JSON.stringify({ text: 'a'.repeat(2 * ONE_MIB) })),
      status: 413,
    },
    {
      what: 'charset=klingon',
      path: '/analyze-text',
      headers: [['Content-Type', 'application/json; charset=klingon']],
      body: plain,
      status: 415,
    },
    {
      what: 'Content-Encoding: gzip on a plain body',
      path: '/analyze-text',
      headers: [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'gzip'],
      ],
      body: plain,
      status: 400,
    },
    {
      what: 'Content-Encoding: br',
      path: '/analyze-text',
      headers: [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'br'],
      ],
      body: plain,
      status: 415,
    },
    {
      what: 'a 10,000-level nested JSON body',
      path: '/analyze-text',
      headers: [['Content-Type', 'application/json']],
      body: Buffer.from(deeplyNested(10_000)),
      status: 400,
      message: /depth|nest/i,
    },
    {
      what: 'JSON nested 40 levels, deeper than the default REQUEST_JSON_MAX_DEPTH (32)',
      path: '/feedback/analyze-feedback',
      headers: [['Content-Type', 'application/json']],
      body: Buffer.from(deeplyNested(40)),
      status: 400,
      message: /depth|nest/i,
    },
    {
      what: 'the YAML upload route: multipart without a boundary',
      path: UPLOAD_ENDPOINTS[0],
      headers: [['Content-Type', 'multipart/form-data']],
      body: audioForm(BOUNDARY),
      status: 400,
      message: /boundary|multipart|form|part|body/i,
    },
    {
      what: 'the YAML upload route: the wrong boundary',
      path: UPLOAD_ENDPOINTS[0],
      headers: [['Content-Type', 'multipart/form-data; boundary=not-the-one']],
      body: audioForm(BOUNDARY),
      status: 400,
      message: /boundary|multipart|form|part|body/i,
    },
    {
      what: 'the YAML upload route: an empty body',
      path: UPLOAD_ENDPOINTS[0],
      headers: [['Content-Type', MULTIPART]],
      body: Buffer.alloc(0),
      status: 400,
      message: /boundary|multipart|form|part|body/i,
    },
    {
      what: 'the YAML upload route: a truncated part header',
      path: UPLOAD_ENDPOINTS[0],
      headers: [['Content-Type', MULTIPART]],
      body: multipartBody(
        BOUNDARY,
        [{ name: 'file', filename: 'a.wav', contentType: 'audio/wav', data: tinyWav() }],
        {
          partHeadOnly: true,
        },
      ),
      status: 400,
      message: /boundary|multipart|form|part|body/i,
    },
  ] as {
    what: string;
    path: string;
    headers: [string, string][];
    body: Buffer;
    status: number;
    message?: RegExp;
  }[])(
    '$what → $status with the envelope, a requestId and an access-log line',
    async ({ path, headers, body, status, message }) => {
      const answer = await raw(stack.orchestrator, 'POST', path, headers, body);

      const envelope = expectEnvelope(answer, status, null);
      if (message) expect(envelope.message).toMatch(message);
      await expectOneAccessLine(stack.orchestrator, envelope.requestId, status);
      expect(stack.orchestrator.child.exitCode).toBeNull();
    },
  );

  it('an unparseable request target (GET http://[::x]/health/live) → 400 with the envelope', async () => {
    const answer = await rawRequest(portOf(stack.orchestrator), {
      head: requestHead('GET', 'http://[::x]/health/live'),
    });

    const envelope = expectEnvelope(answer, 400, null);
    await expectOneAccessLine(stack.orchestrator, envelope.requestId, 400);
  });

  it('still answers a valid gzip-encoded JSON body, and a plain one', async () => {
    const encoded = await raw(
      stack.orchestrator,
      'POST',
      '/analyze-text',
      [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'gzip'],
      ],
      gzipSync(plain),
    );
    const unencoded = await raw(
      stack.orchestrator,
      'POST',
      '/analyze-text',
      [['Content-Type', 'application/json']],
      plain,
    );

    expect([encoded.status, unencoded.status]).toEqual([200, 200]);
  });
});

describe('the new body limits are read from the environment', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ REQUEST_BODY_MAX_BYTES: '4096', REQUEST_JSON_MAX_DEPTH: '4' });
  });
  afterAll(() => stopStack(stack));

  const post = (body: string) =>
    send(`${stack.orchestrator.url}/analyze-text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

  it('REQUEST_BODY_MAX_BYTES: 3 KB passes, 5 KB → 413', async () => {
    expect((await post(JSON.stringify({ text: 'a'.repeat(3_000) }))).status).toBe(200);
    expectEnvelope(await post(JSON.stringify({ text: 'a'.repeat(5_000) })), 413, null);
  });

  it('REQUEST_JSON_MAX_DEPTH: 2 levels pass, 6 → 400 naming the depth', async () => {
    expect((await post('{"text":"x","analyses":["sentiment"]}')).status).toBe(200);
    const envelope = expectEnvelope(await post('{"text":"x","analyses":[[[[["sentiment"]]]]]}'), 400, null);
    expect(envelope.message).toMatch(/depth|nest/i);
  });
});

describe('leaks', () => {
  const CATALOG_TOKEN = 'cat-e2e-credential-93b1d7';
  const READ_TOKEN = 'e2e-read-token';
  let catalog: StubServer;
  let orchestrator: RunningApp;
  let echoCredential = false;

  beforeAll(async () => {
    // A catalog that, when told to, refuses the credential and echoes it in its error body.
    catalog = await startStubServer((request, response) =>
      echoCredential
        ? sendJson(response, 401, {
            message: `invalid credentials: ${String(request.headers.authorization)}`,
          })
        : sendJson(response, 200, CATALOG_PROTOCOL.answer(request).body),
    );
    orchestrator = await startIsolatedOrchestrator({
      LOG_LEVEL: 'info',
      CATALOG_API_URL: catalog.url,
      CATALOG_API_TOKEN: CATALOG_TOKEN,
      ORCHESTRATOR_READ_TOKEN: READ_TOKEN,
    });
  });
  afterAll(async () => {
    await stopApps(orchestrator);
    await catalog.close();
  });
  afterEach(() => (echoCredential = false));

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it("a catalog echoing the orchestrator's credential in a 401: the client gets a 502 without it, the record keeps none", async () => {
    echoCredential = true;

    const answer = await send(`${orchestrator.url}/products/prd-1001`);

    const envelope = expectEnvelope(answer, 502, 'product');
    expect(answer.text).not.toContain(CATALOG_TOKEN);
    expect(envelope.message).toContain('401');
    const record = await send(`${orchestrator.url}/executions/${headerOf(answer, 'x-execution-id')}`, {
      headers: bearer(ADMIN_TOKEN),
    });
    expect(record.status).toBe(200);
    expect(record.text).not.toContain(CATALOG_TOKEN);
  });

  it.each(['/executions', '/executions/00000000-0000-4000-8000-000000000000'])(
    'GET %s without a credential → 401, with a wrong one → 401 or 403',
    async (path) => {
      const none = await send(`${orchestrator.url}${path}`);
      expectEnvelope(none, 401, null);
      const wrong = await send(`${orchestrator.url}${path}`, { headers: bearer('not-the-token') });
      expect([401, 403]).toContain(wrong.status);
      expectEnvelope(wrong, wrong.status, null);
    },
  );

  it('GET /executions answers the admin and the read-only token', async () => {
    for (const token of [ADMIN_TOKEN, READ_TOKEN]) {
      const answer = await send(`${orchestrator.url}/executions`, { headers: bearer(token) });
      expect({ token, status: answer.status }).toEqual({ token, status: 200 });
      expect(JSON.parse(answer.text)).toEqual({ executions: expect.any(Array) });
    }
  });

  it('?_trace=true without a credential → 401 and no partial answer; with the read token → the trace', async () => {
    const refused = await send(`${orchestrator.url}/products/prd-1002?_trace=true`);
    expectEnvelope(refused, 401, null);
    expect(refused.text).not.toContain('prd-1002');

    const traced = await send(`${orchestrator.url}/products/prd-1002?_trace=true`, {
      headers: bearer(READ_TOKEN),
    });
    expect(traced.status).toBe(200);
    expect(JSON.parse(traced.text)).toMatchObject({
      id: 'prd-1002',
      _meta: { sources: [expect.objectContaining({ name: 'product' })] },
    });
  });

  it('masks sensitive query parameters in the access log', async () => {
    const secrets = { token: 'qs-token-5521', api_key: 'qs-api-key-7734', password: 'qs-password-9902' };
    const query = new URLSearchParams(secrets).toString();

    const answer = await send(`${orchestrator.url}/products/prd-1003?${query}`);

    const line = await expectOneAccessLine(
      orchestrator,
      headerOf(answer, 'x-request-id') ?? '',
      answer.status,
    );
    expect(line.req.url).toContain('/products/prd-1003');
    for (const value of Object.values(secrets)) expect(orchestrator.output()).not.toContain(value);
  });
});

describe('deadline, drain, headers and CORS', () => {
  let text: FaultyDownstream;
  let orchestrator: RunningApp | undefined;

  beforeAll(async () => {
    text = await startFaultyDownstream(TEXT_SERVICE_PROTOCOL);
  });
  afterEach(async () => {
    await stopApps(orchestrator);
    orchestrator = undefined;
    text.resetCounts();
    await text.setFault({ kind: 'ok' });
  });
  afterAll(() => text.close());

  const analyze = (app: RunningApp) =>
    send(`${app.url}/analyze-text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'A good day.' }),
    });

  it('POST /analyze-text answers 504 at TEXT_SERVICE_DEADLINE_MS, retries and backoff included', async () => {
    orchestrator = await startIsolatedOrchestrator({
      TEXT_SERVICE_URL: text.url,
      TEXT_SERVICE_TIMEOUT_MS: '1000',
      TEXT_SERVICE_RETRIES: '2',
      TEXT_SERVICE_RETRY_BASE_DELAY_MS: '10',
      TEXT_SERVICE_DEADLINE_MS: '1500',
    });
    await text.setFault({ kind: 'hang' });

    const answer = await analyze(orchestrator);

    expectEnvelope(answer, 504, 'text-service');
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(1_400);
    expect(answer.elapsedMs).toBeLessThan(2_200);
    expect(text.attempts()).toBe(2);
  });

  it('after SIGTERM, /health/ready answers 503 for SHUTDOWN_DRAIN_MS while the listener accepts, and the request in flight finishes', async () => {
    orchestrator = await startIsolatedOrchestrator({
      TEXT_SERVICE_URL: text.url,
      TEXT_SERVICE_TIMEOUT_MS: '5000',
      SHUTDOWN_DRAIN_MS: '1500',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    const app = orchestrator;
    expect((await send(`${app.url}/health/ready`)).status).toBe(200);
    await text.setFault({ kind: 'trickle', intervalMs: 100, forMs: 1_000 });
    const inFlight = analyze(app);
    await eventually('the text service to have the call', async () =>
      text.attempts() > 0 ? true : undefined,
    );

    const signalled = performance.now();
    app.child.kill('SIGTERM');
    // The signal reaches the process's event loop a moment later: a probe sent in that moment
    // may still be answered 200, as any load balancer's would.
    await sleep(50);
    // As a load balancer probes: a new connection each time.
    const probes: (number | string)[] = [];
    while (performance.now() - signalled < 1_200) {
      const probe = await rawRequest(portOf(app), {
        head: requestHead('GET', '/health/ready'),
        timeoutMs: 2_000,
      });
      probes.push(probe.dropped ?? probe.status);
      await sleep(100);
    }
    const answer = await inFlight;
    const exit = await app.exited;

    expect(probes.length).toBeGreaterThanOrEqual(5);
    expect(new Set(probes)).toEqual(new Set([503]));
    expect(answer.status).toBe(200);
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it("every answer carries helmet's headers, /docs a Content-Security-Policy", async () => {
    orchestrator = await startIsolatedOrchestrator({ TEXT_SERVICE_URL: text.url });
    const answers = await Promise.all([
      send(`${orchestrator.url}/health/live`),
      send(`${orchestrator.url}/no-such-route`),
      send(`${orchestrator.url}/analyze-text`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    ]);
    for (const answer of answers) {
      expect({
        status: answer.status,
        nosniff: headerOf(answer, 'x-content-type-options'),
        frameOptions: headerOf(answer, 'x-frame-options'),
      }).toEqual({ status: answer.status, nosniff: 'nosniff', frameOptions: expect.any(String) });
    }
    const docs = await send(`${orchestrator.url}/docs`);
    expect(docs.status).toBe(200);
    expect(headerOf(docs, 'content-security-policy')).toEqual(expect.any(String));
  });

  const preflight = (app: RunningApp, origin: string) =>
    send(`${app.url}/analyze-text`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  it('answers a preflight with CORS off (the default), without Access-Control-Allow-Origin', async () => {
    orchestrator = await startIsolatedOrchestrator({ TEXT_SERVICE_URL: text.url });

    const answer = await preflight(orchestrator, 'https://app.example');

    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.status).toBeLessThan(300);
    expect(headerOf(answer, 'access-control-allow-origin')).toBeNull();
  });

  it('with CORS_ORIGINS=https://app.example, allows that origin only', async () => {
    orchestrator = await startIsolatedOrchestrator({
      TEXT_SERVICE_URL: text.url,
      CORS_ORIGINS: 'https://app.example',
    });

    const allowed = await preflight(orchestrator, 'https://app.example');
    const other = await preflight(orchestrator, 'https://evil.example');

    expect(allowed.status).toBeLessThan(300);
    expect(headerOf(allowed, 'access-control-allow-origin')).toBe('https://app.example');
    expect(headerOf(other, 'access-control-allow-origin')).toBeNull();
  });
});
