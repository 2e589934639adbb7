import { unusedPort } from '@libs/core/testing';
import { Client } from 'pg';
import { RunningApp, stopApps } from './support/apps';
import { Answer, expectEnvelope, expectOneAccessLine, headerOf, send } from './support/answers';
import {
  ConfigDirectory,
  ConfigFiles,
  startIsolatedOrchestrator,
  writeConfigDirectory,
} from './support/config-directory';
import { eventually } from './support/engine';
import {
  CATALOG_PROTOCOL,
  DOWNSTREAM_SECRET,
  DownstreamProtocol,
  FEAST_PROTOCOL,
  Fault,
  FaultyDownstream,
  FaultyTcpServer,
  OIP_PROTOCOL,
  TEXT_SERVICE_PROTOCOL,
  TRANSCRIPTION_PROTOCOL,
  attemptsForTransientFailure,
  startFaultyDownstream,
  startFaultyTcpServer,
} from './support/faulty-downstream';
import { tinyWav } from './support/raw-http';

/**
 * The fault matrix: every way a downstream misbehaves, against the routed path and a YAML
 * endpoint of each backend type, each target with its own orchestrator, stand-in and (for YAML)
 * a configuration directory of its own that makes its timeouts and retries explicit. Each case
 * asserts the status, the envelope (naming the source, nothing of the downstream's words), the
 * time bound, the calls the stand-in saw and the access-log line.
 */

/** Each attempt's deadline, for every target. */
const TIMEOUT_MS = 300;
/** What an answer may take beyond its attempts' deadlines and backoffs (2 shared cores). */
const MARGIN_MS = 700;
/** The bound of an answer that needs no deadline to pass. */
const FAST_MS = 1_500;
/** An internal service's `<PREFIX>_RESPONSE_MAX_BYTES` in this suite. */
const RESPONSE_MAX_BYTES = 1_048_576;
/** A huge answer: beyond RESPONSE_MAX_BYTES, the 10 MiB default and what the socket buffers of loopback hold. */
const HUGE_BYTES = 32 * 1024 * 1024;

interface FaultCase {
  name: string;
  fault: Fault;
  status: number;
  /** Refused, timed out, 5xx, reset or malformed: retried when the call is idempotent. */
  transient: boolean;
  /** Bounded by the attempts' deadlines rather than answered at once. */
  timed?: boolean;
  /** The downstream status the message must name. */
  downstreamStatus?: number;
}

const status = (code: number, expected: number, transient = false): FaultCase => ({
  name: `HTTP ${code}`,
  fault: { kind: 'status', status: code },
  status: expected,
  transient,
  downstreamStatus: code,
});

/** The faults of the matrix and what the orchestrator answers each with (decided by the lead). */
const FAULTS: FaultCase[] = [
  { name: 'refused connection', fault: { kind: 'refuse' }, status: 503, transient: true },
  { name: 'no answer', fault: { kind: 'hang' }, status: 504, transient: true, timed: true },
  {
    name: 'a byte every 100 ms, past the timeout',
    fault: { kind: 'trickle', intervalMs: 100, forMs: 5_000 },
    status: 504,
    transient: true,
    timed: true,
  },
  status(500, 502, true),
  status(503, 502, true),
  { name: 'malformed JSON', fault: { kind: 'malformed' }, status: 502, transient: true },
  { name: 'reset mid-body', fault: { kind: 'reset' }, status: 502, transient: true },
  {
    name: `a ${HUGE_BYTES / 1024 / 1024} MiB answer`,
    fault: { kind: 'huge', bytes: HUGE_BYTES },
    status: 502,
    transient: false,
  },
  status(400, 400),
  status(404, 404),
  status(409, 409),
  status(422, 422),
  // The orchestrator's own credentials were refused: not the client's fault.
  status(401, 502),
  status(403, 502),
  status(429, 503),
];

