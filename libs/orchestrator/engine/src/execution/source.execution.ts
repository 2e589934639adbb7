import { DownstreamError } from '@libs/core/http';
import type { SourceCallObservation, SourceCallOutcome } from '@libs/core/metrics';
import { toDownstreamError } from '@libs/core/resilience';
import type { SourceAdapter, SourceCall, SourceCallContext } from '@libs/core/sources';
import { TracedWork, type TraceParent } from '@libs/core/tracing';
import {
  Observable,
  catchError,
  defaultIfEmpty,
  defer,
  finalize,
  from,
  identity,
  map,
  mergeMap,
  of,
  retry,
  switchMap,
  take,
  tap,
  throwError,
  timeout,
  timer,
  toArray,
} from 'rxjs';
import type { SourceStatus, SourceTrace } from '../model';
import type { PlannedSource } from './execution.plan';
import { redactParams } from './params.redaction';
import { SourceResultCache, cacheKeyOf } from './source-result.cache';

export interface SourceEnvironment {
  adapter: SourceAdapter;
  context: SourceCallContext;
  cache: SourceResultCache;
  /** The endpoint's sensitive request fields, redacted in the trace. */
  sensitive: readonly string[];
  /** The endpoint's qualified name, `<domain>.<name>`. */
  endpoint: string;
  /** The request's trace, which each source's span joins; undefined while tracing is off. */
  traceParent?: TraceParent;
}

type Scope = Readonly<Record<string, unknown>>;

/** Calls the adapter for one attempt, given the call without its params. */
type Invoke = (call: Omit<SourceCall, 'params'>) => Observable<unknown>;

/** A failure that may pass if the source is called again (a 5xx or a timeout, not the caller's 4xx). */
const isTransient = (error: DownstreamError) => error.retryable;

/** A failure named after the YAML source, whatever the adapter or library called it. */
function sourceFailure(source: string, error: unknown): DownstreamError {
  const failure = toDownstreamError(source, error);
  return failure.source === source ? failure : failure.restated({ source });
}

/** What a source's span says of it (OpenTelemetry attributes of the orchestrator's own). */
const SPAN_ATTRIBUTES = {
  endpoint: 'orchestrator.endpoint',
  source: 'orchestrator.source.name',
  type: 'orchestrator.source.type',
  operation: 'orchestrator.source.operation',
  outcome: 'orchestrator.source.outcome',
  attempts: 'orchestrator.source.attempts',
  attempt: 'orchestrator.source.attempt',
} as const;

/**
 * One source during one execution: decides whether it runs, calls its adapter (per item for
 * `foreach`) under its timeout, retries, cache and the request's deadline, transforms the
 * result, and keeps its trace. When the request is traced, the source is a span of its own
 * (with an event per attempt), parent of its adapter's calls.
 */
export class SourceExecution {
  private startedAt?: Date;
  private startedTick = 0;
  private outcome?: { status: SourceStatus; durationMs: number; error?: DownstreamError };
  private params?: Record<string, unknown>;
  private attempts = 0;
  private calls = 0;
  private cacheHits = 0;
  private details?: Record<string, unknown>;
  private span?: TracedWork;

  constructor(
    private readonly planned: PlannedSource,
    private readonly environment: SourceEnvironment,
  ) {}

  get name(): string {
    return this.planned.definition.name;
  }

  get status(): SourceStatus | undefined {
    return this.outcome?.status;
  }

  /**
   * The source's result, given a scope holding the request and the results of its inputs. An
   * optional source that fails answers its default; a required one errors with a
   * DownstreamError naming it.
   */
  run(scope: Scope): Observable<unknown> {
    const { definition, when, transform } = this.planned;
    return defer(() => {
      this.startedAt = new Date();
      this.startedTick = performance.now();
      const span = (this.span = this.beginSpan());
      const runs = when ? this.expression(when.evaluate(undefined, scope), 'when') : of(true);
      return runs.pipe(
        switchMap((condition) => {
          if (!condition) {
            this.settle('skipped');
            return of(definition.default);
          }
          return this.fetch(scope).pipe(
            switchMap((result) =>
              transform ? this.expression(transform.evaluate(result, scope), 'transform') : of(result),
            ),
            tap(() => this.settle('ok')),
          );
        }),
        catchError((error: unknown) => {
          const failure = sourceFailure(this.name, error);
          if (definition.optional) {
            this.settle('degraded', failure);
            return of(definition.default ?? null);
          }
          this.settle('failed', failure);
          return throwError(() => failure);
        }),
        // Whether it settled, failed or was abandoned half-way; untraced, nothing to end.
        span ? finalize(() => this.endSpan(span)) : identity,
      );
    });
  }

  private beginSpan(): TracedWork | undefined {
    const { endpoint, traceParent } = this.environment;
    if (!traceParent) return undefined;
    const { name, type, operation } = this.planned.definition;
    return TracedWork.begin(
      `source ${name}`,
      {
        [SPAN_ATTRIBUTES.endpoint]: endpoint,
        [SPAN_ATTRIBUTES.source]: name,
        [SPAN_ATTRIBUTES.type]: type,
        ...(operation !== undefined && { [SPAN_ATTRIBUTES.operation]: operation }),
      },
      traceParent,
    );
  }

