import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { invalidRequest } from '@libs/core/http';
import type { SourceCallContext } from '@libs/core/sources';
import {
  ConfigurationState,
  ExecutionRecorder,
  fieldErrorsOf,
  qualifiedName,
  responseBodyOf,
  traceRequested,
  type ExecutionRecording,
  type LiveConfiguration,
} from '@libs/orchestrator/engine';
import { Observable, defer, map } from 'rxjs';
import type { CompositeCaller } from './composite-caller.decorator';

/**
 * The domain composites are recorded under: the composite `credit_limit` is
 * `composites.credit_limit` in execution records, as a YAML endpoint is `<domain>.<name>`.
 * Its routes are under `/composites`, which YAML endpoints cannot take.
 */
export const COMPOSITES_DOMAIN = 'composites';

/**
 * One run of a composite: the configuration that was live when it began, and one execution
 * (one deadline, one signal, one record) for everything it calls, so that a reload never
 * changes a run in flight (a YAML request keeps its configuration too).
 */
export class CompositeRun {
  constructor(
    private readonly live: LiveConfiguration,
    private readonly recording: ExecutionRecording,
  ) {}

  /** What the adapters a composite calls directly are given. */
  get context(): SourceCallContext {
    return this.recording.context;
  }

  /**
   * The answer of the YAML endpoint `domain.name` for `params`, as its route would give it: the
   * params checked by its request schema (a 400 listing what is wrong), its sources run under
   * this run's deadline and signal, its response mapped; what its sources did joins the run's
   * record. A composite that builds on an endpoint reads the endpoint's rules from its YAML,
   * never from a copy of them.
   */
  endpoint(domain: string, name: string, params: Record<string, unknown>): Observable<unknown> {
    return defer(() => {
      const found = this.live.endpoint(domain, name);
      if (!found) {
        throw new ServiceUnavailableException(
          `the YAML endpoint ${domain}.${name} is not in the serving configuration (version ${this.live.snapshot.version})`,
        );
      }
      const request = { ...params };
      const { validateRequest } = found;
      if (!validateRequest(request)) throw invalidRequest(fieldErrorsOf(validateRequest.errors ?? []));
      return this.recording.execute(found, { params: request }).pipe(map(({ body }) => body));
    });
  }

  /** The request schema of the YAML endpoint `domain.name`, for bounds a composite must respect. */
  requestParameter(domain: string, name: string, parameter: string): Record<string, unknown> | undefined {
    return this.live
      .endpoint(domain, name)
      ?.definition.request.find((declared) => declared.name === parameter)?.schema;
  }
}

/** Runs composites on the engine's live configuration, each as one recorded execution. */
@Injectable()
export class CompositeContext {
  constructor(
    private readonly configuration: ConfigurationState,
    private readonly recorder: ExecutionRecorder,
  ) {}

  /**
   * Runs `work` as the composite `name` for `caller`, as the engine runs a YAML endpoint: one
   * execution record `composites.<name>` (`GET /executions/:id`), holding what the sources of
   * every endpoint it ran did; `X-Execution-Id`, `X-Config-Version` and `X-Degraded-Sources` on
   * the answer; `_meta` in an object answer when sources fell back, and the trace inline with
   * `?_trace=true` and the read token. The first value `work` emits is the answer.
   * A composite run from code, without a caller's HTTP exchange, is recorded all the same.
   */
  run<T>(name: string, caller: CompositeCaller, work: (run: CompositeRun) => Observable<T>): Observable<T> {
    return defer(() => {
      const live = this.configuration.current;
      const { snapshot } = live;
      const { requestId, signal, http } = caller;
      const withTrace = http !== undefined && traceRequested(http.request, snapshot.settings);
      const options = {
        name: qualifiedName({ domain: COMPOSITES_DOMAIN, name }),
        snapshot,
        requestId,
        signal,
        response: http?.response,
      };
      return this.recorder
        .record(options, (recording) => work(new CompositeRun(live, recording)))
        .pipe(map((recorded) => responseBodyOf(recorded, withTrace)));
    });
  }
}
