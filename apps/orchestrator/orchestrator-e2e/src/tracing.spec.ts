import { OtlpTraceReceiver, SPAN_KIND, unusedPortUrl, type ReceivedSpan } from '@libs/core/testing';
import { generateDemoModels } from '@libs/reference/model-serving/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningApp, startApp, stopApps } from './support/apps';
import { AS_OF, seedDemoDatabase } from './support/customers';
import { RECORD_HEADERS, startOrchestratorFor, type ExecutionRecord } from './support/engine';
import { getJson, postJson } from './support/http';
import { SPOKEN_PHRASE, postVoiceFeedback, speak } from './support/speech';

/** A trace a caller (Kong's opentelemetry plugin, say) began: its id and the span that called. */
const callerTrace = () => ({
  traceId: randomBytes(16).toString('hex'),
  spanId: randomBytes(8).toString('hex'),
});
const traceparentOf = ({ traceId, spanId }: { traceId: string; spanId: string }) =>
  `00-${traceId}-${spanId}-01`;

/** The JSON lines an app printed that name the trace `traceId`. */
function logLinesOf(app: RunningApp, traceId: string): Record<string, unknown>[] {
  return app
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line['trace_id'] === traceId);
}

/** The one span of `spans` that `matches`, failing with all of them when there is not exactly one. */
function theSpan(spans: readonly ReceivedSpan[], what: string, matches: (span: ReceivedSpan) => boolean) {
  const found = spans.filter(matches);
  if (found.length !== 1) {
    const seen = spans.map(
      ({ service, name, spanId, parentSpanId }) => `${service} ${name} ${spanId}<-${parentSpanId}`,
    );
    throw new Error(`expected one ${what}, found ${found.length} among:\n${seen.join('\n')}`);
  }
  return found[0];
}

/**
 * The spans of the trace `traceId` once the orchestrator and each of `services` have exported
 * their server span in it (the orchestrator's ends after its sources' and calls'), and the
 * orchestrator's server span.
 */
async function orchestratorTrace(receiver: OtlpTraceReceiver, traceId: string, services: string[]) {
  const serving = (spans: readonly ReceivedSpan[]) =>
    new Set(
      spans
        .filter((span) => span.traceId === traceId && span.kind === SPAN_KIND.server)
        .map(({ service }) => service),
    );
  const expected = ['orchestrator', ...services];
  const spans = await receiver.waitFor(
    `the server spans of ${expected.join(', ')} in trace ${traceId}`,
    (received) => {
      const found = serving(received);
      return expected.every((service) => found.has(service));
    },
  );
  const trace = spans.filter((span) => span.traceId === traceId);
  const server = theSpan(
    trace,
    "the orchestrator's server span",
    (span) => span.kind === SPAN_KIND.server && span.service === 'orchestrator',
  );
  return { trace, server };
}

const childrenOf = (spans: readonly ReceivedSpan[], parent: ReceivedSpan) =>
  spans.filter(({ parentSpanId }) => parentSpanId === parent.spanId);

/**
 * The one downstream call a span made: its client span, child of `parent`, and the server span of
 * `service` that continued it.
 */
function downstreamCall(spans: readonly ReceivedSpan[], parent: ReceivedSpan, service: string) {
  const client = theSpan(
    childrenOf(spans, parent),
    `client span of ${parent.name}`,
    ({ kind }) => kind === SPAN_KIND.client,
  );
  const server = theSpan(
    childrenOf(spans, client),
    `${service}'s server span under ${parent.name}`,
    (span) => span.kind === SPAN_KIND.server && span.service === service,
  );
  return { client, server };
}

/**
 * Traces across the built apps: every service exports over OTLP/HTTP (protobuf, the default) to
 * a receiver in the test, and each request the orchestrator is sent with a `traceparent` is one
 * trace, from the orchestrator's server span through its sources and calls to the services'
 * own server spans.
 */