interface Target {
  name: string;
  protocol: DownstreamProtocol;
  /** The `source` of the envelope. */
  source: string;
  /** The retries configured, by layer. */
  retries: { backend?: number; source?: number };
  /** Whether its calls may be repeated (uploads may not). */
  idempotent: boolean;
  /** The longest backoff between two attempts. */
  backoffMs: number;
  /** Consecutive failures that open its circuit breaker. */
  breakerThreshold: number;
  env(downstream: string): Record<string, string>;
  config?(downstream: string): ConfigFiles;
  /** A valid request. */
  call(orchestrator: string): Promise<Answer & { elapsedMs: number }>;
  /** What the answer to it is when the downstream answers well. */
  answered: Record<string, unknown>;
  /**
   * Its downstream's refusals (4xx) are the orchestrator's own fault, not the client's: the model
   * adapter checks every input against the model's metadata before it calls, so a refusal means
   * the configuration and the server disagree (a 502).
   */
  refusalsAreBadGateway?: boolean;
}

/** The variables of an internal service: explicit, so that nothing depends on the defaults. */
const internalService = (prefix: string, url: string, retries: number): Record<string, string> => ({
  [`${prefix}_URL`]: url,
  [`${prefix}_TIMEOUT_MS`]: String(TIMEOUT_MS),
  [`${prefix}_RETRIES`]: String(retries),
  [`${prefix}_RETRY_BASE_DELAY_MS`]: '10',
  [`${prefix}_RETRY_MAX_DELAY_MS`]: '20',
  [`${prefix}_BREAKER_THRESHOLD`]: '3',
  [`${prefix}_BREAKER_RESET_MS`]: '60000',
  [`${prefix}_RESPONSE_MAX_BYTES`]: String(RESPONSE_MAX_BYTES),
  [`${prefix}_DEADLINE_MS`]: '5000',
});

/** Backoff and breaker of an internal service, as `internalService` sets them. */
const INTERNAL_SERVICE_POLICY = { backoffMs: 20, breakerThreshold: 3 };

const SETTINGS = { request_deadline_ms: 10_000, default_timeout_ms: 5_000 };
const endpoint = (definition: Record<string, unknown>): ConfigFiles => ({
  settings: SETTINGS,
  domains: { matrix: { endpoints: { target: definition } } },
});

