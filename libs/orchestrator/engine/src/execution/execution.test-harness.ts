// Support for this folder's specs: endpoint definitions built from a few fields, and fake
// adapters answering after real delays and recording when each call started and ended.
import { DownstreamError } from '@libs/core/http';
import type { SourceAdapter, SourceCall, SourceCallContext } from '@libs/core/sources';
import { Observable, defer, finalize, firstValueFrom, map, tap, timer } from 'rxjs';
import { compileEndpoints } from '../config/endpoint.compiler';
import type { CompiledEndpoint, EndpointDefinition, SourceDefinition } from '../model';
import { referencesIn } from '../references';
import { EndpointExecutor, type ExecutionOutcome } from './endpoint.executor';
import { JsonataExpression } from './jsonata.expression';
import { SourceResultCache } from './source-result.cache';

const location = { file: 'domains/test.yaml', line: 1, column: 1 };

/** A source; `dependsOn` is derived from its references unless given. */
export function source(name: string, fields: Partial<SourceDefinition> = {}): SourceDefinition {
  const params = fields.params ?? {};
  const scopeNames = new Set(['request', fields.foreach?.as]);
  const derived = referencesIn([params, fields.foreach?.items ?? []])
    .map(({ root }) => root)
    .filter((root) => !scopeNames.has(root));
  return {
    name,
    type: 'fake',
    operation: `get_${name}`,
    optional: false,
    ...fields,
    params,
    dependsOn: fields.dependsOn ?? [...new Set(derived)],
    location: { ...location, line: 10 },
  };
}

export function endpoint(
  sources: SourceDefinition[],
  fields: Partial<EndpointDefinition> = {},
): EndpointDefinition {
  return {
    name: 'test_endpoint',
    domain: 'test',
    endpointType: 'composite',
    method: 'GET',
    path: '/test/test_endpoint',
    request: [],
    primarySource: undefined,
    responseMapping: undefined,
    sensitive: [],
    location,
    ...fields,
    sources,
  };
}

/**
 * An endpoint built here, compiled as the loader compiles one it accepted: its expressions
 * parsed (the loader's reader parses them while checking them).
 */
export function compiled(definition: EndpointDefinition): CompiledEndpoint {
  const parsed = (text: string | undefined) =>
    text === undefined ? undefined : { expression: JsonataExpression.parse(text) };
  const expressions = {
    sources: definition.sources.map(({ when, transform }) => ({
      when: parsed(when),
      transform: parsed(transform),
    })),
    transform: parsed(definition.transform),
  };
  return compileEndpoints([{ definition, expressions }])[0];
}

export const answerAfter = (ms: number, value: unknown): Observable<unknown> =>
  timer(ms).pipe(map(() => value));

export const failAfter = (ms: number, error: unknown): Observable<never> =>
  timer(ms).pipe(
    map(() => {
      throw error;
    }),
  );

export const unavailable = (source: string) =>
  new DownstreamError(source, 'unavailable', `${source} is unavailable: connect ECONNREFUSED`);

interface CallEvent {
  source: string;
  startedAt: number;
  endedAt?: number;
  signal: AbortSignal;
}

/**
 * An adapter of type `fake` whose answer to each call is scripted per source; it records each
 * call and when it ran, relative to the adapter's creation.
 */
export class FakeAdapter implements SourceAdapter {
  readonly type = 'fake';
  readonly calls: SourceCall[] = [];
  readonly events: CallEvent[] = [];
  private readonly origin = performance.now();
  private inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly answers: Record<string, (call: SourceCall, attempt: number) => Observable<unknown>>,
    private readonly repeatable = true,
  ) {}

  idempotent(): boolean {
    return this.repeatable;
  }

  execute(call: SourceCall): Observable<unknown> {
    return defer(() => {
      this.calls.push(call);
      const event: CallEvent = { source: call.source, startedAt: this.now(), signal: call.context.signal };
      this.events.push(event);
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const attempt = this.calls.filter(({ source }) => source === call.source).length;
      return this.answers[call.source](call, attempt).pipe(
        tap(() => (event.endedAt = this.now())),
        finalize(() => (this.inFlight -= 1)),
      );
    });
  }

  /** The first call of `source`. */
  event(source: string): CallEvent {
    const found = this.events.find((event) => event.source === source);
    if (!found) throw new Error(`${source} was never called`);
    return found;
  }

  private now(): number {
    return performance.now() - this.origin;
  }
}

export function contextOf(fields: Partial<SourceCallContext> = {}): SourceCallContext {
  return {
    requestId: 'request-1',
    executionId: 'execution-1',
    deadline: Date.now() + 5000,
    signal: new AbortController().signal,
    sections: { settings: {}, compiled: {} },
    ...fields,
  };
}

/** An executor with its own cache, and a shorthand to run an endpoint to its outcome. */
export function executorOf(cache = new SourceResultCache()) {
  const executor = new EndpointExecutor(cache);
  /** A definition is compiled first; a spec that times a deadline passes one compiled beforehand. */
  const run = (
    endpoint: EndpointDefinition | CompiledEndpoint,
    adapter: SourceAdapter,
    params: Record<string, unknown> = {},
    context: SourceCallContext = contextOf(),
  ): Promise<ExecutionOutcome> =>
    firstValueFrom(
      executor.execute(
        'plan' in endpoint ? endpoint : compiled(endpoint),
        { params },
        context,
        new Map([[adapter.type, adapter]]),
      ),
    );
  return { executor, run };
}
