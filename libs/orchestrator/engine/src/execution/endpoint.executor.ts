import { Injectable } from '@nestjs/common';
import { DownstreamError } from '@libs/core/http';
import { sourceCalls } from '@libs/core/metrics';
import type { SourceAdapter, SourceCallContext } from '@libs/core/sources';
import { currentTraceParent } from '@libs/core/tracing';
import { Observable, catchError, defer, forkJoin, map, of, shareReplay, switchMap, throwError } from 'rxjs';
import { qualifiedName, type CompiledEndpoint, type ExecutionStatus, type SourceTrace } from '../model';
import type { MissingValue } from '../references';
import { EndpointExecutionError } from './execution.error';
import type { ExecutionPlan } from './execution.plan';
import { SourceExecution, type SourceEnvironment } from './source.execution';
import { SourceResultCache } from './source-result.cache';

export interface ExecutionRequest {
  /** The request's validated params, by name. */
  params: Record<string, unknown>;
}

export interface ExecutionOutcome {
  /** The mapped (and transformed) response. */
  body: unknown;
  /** `degraded` when an optional source failed and its default stood in. */
  status: Exclude<ExecutionStatus, 'failed'>;
  /** The optional sources that failed, in declaration order. */
  degraded: string[];
  /** One trace per source, in declaration order. */
  sources: SourceTrace[];
  /**
   * What the response lacks although its sources answered: a mapped field whose reference found
   * no value in a source that succeeded (its value is null). Known only at run time when the
   * source's shape was not known at load.
   */
  warnings: string[];
}

/** The name failures of the response's own transform are reported under. */
export const RESPONSE_SOURCE = 'response_mapping';

type Scope = Record<string, unknown>;

const allOf = (results: Observable<unknown>[]): Observable<unknown[]> =>
  results.length > 0 ? forkJoin(results) : of([]);

const scopeOf = (params: Record<string, unknown>, names: readonly string[], results: unknown[]): Scope => ({
  request: params,
  ...Object.fromEntries(names.map((name, index) => [name, results[index]])),
});

/**
 * Runs YAML endpoints. Each source is an Observable that waits for the sources it reads (each
 * result shared, computed once) and starts as soon as they resolve, so independent sources run
 * concurrently. A required source's failure ends the execution at once and cancels what is in
 * flight; unsubscribing does the same.
 */
@Injectable()
export class EndpointExecutor {
  constructor(private readonly cache: SourceResultCache) {}

  /**
   * Runs the plan the loader compiled for the endpoint. Emits the outcome once and completes, or
   * errors with an `EndpointExecutionError` naming the source that failed. A source type without
   * an adapter is a plain Error: the configuration loader should have refused it.
   */
  execute(
    { plan }: CompiledEndpoint,
    request: ExecutionRequest,
    context: SourceCallContext,
    adapters: ReadonlyMap<string, SourceAdapter>,
  ): Observable<ExecutionOutcome> {
    const { endpoint } = plan;
    return defer(() => {
      // Subscribed in the request's context: every source's span hangs under its server span,
      // whenever the source starts.
      const traceParent = currentTraceParent();
      const endpointName = qualifiedName(endpoint);
      const executions = new Map(
        plan.sources.map((planned) => {
          const { name, type } = planned.definition;
          const adapter = adapters.get(type);
          if (!adapter)
            throw new Error(`no adapter is registered for type ${type} (source ${name} of ${endpointName})`);
          const environment: SourceEnvironment = {
            adapter,
            context,
            cache: this.cache,
            sensitive: endpoint.sensitive,
            endpoint: endpointName,
            traceParent,
          };
          return [name, new SourceExecution(planned, environment)] as const;
        }),
      );
      const results = new Map<string, Observable<unknown>>();
      for (const { definition, dependsOn } of plan.sources) {
        const execution = executions.get(definition.name) as SourceExecution;
        const inputs = dependsOn.map((name) => results.get(name) as Observable<unknown>);
        results.set(
          definition.name,
          allOf(inputs).pipe(
            switchMap((values) => execution.run(scopeOf(request.params, dependsOn, values))),
            shareReplay({ bufferSize: 1, refCount: true }),
          ),
        );
      }

      const declared = endpoint.sources.map(({ name }) => executions.get(name) as SourceExecution);
      // Called once, when the execution ends either way: what each source did is also reported then.
      const traces = () => {
        if (sourceCalls.hasSubscribers) {
          const name = qualifiedName(endpoint);
          for (const execution of declared) sourceCalls.publish(execution.observation(name));
        }
        return declared.map((execution) => execution.trace());
      };
      const degraded = () => declared.filter(({ status }) => status === 'degraded').map(({ name }) => name);
      const names = [...results.keys()];
      // A value missing from a source that failed or was skipped is its default's doing, and the
      // execution says so already (`degraded`, the traces); from one that answered, it is news.
      const answered = (source: string) => executions.get(source)?.status === 'ok';
      return allOf([...results.values()]).pipe(
        switchMap((values) => this.respond(plan, scopeOf(request.params, names, values), answered)),
        map(({ body, warnings }): ExecutionOutcome => {
          const degradedSources = degraded();
          return {
            body,
            status: degradedSources.length > 0 ? 'degraded' : 'ok',
            degraded: degradedSources,
            sources: traces(),
            warnings,
          };
        }),
        catchError((error: unknown) =>
          throwError(() =>
            error instanceof DownstreamError
              ? new EndpointExecutionError(error, traces(), degraded())
              : error,
          ),
        ),
      );
    });
  }

  /**
   * The response: the primary source's result when there is no mapping (every result by name
   * when there is no primary source either), else the mapping with its references resolved (a
   * missing value is null, and a warning when its source answered); then the endpoint's transform.
   */
  private respond(
    { endpoint, responseMapping, transform }: ExecutionPlan,
    scope: Scope,
    answered: (source: string) => boolean,
  ): Observable<{ body: unknown; warnings: string[] }> {
    const { primarySource } = endpoint;
    const { request: _request, ...results } = scope;
    let body: unknown;
    let warnings: string[] = [];
    if (responseMapping) {
      const mapped = responseMapping.resolveMapping(scope);
      body = mapped.value;
      warnings = mapped.missing.filter(({ reference }) => answered(reference.root)).map(describeMissing);
    } else {
      body = primarySource !== undefined ? results[primarySource] : results;
    }
    if (!transform) return of({ body, warnings });
    // A transform that fails at run time is a configuration bug met by this request's data; it is
    // reported like a failed source (502), named after the response, rather than as an opaque 500.
    return transform.evaluate(body, scope).pipe(
      map((transformed) => ({ body: transformed, warnings })),
      catchError((error: Error) =>
        throwError(
          () =>
            new DownstreamError(
              RESPONSE_SOURCE,
              'bad-gateway',
              `the response transform of ${qualifiedName(endpoint)} failed: ${error.message}`,
              { cause: error },
            ),
        ),
      ),
    );
  }
}

/** `profile.id: $customer.customer_id found no value in the result of customer; it is null`. */
function describeMissing({ at, reference }: MissingValue): string {
  const field = at.reduce<string>(
    (text, step) => (typeof step === 'number' ? `${text}[${step}]` : text ? `${text}.${step}` : step),
    '',
  );
  const stands = reference.text.startsWith('${') ? 'empty text stands for it' : 'it is null';
  return `${field || 'the response'}: ${reference.text} found no value in the result of ${reference.root}; ${stands}`;
}