const postJson = (url: string, body: unknown) =>
  send(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const upload = (url: string) => {
  const form = new FormData();
  form.append('file', new Blob([tinyWav()], { type: 'audio/wav' }), 'a.wav');
  return send(url, { method: 'POST', body: form });
};

const TARGETS: Target[] = [
  {
    name: 'POST /analyze-text (routed, text service)',
    protocol: TEXT_SERVICE_PROTOCOL,
    source: 'text-service',
    retries: { backend: 1 },
    idempotent: true,
    ...INTERNAL_SERVICE_POLICY,
    env: (url) => internalService('TEXT_SERVICE', url, 1),
    call: (orchestrator) => postJson(`${orchestrator}/analyze-text`, { text: 'I love the new office.' }),
    answered: { sentiment: { score: 0.5, label: 'positive' } },
  },
  {
    name: 'POST /analyze-audio (routed, transcription service)',
    protocol: TRANSCRIPTION_PROTOCOL,
    source: 'transcription-service',
    retries: { backend: 1 },
    idempotent: false,
    ...INTERNAL_SERVICE_POLICY,
    env: (url) => internalService('TRANSCRIPTION_SERVICE', url, 1),
    call: (orchestrator) => upload(`${orchestrator}/analyze-audio`),
    answered: { transcription: expect.objectContaining({ text: 'hello world' }) },
  },
  {
    name: 'YAML api source (catalog integration)',
    protocol: CATALOG_PROTOCOL,
    source: 'product',
    retries: { backend: 1 },
    idempotent: true,
    // The api adapter's backoff: 100 ms growing with jitter, up to 2 s.
    backoffMs: 600,
    // Not configurable for integrations yet.
    breakerThreshold: 5,
    env: () => ({ SHOP_API_TOKEN: 'e2e-shop-token' }),
    config: (url) => ({
      ...endpoint({
        path: '/matrix/api/{product_id}',
        request: { product_id: { in: 'path', pattern: '^[a-z0-9-]+$' } },
        data_sources: [
          {
            name: 'product',
            type: 'api',
            operation: 'shop.get_product',
            params: { product_id: '$request.product_id' },
          },
        ],
        response_mapping: null,
      }),
      integrations: {
        shop: {
          base_url: url,
          timeout_ms: TIMEOUT_MS,
          retries: 1,
          auth: { type: 'bearer', token_env: 'SHOP_API_TOKEN' },
          operations: { get_product: { path: '/products/{product_id}', response: 'data' } },
        },
      },
    }),
    call: (orchestrator) => send(`${orchestrator}/matrix/api/prd-1001`),
    answered: { id: 'prd-1001', name: 'Oak Desk Lamp' },
  },
  {
    name: 'YAML feast source (feature server)',
    protocol: FEAST_PROTOCOL,
    source: 'features',
    retries: { backend: 1 },
    idempotent: true,
    ...INTERNAL_SERVICE_POLICY,
    env: (url) => internalService('FEATURE_SERVER', url, 1),
    config: () =>
      endpoint({
        path: '/matrix/feast/{customer_id}',
        request: { customer_id: { in: 'path', pattern: '^cus-[0-9]+$' } },
        data_sources: [
          {
            name: 'features',
            type: 'feast',
            params: {
              feature_service: 'customer_features',
              entities: { customer_id: '$request.customer_id' },
            },
          },
        ],
        response_mapping: null,
      }),
    call: (orchestrator) => send(`${orchestrator}/matrix/feast/cus-1001`),
    answered: { customer_id: 'cus-1001', customer_lifetime_value: 10 },
  },
  {
    name: 'YAML model source (Open Inference Protocol)',
    protocol: OIP_PROTOCOL,
    source: 'risk',
    refusalsAreBadGateway: true,
    retries: { backend: 1 },
    idempotent: true,
    ...INTERNAL_SERVICE_POLICY,
    env: (url) => ({ ...internalService('MODEL_SERVICE', url, 1), MODEL_SERVICE_METADATA_TTL_MS: '60000' }),
    config: () =>
      endpoint({
        path: '/matrix/model',
        method: 'POST',
        request: {
          features: {
            in: 'body',
            type: 'array',
            required: true,
            minItems: 5,
            maxItems: 5,
            items: { type: 'number' },
          },
        },
        data_sources: [
          {
            name: 'risk',
            type: 'model',
            operation: 'credit_risk',
            params: { features: '$request.features' },
          },
        ],
        response_mapping: null,
      }),
    call: (orchestrator) =>
      postJson(`${orchestrator}/matrix/model`, { features: [440, 13, 44, 23000, 2500] }),
    answered: { probability_of_default: expect.anything() },
  },
  {
    // TEXT_SERVICE_RETRIES=2 beside the source's own retry, which replaces it: 2 calls, not 6.
    name: "YAML text source (text service; the source's retry replaces the service's)",
    protocol: TEXT_SERVICE_PROTOCOL,
    source: 'analysis',
    retries: { backend: 2, source: 1 },
    idempotent: true,
    ...INTERNAL_SERVICE_POLICY,
    env: (url) => internalService('TEXT_SERVICE', url, 2),
    config: () =>
      endpoint({
        path: '/matrix/text',
        method: 'POST',
        request: { text: { in: 'body', required: true, minLength: 1 } },
        data_sources: [
          {
            name: 'analysis',
            type: 'text',
            operation: 'analyze',
            params: { text: '$request.text', analyses: ['sentiment'] },
            retry: { attempts: 1, backoff_ms: 10 },
          },
        ],
        response_mapping: { sentiment: '$analysis.sentiment.label' },
      }),
    call: (orchestrator) => postJson(`${orchestrator}/matrix/text`, { text: 'I love the new office.' }),
    answered: { sentiment: 'positive' },
  },
  {
    name: 'YAML audio source (multipart upload, transcription service)',
    protocol: TRANSCRIPTION_PROTOCOL,
    source: 'transcript',
    retries: { backend: 1 },
    idempotent: false,
    ...INTERNAL_SERVICE_POLICY,
    env: (url) => internalService('TRANSCRIPTION_SERVICE', url, 1),
    config: () =>
      endpoint({
        path: '/matrix/audio',
        method: 'POST',
        request: { file: { in: 'body', type: 'file', required: true } },
        data_sources: [
          { name: 'transcript', type: 'audio', operation: 'transcribe', params: { file: '$request.file' } },
        ],
        response_mapping: { said: '$transcript.text' },
      }),
    call: (orchestrator) => upload(`${orchestrator}/matrix/audio`),
    answered: { said: 'hello world' },
  },
];

/** The status `fault` is answered with at `target`. */
function expectedStatus(target: Target, fault: FaultCase): number {
  const refusal = fault.downstreamStatus !== undefined && fault.status === fault.downstreamStatus;
  return refusal && target.refusalsAreBadGateway ? 502 : fault.status;
}

/** The calls a stand-in must have seen for `fault` at `target`. */
function expectedCalls(target: Target, fault: FaultCase): number {
  if (fault.fault.kind === 'refuse') return 0;
  return fault.transient && target.idempotent ? attemptsForTransientFailure(target.retries) : 1;
}

/** The longest `fault` may take to be answered at `target`. */
function timeBoundMs(target: Target, fault: FaultCase): number {
  if (!fault.timed) return FAST_MS;
  const attempts = expectedCalls(target, fault);
  return attempts * TIMEOUT_MS + (attempts - 1) * target.backoffMs + MARGIN_MS;
}

describe.each(TARGETS)('the fault matrix at $name', (target) => {
  let downstream: FaultyDownstream;
  let config: ConfigDirectory | undefined;
  let orchestrator: RunningApp;

  beforeAll(async () => {
    downstream = await startFaultyDownstream(target.protocol);
    config = target.config ? await writeConfigDirectory(target.config(downstream.url)) : undefined;
    orchestrator = await startIsolatedOrchestrator(target.env(downstream.url), config);
  });
  afterAll(async () => {
    await stopApps(orchestrator);
    await downstream?.close();
    await config?.remove();
  });

  // Each case starts from a downstream that answers well, and proves the orchestrator does too.
  beforeEach(async () => {
    await downstream.setFault({ kind: 'ok' });
    const answer = await target.call(orchestrator.url);
    expect({ status: answer.status, body: answer.text.slice(0, 300) }).toEqual({
      status: 200,
      body: expect.any(String),
    });
    expect(JSON.parse(answer.text)).toMatchObject(target.answered);
    downstream.resetCounts();
  });

  it.each(FAULTS)('$name → $status', async (fault) => {
    await downstream.setFault(fault.fault);

    const answer = await target.call(orchestrator.url);

    const envelope = expectEnvelope(answer, expectedStatus(target, fault), target.source);
    expect(envelope.message).toContain(target.source);
    if (fault.downstreamStatus) expect(envelope.message).toContain(String(fault.downstreamStatus));
    expect(answer.elapsedMs).toBeLessThan(timeBoundMs(target, fault));
    if (fault.timed) expect(answer.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS * 0.9);
    expect(downstream.attempts()).toBe(expectedCalls(target, fault));
    if (fault.fault.kind === 'huge') {
      // The orchestrator stopped reading and cut the connection long before the end.
      expect(downstream.hugeAnswers).toEqual([{ bytesWritten: expect.any(Number), finished: false }]);
      expect(downstream.hugeAnswers[0].bytesWritten).toBeLessThan(HUGE_BYTES);
    }
    await expectOneAccessLine(orchestrator, envelope.requestId, expectedStatus(target, fault));
  });

  it('a circuit opened by failures → 503 at once, the downstream not called', async () => {
    await downstream.setFault({ kind: 'status', status: 500 });
    const statuses: number[] = [];
    // Each call fails at least once, so the circuit opens within threshold + 1 calls.
    while (statuses.length <= target.breakerThreshold && statuses.at(-1) !== 503) {
      statuses.push((await target.call(orchestrator.url)).status);
    }
    expect(statuses).toContain(503);
    downstream.resetCounts();

    const answer = await target.call(orchestrator.url);

    const envelope = expectEnvelope(answer, 503, target.source);
    expect(envelope.message).toContain(target.source);
    expect(answer.elapsedMs).toBeLessThan(FAST_MS);
    expect(downstream.attempts()).toBe(0);
    expect(headerOf(answer, 'x-request-id')).toBe(envelope.requestId);
  });
});

describe('the limit of an answer, at POST /analyze-text', () => {
  let downstream: FaultyDownstream;
  let orchestrator: RunningApp;

  beforeAll(async () => {
    downstream = await startFaultyDownstream(TEXT_SERVICE_PROTOCOL);
    orchestrator = await startIsolatedOrchestrator({
      ...internalService('TEXT_SERVICE', downstream.url, 1),
      TEXT_SERVICE_RESPONSE_MAX_BYTES: '65536',
    });
  });
  afterAll(async () => {
    await stopApps(orchestrator);
    await downstream.close();
  });
  beforeEach(() => downstream.resetCounts());

  it('passes on an answer just under TEXT_SERVICE_RESPONSE_MAX_BYTES', async () => {
    await downstream.setFault({ kind: 'huge', bytes: 60_000 });
    const answer = await TARGETS[0].call(orchestrator.url);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject(TARGETS[0].answered);
  });

  it('answers 502 to one just over it, read no further than the limit and not retried', async () => {
    await downstream.setFault({ kind: 'huge', bytes: 70_000 });
    const answer = await TARGETS[0].call(orchestrator.url);
    const envelope = expectEnvelope(answer, 502, 'text-service');
    expect(envelope.message).toContain('65536');
    expect(downstream.attempts()).toBe(1);
  });
});

describe("an api integration's response_max_bytes", () => {
  let downstream: FaultyDownstream;
  let config: ConfigDirectory;
  let orchestrator: RunningApp;

  beforeAll(async () => {
    downstream = await startFaultyDownstream(CATALOG_PROTOCOL);
    const files = TARGETS[2].config?.(downstream.url) as ConfigFiles;
    const shop = files.integrations?.['shop'] as Record<string, unknown>;
    config = await writeConfigDirectory({
      ...files,
      integrations: { shop: { ...shop, response_max_bytes: 65536 } },
    });
    orchestrator = await startIsolatedOrchestrator(TARGETS[2].env(downstream.url), config);
  });
  afterAll(async () => {
    await stopApps(orchestrator);
    await downstream.close();
    await config.remove();
  });

  it('answers 502 to an answer over it, and passes one under it on', async () => {
    await downstream.setFault({ kind: 'huge', bytes: 60_000 });
    expect((await TARGETS[2].call(orchestrator.url)).status).toBe(200);
    downstream.resetCounts();
    await downstream.setFault({ kind: 'huge', bytes: 200_000 });

    const answer = await TARGETS[2].call(orchestrator.url);

    expectEnvelope(answer, 502, 'product');
    expect(downstream.attempts()).toBe(1);
  });
});

/**
 * The database backend: PostgreSQL URLs pointing at stand-in TCP servers that refuse, hang or
 * reset, and the real PostgreSQL of 127.0.0.1:5432 for a statement that outlives the deadline.
 * The sources declare no retry, so each connection is tried once.
 */
describe('the fault matrix at YAML database sources (PostgreSQL)', () => {
  const DEADLINE_MS = 1_000;
  let hanging: FaultyTcpServer;
  let resetting: FaultyTcpServer;
  let config: ConfigDirectory;
  let orchestrator: RunningApp;

  beforeAll(async () => {
    [hanging, resetting] = await Promise.all([startFaultyTcpServer('hang'), startFaultyTcpServer('reset')]);
    const url = (port: number, database = 'shop') => `postgres://postgres@127.0.0.1:${port}/${database}`;
    const connections = {
      refusing: { url: url(await unusedPort()) },
      hanging: { url: url(hanging.port) },
      resetting: { url: url(resetting.port) },
      real: { url: url(5432, 'postgres') },
    };
    const operations = {
      ...Object.fromEntries(
        Object.keys(connections).map((name) => [
          `one_${name}`,
          { connection: name, sql: "SELECT 'up' AS state", result: 'one' },
        ]),
      ),
      sleep: { connection: 'real', sql: 'SELECT pg_sleep(:seconds) AS fault_matrix_slept', result: 'scalar' },
    };
    const endpoints = Object.fromEntries(
      Object.keys(connections).map((name) => [
        name,
        {
          path: `/matrix/db/${name}`,
          data_sources: [{ name: 'row', type: 'database', operation: `one_${name}` }],
          response_mapping: null,
        },
      ]),
    );
    config = await writeConfigDirectory({
      settings: { request_deadline_ms: DEADLINE_MS, default_timeout_ms: 5_000 },
      database: { connections, operations },
      domains: {
        matrix: {
          endpoints: {
            ...endpoints,
            sleep: {
              path: '/matrix/db/sleep',
              data_sources: [{ name: 'row', type: 'database', operation: 'sleep', params: { seconds: 5 } }],
              response_mapping: null,
            },
          },
        },
      },
    });
    orchestrator = await startIsolatedOrchestrator({}, config);
  });
  afterAll(async () => {
    await stopApps(orchestrator);
    await Promise.all([hanging?.close(), resetting?.close(), config?.remove()]);
  });

  it('answers 200 from the real PostgreSQL', async () => {
    const answer = await send(`${orchestrator.url}/matrix/db/real`);
    expect({ status: answer.status, body: JSON.parse(answer.text) as unknown }).toEqual({
      status: 200,
      body: { state: 'up' },
    });
  });

  it.each([
    { name: 'refused connection', path: 'refusing', status: 503, timed: false, server: () => undefined },
    { name: 'a server that never answers', path: 'hanging', status: 504, timed: true, server: () => hanging },
    {
      name: 'a connection reset before any answer',
      path: 'resetting',
      status: 503,
      timed: false,
      server: () => resetting,
    },
  ])('$name → $status', async ({ path, status: expected, timed, server }) => {
    const before = server()?.connections() ?? 0;

    const answer = await send(`${orchestrator.url}/matrix/db/${path}`);

    const envelope = expectEnvelope(answer, expected, 'row');
    expect(envelope.message).toContain('row');
    expect(answer.elapsedMs).toBeLessThan((timed ? DEADLINE_MS : FAST_MS) + MARGIN_MS);
    if (timed) expect(answer.elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS * 0.9);
    if (server()) expect((server()?.connections() ?? 0) - before).toBe(1);
    await expectOneAccessLine(orchestrator, envelope.requestId, expected);
  });

  it("a statement that outlives the request's deadline → 504 at the deadline, the statement cancelled", async () => {
    const answer = await send(`${orchestrator.url}/matrix/db/sleep`);

    const envelope = expectEnvelope(answer, 504, 'row');
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS * 0.9);
    expect(answer.elapsedMs).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    expect(answer.text).not.toContain(DOWNSTREAM_SECRET);
    await expectOneAccessLine(orchestrator, envelope.requestId, 504);
    const client = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      await eventually(
        'the pg_sleep statement to be cancelled',
        async () => {
          const { rows } = await client.query<{ running: string }>(
            "SELECT COUNT(*) AS running FROM pg_stat_activity WHERE query LIKE '%fault_matrix_slept%' AND state = 'active' AND pid <> pg_backend_pid()",
          );
          return Number(rows[0].running) === 0 ? true : undefined;
        },
        2_000,
      );
    } finally {
      await client.end();
    }
  });
});