describe('OpenTelemetry traces, from the orchestrator through every service it calls', () => {
  let receiver: OtlpTraceReceiver;
  let directory: string;
  let modelsDir: string;
  let textService: RunningApp;
  let transcriptionService: RunningApp;
  let speech: Buffer;
  let featureServer: RunningApp;
  let modelService: RunningApp;
  let creditBureau: RunningApp;
  let orchestrator: RunningApp;

  beforeAll(async () => {
    receiver = await new OtlpTraceReceiver().start();
    // The access log's lines are at info; spans are exported every 50 ms rather than every 5 s.
    const traced = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      LOG_LEVEL: 'info',
    };
    directory = await mkdtemp(join(tmpdir(), 'tracing-e2e-'));
    const databaseUrl = `sqlite:${join(directory, 'main.sqlite')}`;
    modelsDir = generateDemoModels();
    await seedDemoDatabase(databaseUrl);
    [textService, transcriptionService, featureServer, modelService, creditBureau, speech] =
      await Promise.all([
        startApp('text-service', traced),
        startApp('transcription-service', { ...traced, TRANSCRIPTION_CONCURRENCY: '1' }),
        startApp('feature-server', {
          ...traced,
          FEATURE_SERVER_DATABASE_URL: databaseUrl,
          FEATURE_SERVER_AS_OF: AS_OF,
        }),
        startApp('model-service', { ...traced, MODELS_DIR: modelsDir }),
        startApp('credit-bureau', traced),
        speak(SPOKEN_PHRASE),
      ]);
    orchestrator = await startOrchestratorFor(
      { url: await unusedPortUrl() },
      {
        ...traced,
        DATABASE_URL: databaseUrl,
        TEXT_SERVICE_URL: textService.url,
        TRANSCRIPTION_SERVICE_URL: transcriptionService.url,
        FEATURE_SERVER_URL: featureServer.url,
        MODEL_SERVICE_URL: modelService.url,
        CREDIT_BUREAU_URL: creditBureau.url,
      },
    );
  }, 60_000);
  afterAll(async () => {
    await stopApps(
      orchestrator,
      textService,
      transcriptionService,
      featureServer,
      modelService,
      creditBureau,
    );
    await receiver?.stop();
    await Promise.all(
      [directory, modelsDir].map((path) => path && rm(path, { recursive: true, force: true })),
    );
  });

  it('POST /analyze-text: the caller’s trace continues through the orchestrator into the text service', async () => {
    const caller = callerTrace();

    const { status, headers } = await postJson(
      `${orchestrator.url}/analyze-text`,
      { text: 'A wonderful, sunny day.', analyses: ['sentiment'] },
      { traceparent: traceparentOf(caller) },
    );

    expect(status).toBe(200);
    const { trace, server } = await orchestratorTrace(receiver, caller.traceId, ['text-service']);
    expect(server).toMatchObject({
      name: 'POST /analyze-text',
      parentSpanId: caller.spanId,
      attributes: expect.objectContaining({
        'http.route': '/analyze-text',
        'http.response.status_code': 200,
      }),
    });
    const { client, server: textServer } = downstreamCall(trace, server, 'text-service');
    expect(client.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.full': `${textService.url}/analyze`,
    });
    expect(textServer).toMatchObject({
      name: 'POST /analyze',
      attributes: expect.objectContaining({ 'http.route': '/analyze' }),
    });
    // The answer names the trace and the orchestrator's span in it (W3C Trace Context Level 2).
    expect(headers.get('traceresponse')).toBe(`00-${caller.traceId}-${server.spanId}-01`);
    // Every line either service logged for the request names its trace.
    const requestId = headers.get('x-request-id');
    for (const app of [orchestrator, textService]) {
      const lines = logLinesOf(app, caller.traceId);
      expect(lines).toContainEqual(expect.objectContaining({ msg: 'request completed' }));
      const linesOfRequest = app
        .output()
        .split('\n')
        .filter((line) => line.includes(`"${requestId}"`));
      expect(linesOfRequest.length).toBeGreaterThan(0);
      for (const line of linesOfRequest) expect(JSON.parse(line)).toMatchObject({ trace_id: caller.traceId });
    }
  });

  it('a request no route answers is named by its method alone, never by its path', async () => {
    const caller = callerTrace();

    const response = await fetch(`${orchestrator.url}/nowhere/cus-1001`, {
      headers: { traceparent: traceparentOf(caller) },
    });

    expect(response.status).toBe(404);
    const { server } = await orchestratorTrace(receiver, caller.traceId, []);
    expect(server.name).toBe('GET');
    expect(server.attributes['http.route']).toBeUndefined();
  });

  it('a YAML composite: a span per source under the server span, each source’s calls under it, into each service', async () => {
    const caller = callerTrace();

    const { status, headers } = await getJson(`${orchestrator.url}/customers/cus-1001/360`, {
      traceparent: traceparentOf(caller),
    });

    expect(status).toBe(200);
    const { trace, server } = await orchestratorTrace(receiver, caller.traceId, [
      'feature-server',
      'credit-bureau',
    ]);
    expect(server).toMatchObject({
      name: 'GET /customers/:customer_id/360',
      parentSpanId: caller.spanId,
      attributes: expect.objectContaining({ 'http.route': '/customers/:customer_id/360' }),
    });
    const sources = childrenOf(trace, server);
    expect(sources.map(({ name }) => name).sort()).toEqual([
      'source accounts',
      'source credit',
      'source customer',
      'source features',
      'source purchases',
    ]);
    for (const source of sources) {
      expect(source.kind).toBe(SPAN_KIND.internal);
      expect(source.attributes).toMatchObject({
        'orchestrator.endpoint': 'customers.get_customer_360',
        'orchestrator.source.name': source.name.replace('source ', ''),
        'orchestrator.source.outcome': 'ok',
        'orchestrator.source.attempts': 1,
      });
      expect(source.events).toEqual([{ name: 'attempt', attributes: { 'orchestrator.source.attempt': 1 } }]);
    }
    const source = (name: string) =>
      theSpan(sources, `source ${name}`, (span) => span.name === `source ${name}`);
    expect(source('customer').attributes).toMatchObject({
      'orchestrator.source.type': 'database',
      'orchestrator.source.operation': 'get_customer',
    });
    const features = downstreamCall(trace, source('features'), 'feature-server');
    expect(features.server.name).toBe('POST /get-online-features');
    const credit = downstreamCall(trace, source('credit'), 'credit-bureau');
    expect(credit.server.name).toBe('GET /v1/credit-reports/:customer_id');
    expect(headers.get('traceresponse')).toBe(`00-${caller.traceId}-${server.spanId}-01`);
    // The execution record names the trace, and so does every line the request logged.
    const record = await getJson<ExecutionRecord & { traceId?: string }>(
      `${orchestrator.url}/executions/${headers.get('x-execution-id')}`,
      RECORD_HEADERS,
    );
    expect(record.body.traceId).toBe(caller.traceId);
    const lines = logLinesOf(orchestrator, caller.traceId);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request completed' }));
    const sourceSpanIds = new Set(sources.map(({ spanId }) => spanId));
    // The downstream clients log each call in its source's span.
    expect(lines.some(({ span_id }) => sourceSpanIds.has(String(span_id)))).toBe(true);
  });

  it('a source that reads other sources still hangs under the server span; its model call reaches the model service', async () => {
    const caller = callerTrace();

    const { status, body } = await postJson<{ decision: string }>(
      `${orchestrator.url}/customers/cus-1001/credit-risk`,
      { requested_amount: 2500 },
      { traceparent: traceparentOf(caller) },
    );

    expect(status).toBe(200);
    expect(body.decision).toEqual(expect.any(String));
    const { trace, server } = await orchestratorTrace(receiver, caller.traceId, [
      'feature-server',
      'model-service',
    ]);
    expect(server.name).toBe('POST /customers/:customer_id/credit-risk');
    // `risk` starts once `features` and `balance` have answered, in their callbacks: its span is
    // still the server span's child, not theirs.
    const risk = theSpan(childrenOf(trace, server), 'source risk', ({ name }) => name === 'source risk');
    expect(risk.attributes).toMatchObject({
      'orchestrator.source.type': 'model',
      'orchestrator.source.outcome': 'ok',
    });
    const { server: inference } = downstreamCall(trace, risk, 'model-service');
    expect(inference.name).toBe('POST /v2/models/:name/infer');
  });

  it('an upload: the audio source’s call reaches the transcription service, the text source’s the text service', async () => {
    const caller = callerTrace();
    const response = await postVoiceFeedback(orchestrator.url, 'cus-1001', speech, {
      traceparent: traceparentOf(caller),
    });

    expect(response.status).toBe(200);
    const { trace, server } = await orchestratorTrace(receiver, caller.traceId, [
      'transcription-service',
      'text-service',
    ]);
    expect(server.name).toBe('POST /customers/:customer_id/voice-feedback');
    const sources = childrenOf(trace, server);
    const source = (name: string) =>
      theSpan(sources, `source ${name}`, (span) => span.name === `source ${name}`);
    const transcription = downstreamCall(trace, source('transcript'), 'transcription-service');
    expect(transcription.server.name).toBe('POST /v1/audio/transcriptions');
    expect(downstreamCall(trace, source('analysis'), 'text-service').server.name).toBe('POST /analyze');
    expect(source('customer').attributes).toMatchObject({ 'orchestrator.source.type': 'database' });
  });

  it('a service that stops exports the spans it still holds before it exits', async () => {
    // Nothing is exported on a timer: only the shutdown sends the request's span.
    const holding = await startApp('text-service', {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    const caller = callerTrace();
    const { status } = await postJson(
      `${holding.url}/analyze`,
      { text: 'The last words.', analyses: ['sentiment'] },
      { traceparent: traceparentOf(caller) },
    );
    expect(status).toBe(200);
    expect(receiver.spans.filter(({ traceId }) => traceId === caller.traceId)).toEqual([]);

    expect(await holding.stop()).toEqual({ code: 0, signal: null });

    const trace = receiver.spans.filter(({ traceId }) => traceId === caller.traceId);
    expect(trace).toEqual([
      expect.objectContaining({
        service: 'text-service',
        name: 'POST /analyze',
        parentSpanId: caller.spanId,
      }),
    ]);
  });

  it('a service started without OTEL_* variables traces nothing: no traceresponse, no trace ids in its logs', async () => {
    const untraced = await startApp('text-service', { LOG_LEVEL: 'info' });
    try {
      const caller = callerTrace();

      const { status, headers } = await postJson(
        `${untraced.url}/analyze`,
        { text: 'A quiet day.', analyses: ['sentiment'] },
        { traceparent: traceparentOf(caller) },
      );

      expect(status).toBe(200);
      expect(headers.get('traceresponse')).toBeNull();
      expect(untraced.output()).toContain('"msg":"request completed"');
      expect(untraced.output()).not.toContain('trace_id');
    } finally {
      await stopApps(untraced);
    }
  });
});
