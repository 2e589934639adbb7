import { SpanStatusCode, trace } from '@opentelemetry/api';
import { shutdownTracing, startTracing, traceFields } from '@libs/core/tracing';
import { of } from 'rxjs';
import { FakeAdapter, endpoint, executorOf, failAfter, source, unavailable } from './execution.test-harness';

interface ExportedSpan {
  traceId: string;
  parentSpanContext?: { spanId: string };
  name: string;
  id: string;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  events: { name: string; attributes?: Record<string, unknown> }[];
}

/**
 * The span of each source, with the OpenTelemetry SDK started as a service starts it; spans go
 * to its console exporter (OTLP's export is proven end to end, against the built apps).
 */
describe('the span of each source', () => {
  const saved = { ...process.env };
  const exported: ExportedSpan[] = [];

  beforeAll(() => {
    jest.spyOn(console, 'dir').mockImplementation((span) => void exported.push(span as ExportedSpan));
    Object.assign(process.env, { OTEL_TRACES_EXPORTER: 'console', OTEL_NODE_RESOURCE_DETECTORS: 'env' });
    startTracing('engine-spec');
  });
  afterAll(async () => {
    await shutdownTracing();
    process.env = { ...saved };
    jest.restoreAllMocks();
  });

  it("hangs under the request's span, counts its attempts and says how it ended; its calls are made in it", async () => {
    const fieldsOfCalls: Record<string, ReturnType<typeof traceFields>[]> = { a: [], b: [], c: [] };
    const adapter = new FakeAdapter({
      a: (_call, attempt) => {
        fieldsOfCalls['a'].push(traceFields());
        return attempt === 1 ? failAfter(5, unavailable('a')) : of({ id: 'a-1' });
      },
      b: () => {
        fieldsOfCalls['b'].push(traceFields());
        return failAfter(1, unavailable('b'));
      },
      c: () => {
        fieldsOfCalls['c'].push(traceFields());
        return of('c');
      },
    });
    const { run } = executorOf();
    const definition = endpoint([
      source('a', { retry: { attempts: 2, backoffMs: 5 } }),
      source('b', { optional: true, default: null }),
      // Starts once `a` has answered, in its callback.
      source('c', { params: { id: '$a.id' } }),
    ]);

    const request = await trace.getTracer('spec').startActiveSpan('GET /test/test_endpoint', async (span) => {
      await run(definition, adapter);
      span.end();
      return span.spanContext();
    });
    await shutdownTracing();

    const spanOf = (name: string) => exported.find((span) => span.name === `source ${name}`) as ExportedSpan;
    for (const name of ['a', 'b', 'c']) {
      expect(spanOf(name)).toMatchObject({
        traceId: request.traceId,
        parentSpanContext: { spanId: request.spanId },
      });
      // Every call of the source, retries included, is made as part of its span.
      for (const fields of fieldsOfCalls[name]) expect(fields.span_id).toBe(spanOf(name).id);
    }
    expect(fieldsOfCalls['a']).toHaveLength(2);
    expect(spanOf('a')).toMatchObject({
      attributes: {
        'orchestrator.endpoint': 'test.test_endpoint',
        'orchestrator.source.name': 'a',
        'orchestrator.source.type': 'fake',
        'orchestrator.source.operation': 'get_a',
        'orchestrator.source.outcome': 'ok',
        'orchestrator.source.attempts': 2,
      },
      status: { code: SpanStatusCode.UNSET },
    });
    expect(spanOf('a').events.map(({ name, attributes }) => [name, attributes])).toEqual([
      ['attempt', { 'orchestrator.source.attempt': 1 }],
      ['attempt', { 'orchestrator.source.attempt': 2 }],
    ]);
    expect(spanOf('b')).toMatchObject({
      attributes: { 'orchestrator.source.outcome': 'degraded', 'orchestrator.source.attempts': 1 },
      status: { code: SpanStatusCode.ERROR, message: 'b is unavailable: connect ECONNREFUSED' },
    });
    expect(spanOf('c').attributes).toMatchObject({ 'orchestrator.source.outcome': 'ok' });
  });
});