  private endSpan(span: TracedWork): void {
    span.end(
      { [SPAN_ATTRIBUTES.outcome]: this.reportedOutcome, [SPAN_ATTRIBUTES.attempts]: this.attempts },
      this.outcome?.error?.message,
    );
  }

  /** Counts an attempt, an event of the source's span. */
  private countAttempt(): void {
    this.attempts += 1;
    this.span?.event('attempt', { [SPAN_ATTRIBUTES.attempt]: this.attempts });
  }

  /**
   * What the source did. A source that never finished was abandoned when a required source
   * failed: it is `skipped` (with its start and duration when it had begun).
   */
  trace(): SourceTrace {
    const { name, type, operation } = this.planned.definition;
    const trace: SourceTrace = {
      name,
      type,
      operation,
      params: this.params,
      startedAt: this.startedAt?.toISOString(),
      durationMs: this.startedAt && Math.round(this.elapsedMs()),
      attempts: this.attempts,
      cacheHit: this.answeredFromCache,
      status: this.outcome?.status ?? 'skipped',
    };
    if (this.details) trace.details = this.details;
    const error = this.outcome?.error;
    if (!error) return trace;
    return {
      ...trace,
      error: {
        statusCode: error.status,
        message: error.message,
        ...(error.detail && { detail: error.detail }),
      },
    };
  }

  /** What the source did, for the metrics of `endpoint`'s sources. */
  observation(endpoint: string): SourceCallObservation {
    const { name, type } = this.planned.definition;
    return {
      endpoint,
      source: name,
      type,
      outcome: this.reportedOutcome,
      durationSeconds: this.startedAt ? this.elapsedMs() / 1000 : 0,
      // Each call that missed the cache made one request at least; the rest were repeats.
      retries: Math.max(0, this.attempts - (this.calls - this.cacheHits)),
    };
  }

  /** The status, or `cache_hit` for a source the cache answered: what its span and metrics say. */
  private get reportedOutcome(): SourceCallOutcome {
    const status = this.outcome?.status ?? 'skipped';
    return status === 'ok' && this.answeredFromCache ? 'cache_hit' : status;
  }

  /** Every call the source made was answered by the cache. */
  private get answeredFromCache(): boolean {
    return this.calls > 0 && this.cacheHits === this.calls;
  }

  /** Since the source began: to its outcome, or to now when it has none (it was abandoned). */
  private elapsedMs(): number {
    return this.outcome?.durationMs ?? performance.now() - this.startedTick;
  }

  private settle(status: SourceStatus, error?: DownstreamError): void {
    this.outcome = { status, durationMs: performance.now() - this.startedTick, error };
  }

  private expression(result: Observable<unknown>, field: 'when' | 'transform'): Observable<unknown> {
    return result.pipe(
      catchError((error: Error) =>
        throwError(
          () =>
            new DownstreamError(
              this.name,
              'bad-gateway',
              `${this.name}: its ${field} expression failed: ${error.message}`,
              { cause: error },
            ),
        ),
      ),
    );
  }

  private fetch(scope: Scope): Observable<unknown> {
    const { definition, params: template, foreachItems } = this.planned;
    const { foreach } = definition;
    const { sensitive } = this.environment;
    if (!foreach || !foreachItems) {
      const params = template.resolve(scope) as Record<string, unknown>;
      this.params = redactParams(params, definition.params, sensitive);
      return this.call(params);
    }
    const items = foreachItems.resolve(scope) ?? [];
    if (!Array.isArray(items)) {
      return throwError(
        () =>
          new DownstreamError(
            this.name,
            'bad-gateway',
            `${this.name}: foreach items ${foreach.items} is not an array (got ${typeof items})`,
          ),
      );
    }
    const calls = items.map(
      (item) => template.resolve({ ...scope, [foreach.as]: item }) as Record<string, unknown>,
    );
    this.params = { foreach: calls.map((params) => redactParams(params, definition.params, sensitive)) };
    const { adapter } = this.environment;
    if (adapter.executeBatch) {
      return calls.length ? this.batchCall(calls, adapter.executeBatch.bind(adapter)) : of([]);
    }
    return from(calls).pipe(
      mergeMap(
        (params, index) => this.call(params).pipe(map((result) => ({ index, result }))),
        foreach.concurrency,
      ),
      toArray(),
      map((answers) => {
        const results = new Array<unknown>(answers.length);
        for (const { index, result } of answers) results[index] = result;
        return results;
      }),
    );
  }

  /** One call of the adapter, from the cache when the source declares one. */
  private call(params: Record<string, unknown>): Observable<unknown> {
    const { adapter } = this.environment;
    return this.cached(params, (call) => adapter.execute({ ...call, params }));
  }

