import { HttpException, Inject, Injectable } from '@nestjs/common';
import { DownstreamError } from '@libs/core/http';
import type { SourceCallContext } from '@libs/core/sources';
import { activeTraceId } from '@libs/core/tracing';
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Observable, catchError, concatMap, defer, first, tap } from 'rxjs';
import { SourceAdapterRegistry } from '../config/source-adapter.registry';
import { EndpointExecutionError } from '../execution/execution.error';
import {
  EndpointExecutor,
  type ExecutionOutcome,
  type ExecutionRequest,
} from '../execution/endpoint.executor';
import {
  qualifiedName,
  type CompiledEndpoint,
  type ConfigurationSnapshot,
  type ExecutionRecord,
  type ExecutionStatus,
  type SourceTrace,
} from '../model';
import { EXECUTION_STORE, type ExecutionStore } from '../tracking/execution.store';

export const EXECUTION_ID_HEADER = 'x-execution-id';
export const DEGRADED_SOURCES_HEADER = 'x-degraded-sources';
export const CONFIG_VERSION_HEADER = 'x-config-version';

/** Who an execution works for, and on what. */
export interface RecordingOptions {
  /**
   * The record's `endpoint`: a YAML endpoint's qualified name (`customers.score_credit_risk`),
   * or a composite's (`composites.credit_limit`).
   */
  name: string;
  /** The configuration the execution runs on to its end, whatever a reload does meanwhile. */
  snapshot: ConfigurationSnapshot;
  requestId: string;
  /** Aborts what the execution's sources are doing (its caller went away). */
  signal: AbortSignal;
  /** The response the execution answers, for the headers that point to its record; none when run from code. */
  response?: ResponseHeaders;
}

/** What an execution answered, and what it did to answer it. */
export interface RecordedExecution<T> {
  executionId: string;
  body: T;
  status: Exclude<ExecutionStatus, 'failed'>;
  degraded: string[];
  sources: SourceTrace[];
  warnings: string[];
}

/** Where the execution's headers go: the Express response of the request it answers. */
export type ResponseHeaders = Pick<ServerResponse, 'setHeader'>;

/**
 * One execution being recorded: its id, the context every source it calls is given (one
 * deadline and one signal), and what the sources of every endpoint it runs did, in the order
 * the runs ended.
 */
export class ExecutionRecording {
  readonly id = randomUUID();
  readonly context: SourceCallContext;
  private readonly startedAt = Date.now();
  // Begun in the request it works for: the trace that request is part of, if it is traced.
  private readonly traceId = activeTraceId();
  private readonly sources: SourceTrace[] = [];
  // Sets: the same source of the same endpoint, run several times, falls back once as far as the record goes.
  private readonly degraded = new Set<string>();
  private readonly warnings = new Set<string>();

  constructor(
    private readonly options: RecordingOptions,
    private readonly executor: EndpointExecutor,
    private readonly registry: SourceAdapterRegistry,
  ) {
    const { requestId, signal, snapshot } = options;
    this.context = {
      requestId,
      executionId: this.id,
      signal,
      deadline: this.startedAt + snapshot.settings.requestDeadlineMs,
      sections: snapshot.sections,
    };
  }

  /**
   * Runs the YAML endpoint under this execution's context (`EndpointExecutor.execute`); what
   * its sources did joins the record, whether it answers or fails.
   */
  execute(endpoint: CompiledEndpoint, request: ExecutionRequest): Observable<ExecutionOutcome> {
    const ran = qualifiedName(endpoint.definition);
    return this.executor.execute(endpoint, request, this.context, this.registry.adapters).pipe(
      tap({
        next: (outcome) => this.add(ran, outcome),
        error: (error: unknown) => {
          if (error instanceof EndpointExecutionError) {
            this.add(ran, { sources: error.sources, degraded: error.degraded, warnings: [] });
          }
        },
      }),
    );
  }

