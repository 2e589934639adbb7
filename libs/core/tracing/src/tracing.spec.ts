import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { traceFields } from './trace-context';
import { TracedWork, currentTraceParent } from './traced-work';
import { shutdownTracing, startTracing, tracingRequested, tracingStarted } from './tracing';

describe('tracingRequested', () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_TRACES_EXPORTER: 'console' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
  ])('%j: %s', (env, requested) => {
    expect(tracingRequested(env)).toBe(requested);
  });
});

describe('startTracing', () => {
  const saved = { ...process.env };

  afterEach(async () => {
    await shutdownTracing();
    process.env = { ...saved };
    jest.restoreAllMocks();
  });

  it('without OTEL_* variables, loads nothing of the SDK and traces nothing', () => {
    for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) delete process.env[name];
    jest.isolateModules(() => {
      jest.doMock('./tracing.sdk', () => {
        throw new Error('the SDK was loaded');
      });
      const isolated = jest.requireActual<typeof import('./tracing')>('./tracing');

      expect(isolated.startTracing('quiet-service')).toBe(false);
      expect(isolated.tracingStarted()).toBe(false);
    });
    jest.dontMock('./tracing.sdk');
    expect(currentTraceParent()).toBeUndefined();
    expect(TracedWork.begin('work', {}, currentTraceParent())).toBeUndefined();
  });

  // The OTLP exporters load node:http with a dynamic import(), which jest's module system cannot
  // run (nor can the host resource detector's): the OTLP export itself is proven by the
  // end-to-end tests, against the built apps. Here spans go to the console exporter.
  const CONSOLE_EXPORT = { OTEL_TRACES_EXPORTER: 'console', OTEL_NODE_RESOURCE_DETECTORS: 'env' };

  it('with a trace exporter named, traces work done in a request as its child, named after the service', async () => {
    const exported: Record<string, unknown>[] = [];
    jest.spyOn(console, 'dir').mockImplementation((span) => void exported.push(span));
    Object.assign(process.env, CONSOLE_EXPORT);

    expect(startTracing('unit-service')).toBe(true);
    expect(tracingStarted()).toBe(true);
    let fieldsWithin: ReturnType<typeof traceFields> = {};
    const request = trace.getTracer('spec').startActiveSpan('GET /things/:id', (span) => {
      const work = TracedWork.begin(
        'source things',
        { 'orchestrator.source.name': 'things' },
        currentTraceParent(),
      );
      work?.within(() => (fieldsWithin = traceFields()));
      work?.event('attempt', { 'orchestrator.source.attempt': 1 });
      work?.end({ 'orchestrator.source.outcome': 'failed' }, 'things did not answer');
      span.end();
      return span.spanContext();
    });
    await shutdownTracing();

    expect(exported).toHaveLength(2);
    const [work, root] = exported;
    expect(root).toMatchObject({ name: 'GET /things/:id', id: request.spanId });
    expect(work).toMatchObject({
      resource: { attributes: expect.objectContaining({ 'service.name': 'unit-service' }) },
      traceId: request.traceId,
      parentSpanContext: expect.objectContaining({ spanId: request.spanId }),
      name: 'source things',
      id: fieldsWithin.span_id,
      kind: SpanKind.INTERNAL,
      attributes: { 'orchestrator.source.name': 'things', 'orchestrator.source.outcome': 'failed' },
      events: [
        expect.objectContaining({ name: 'attempt', attributes: { 'orchestrator.source.attempt': 1 } }),
      ],
      status: { code: SpanStatusCode.ERROR, message: 'things did not answer' },
    });
    expect(fieldsWithin).toEqual({ trace_id: request.traceId, span_id: work['id'], trace_flags: '01' });
  });

  it('OTEL_SERVICE_NAME names the service rather than the app', async () => {
    const exported: Record<string, unknown>[] = [];
    jest.spyOn(console, 'dir').mockImplementation((span) => void exported.push(span));
    Object.assign(process.env, { ...CONSOLE_EXPORT, OTEL_SERVICE_NAME: 'orchestrator-eu-1' });

    startTracing('unit-service');
    trace.getTracer('spec').startSpan('GET /').end();
    await shutdownTracing();

    expect(exported).toEqual([
      expect.objectContaining({
        resource: { attributes: expect.objectContaining({ 'service.name': 'orchestrator-eu-1' }) },
      }),
    ]);
  });
});