  /**
   * Every item of a `foreach` in one call of an adapter that batches (`executeBatch`), cached
   * and retried as one; it must answer one result per item.
   */
  private batchCall(
    calls: Record<string, unknown>[],
    executeBatch: (calls: SourceCall[]) => Observable<unknown[]>,
  ): Observable<unknown> {
    return this.cached({ foreach: calls }, (call) =>
      executeBatch(calls.map((params) => ({ ...call, params }))).pipe(
        map((results) => {
          if (Array.isArray(results) && results.length === calls.length) return results;
          throw new DownstreamError(
            this.name,
            'bad-gateway',
            `${this.name}: a batch of ${calls.length} answered ${Array.isArray(results) ? results.length : 'no list of'} results`,
          );
        }),
      ),
    );
  }

  private cached(key: Record<string, unknown>, invoke: Invoke): Observable<unknown> {
    const { type, operation, cache } = this.planned.definition;
    this.calls += 1;
    if (!cache) return this.attemptsOf(invoke);
    const cacheKey = cacheKeyOf(type, operation, key);
    const cached = this.environment.cache.get(cacheKey);
    if (cached) {
      this.cacheHits += 1;
      return of(cached.value);
    }
    return this.attemptsOf(invoke).pipe(
      tap((result) => this.environment.cache.set(cacheKey, result, cache.ttlSeconds)),
    );
  }

  /**
   * The call with the source's own `retry`, when it declares one: transient failures of
   * idempotent calls are repeated with exponential backoff, as long as the wait ends before the
   * request's deadline and the request has not been abandoned. That retry replaces the backend
   * client's (it is told `retriedByCaller`); without one, the client's own retries apply.
   */
  private attemptsOf(invoke: Invoke): Observable<unknown> {
    const { definition } = this.planned;
    const { adapter, context } = this.environment;
    const { name, type, operation, retry: retries } = definition;
    const attempt = defer(() => this.attempt(invoke));
    const idempotent =
      adapter.idempotent?.({ name, type, operation, params: definition.params }, context.sections) ?? true;
    if (!retries || retries.attempts === 0 || !idempotent) return attempt;
    return attempt.pipe(
      retry({
        count: retries.attempts,
        delay: (error: DownstreamError, retryCount) => {
          const wait = retries.backoffMs * 2 ** (retryCount - 1);
          return isTransient(error) && !context.signal.aborted && Date.now() + wait < context.deadline
            ? timer(wait)
            : throwError(() => error);
        },
      }),
    );
  }

  /**
   * The adapter's call, made as part of the source's span (its HTTP requests are the span's
   * children), however late it is subscribed (after a retry's backoff, for one).
   */
  private withinSpan(call: () => Observable<unknown>): Observable<unknown> {
    const span = this.span;
    if (!span) return call();
    return new Observable((subscriber) => span.within(() => call().subscribe(subscriber)));
  }

  /**
   * One attempt, bounded by the source's timeout and the request's deadline. The adapter gets a
   * signal that fires when the request's does or when the attempt is abandoned (timed out, or
   * unsubscribed because the client went away or the execution failed).
   */
  private attempt(invoke: Invoke): Observable<unknown> {
    const { type, operation, timeoutMs } = this.planned.definition;
    const { context } = this.environment;
    const remaining = context.deadline - Date.now();
    const deadlinePassed = () =>
      new DownstreamError(this.name, 'timeout', `${this.name} did not answer before the request deadline`);
    if (remaining <= 0) return throwError(deadlinePassed);
    const cappedByDeadline = timeoutMs === undefined || remaining <= timeoutMs;
    const call = defer(() => {
      const abandoned = new AbortController();
      // Only an attempt left unfinished is aborted: cancelling every finished one costs an
      // abort event and a DOMException per call for nothing.
      let answered = false;
      // One attempt is one request, unless the adapter reports more (its client's own retries).
      this.countAttempt();
      let requests = 0;
      const calling = () =>
        invoke({
          source: this.name,
          type,
          operation,
          context: {
            ...context,
            signal: AbortSignal.any([context.signal, abandoned.signal]),
            annotate: (details) => (this.details = { ...this.details, ...details }),
            retriedByCaller: this.planned.definition.retry !== undefined,
            onAttempt: () => {
              if (requests++ > 0) this.countAttempt();
            },
          },
        });
      return this.withinSpan(calling).pipe(
        tap({ next: () => (answered = true), error: () => (answered = true) }),
        finalize(() => answered || abandoned.abort()),
      );
    });
    // An adapter answers once; its first value is the result.
    return call.pipe(
      take(1),
      defaultIfEmpty(undefined),
      timeout({
        first: cappedByDeadline ? remaining : timeoutMs,
        with: () =>
          throwError(() =>
            cappedByDeadline
              ? deadlinePassed()
              : new DownstreamError(
                  this.name,
                  'timeout',
                  `${this.name} did not answer within ${timeoutMs} ms`,
                ),
          ),
      }),
      catchError((error: unknown) => throwError(() => sourceFailure(this.name, error))),
    );
  }
}