  /** The summary of what every run did, once the execution answered. */
  answered<T>(body: T): RecordedExecution<T> {
    return {
      executionId: this.id,
      body,
      status: this.degraded.size > 0 ? 'degraded' : 'ok',
      degraded: [...this.degraded],
      sources: [...this.sources],
      warnings: [...this.warnings],
    };
  }

  record(status: ExecutionStatus, statusCode: number): ExecutionRecord {
    const { name, requestId, snapshot } = this.options;
    return {
      id: this.id,
      requestId,
      endpoint: name,
      configVersion: snapshot.version,
      startedAt: new Date(this.startedAt).toISOString(),
      durationMs: Date.now() - this.startedAt,
      status,
      statusCode,
      degraded: [...this.degraded],
      sources: [...this.sources],
      warnings: [...this.warnings],
      ...(this.traceId && { traceId: this.traceId }),
    };
  }

  /**
   * A run's traces, each labelled with the endpoint it belongs to. Its degraded sources and
   * warnings are named as that endpoint names them in a record of its own, and prefixed with
   * the endpoint in a record of something else (a composite) that ran it.
   */
  private add(ran: string, run: Pick<ExecutionOutcome, 'sources' | 'degraded' | 'warnings'>): void {
    const own = ran === this.options.name;
    for (const trace of run.sources) this.sources.push({ endpoint: ran, ...trace });
    for (const source of run.degraded) this.degraded.add(own ? source : `${ran}.${source}`);
    for (const warning of run.warnings) this.warnings.add(own ? warning : `${ran}: ${warning}`);
  }
}

/**
 * Executions as one record each, whatever runs them: the route of a YAML endpoint runs one
 * endpoint in it, a composite written in code as many as it needs. This is where the record
 * is written and the headers that point to it are set.
 */
@Injectable()
export class ExecutionRecorder {
  constructor(
    private readonly executor: EndpointExecutor,
    private readonly registry: SourceAdapterRegistry,
    @Inject(EXECUTION_STORE) private readonly store: ExecutionStore,
  ) {}

  /**
   * Runs `work` as one recorded execution. On the response it answers, `X-Execution-Id` and
   * `X-Config-Version` are set when it begins, `X-Degraded-Sources` when it answers. The
   * record is saved before the first value `work` emits is passed on, or its failure is: a
   * failure the caller is answered with a status for (a `DownstreamError`, an `HttpException`)
   * is recorded with it; anything else is a bug, which the error filter reports. An execution
   * unsubscribed before it ends (its caller went away) is not recorded: nobody got an answer.
   */
  record<T>(
    options: RecordingOptions,
    work: (recording: ExecutionRecording) => Observable<T>,
  ): Observable<RecordedExecution<T>> {
    return defer(() => {
      const { response } = options;
      const recording = new ExecutionRecording(options, this.executor, this.registry);
      response?.setHeader(EXECUTION_ID_HEADER, recording.id);
      response?.setHeader(CONFIG_VERSION_HEADER, options.snapshot.version);
      return work(recording).pipe(
        // The first value is the answer: what else `work` does (the rest of an upload read
        // through) is not waited for, and stops with it.
        first(),
        concatMap(async (body) => {
          const answered = recording.answered(body);
          if (answered.degraded.length > 0) {
            response?.setHeader(DEGRADED_SOURCES_HEADER, answered.degraded.join(','));
          }
          await this.store.save(recording.record(answered.status, 200));
          return answered;
        }),
        catchError(async (error: unknown) => {
          const statusCode = answeredStatusOf(error);
          if (statusCode !== undefined) await this.store.save(recording.record('failed', statusCode));
          throw error;
        }),
      );
    });
  }
}

/** The status a failure is answered with, when it is one the service means to answer. */
function answeredStatusOf(error: unknown): number | undefined {
  if (error instanceof DownstreamError) return error.status;
  if (error instanceof HttpException) return error.getStatus();
  return undefined;
}
