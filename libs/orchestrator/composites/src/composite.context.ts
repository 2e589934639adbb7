import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { invalidRequest } from '@libs/core/http';
import type { SourceAdapter, SourceCallContext } from '@libs/core/sources';
import {
  ConfigurationState,
  EndpointExecutor,
  SourceAdapterRegistry,
  fieldErrorsOf,
  type LiveConfiguration,
} from '@libs/orchestrator/engine';
import { randomUUID } from 'node:crypto';
import { Observable, defer, map } from 'rxjs';
import type { CompositeCaller } from './composite-caller.decorator';

/**
 * One run of a composite: the configuration that was live when it began, one deadline and one
 * signal for everything it calls, so that a reload never changes a run in flight (a YAML request
 * keeps its configuration too).
 */
export class CompositeRun {
  /** What the adapters a composite calls directly are given. */
  readonly context: SourceCallContext;

  constructor(
    private readonly live: LiveConfiguration,
    private readonly executor: EndpointExecutor,
    private readonly adapters: ReadonlyMap<string, SourceAdapter>,
    { requestId, signal }: CompositeCaller,
  ) {
    const { settings, sections } = live.snapshot;
    this.context = {
      requestId,
      executionId: randomUUID(),
      signal,
      deadline: Date.now() + settings.requestDeadlineMs,
      sections,
    };
  }

  /**
   * The answer of the YAML endpoint `domain.name` for `params`, as its route would give it: the
   * params checked by its request schema (a 400 listing what is wrong), its sources run under
   * this run's deadline and signal, its response mapped. A composite that builds on an endpoint
   * reads the endpoint's rules from its YAML, never from a copy of them.
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
      if (!found.validate(request)) throw invalidRequest(fieldErrorsOf(found.validate.errors ?? []));
      return this.executor
        .execute(found.endpoint, { params: request }, this.context, this.adapters)
        .pipe(map(({ body }) => body));
    });
  }

  /** The request schema of the YAML endpoint `domain.name`, for bounds a composite must respect. */
  requestParameter(domain: string, name: string, parameter: string): Record<string, unknown> | undefined {
    return this.live.endpoint(domain, name)?.endpoint.request.find((declared) => declared.name === parameter)
      ?.schema;
  }
}

/** Begins the runs of composites, from the engine's live configuration. */
@Injectable()
export class CompositeContext {
  constructor(
    private readonly configuration: ConfigurationState,
    private readonly executor: EndpointExecutor,
    private readonly registry: SourceAdapterRegistry,
  ) {}

  begin(caller: CompositeCaller): CompositeRun {
    return new CompositeRun(this.configuration.current, this.executor, this.registry.adapters, caller);
  }
}
