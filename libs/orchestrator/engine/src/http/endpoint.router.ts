import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { UPLOAD_MAX_BYTES } from '@libs/core/config';
import { AUDIO_SIGNATURE_BYTES } from '@libs/core/contracts';
import { MultipartForm, invalidRequest, requestIdOf, type FileHead } from '@libs/core/http';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Observable, firstValueFrom, from, ignoreElements, merge } from 'rxjs';
import { EndpointExecutionError } from '../execution/execution.error';
import { EndpointExecutor, type ExecutionOutcome } from '../execution/endpoint.executor';
import {
  qualifiedName,
  type EndpointDefinition,
  type ExecutionRecord,
  type RequestParameter,
} from '../model';
import { referencesIn } from '../references';
import { EXECUTION_STORE, type ExecutionStore } from '../tracking/execution.store';
import { requireToken } from './admin-token.guard';
import { ConfigurationState } from './configuration.state';
import { fieldErrorsOf, type LiveConfiguration, type RouteMatch } from './live-configuration';
import { SourceAdapterRegistry } from '../config/source-adapter.registry';

export const EXECUTION_ID_HEADER = 'x-execution-id';
export const DEGRADED_SOURCES_HEADER = 'x-degraded-sources';
export const CONFIG_VERSION_HEADER = 'x-config-version';
/** `?_trace=true` returns the execution's trace in the body's `_meta`. */
export const TRACE_QUERY = '_trace';

/**
 * Serves the YAML endpoints of the live configuration. It is middleware rather than controllers
 * because the routes change with every reload, without a restart. A request is matched against
 * the configuration current when it arrives and runs on it to the end.
 */
@Injectable()
export class EndpointRouter implements NestMiddleware {
  private readonly uploadMaxBytes: number;

  constructor(
    config: ConfigService,
    private readonly state: ConfigurationState,
    private readonly executor: EndpointExecutor,
    private readonly registry: SourceAdapterRegistry,
    @Inject(EXECUTION_STORE) private readonly store: ExecutionStore,
  ) {
    this.uploadMaxBytes = config.getOrThrow<number>(UPLOAD_MAX_BYTES);
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const live = this.state.current;
    // Mounted on every path, this middleware sees `req.path` relative to its mount point.
    const route = live.match(req.method, new URL(req.originalUrl, 'http://orchestrator').pathname);
    if (!route) return next();
    // The trace holds the parameters of every source: it needs the same token as the records.
    if (req.query[TRACE_QUERY] === 'true') requireToken(req.headers, live.snapshot.settings, 'read');
    const { params, formRest } = await this.requestParams(req, res, route);
    const outcome = await this.run(live, route.endpoint, params, req, res, formRest);
    res.status(200).json(this.bodyOf(outcome, req));
  }

  private async requestParams(req: Request, res: Response, { endpoint, pathParams, validate }: RouteMatch) {
    const input: Record<string, unknown> = {};
    const files = endpoint.request.filter((parameter) => parameter.type === 'file');
    const { fields: form, rest: formRest } =
      files.length > 0
        ? await this.readFormUntilFile(req, res, endpoint)
        : { fields: undefined, rest: undefined };
    const repeated: RequestParameter[] = [];
    for (const parameter of endpoint.request) {
      const value =
        parameter.in === 'path'
          ? pathParams[parameter.name]
          : parameter.in === 'query'
            ? queryValue(req.query[parameter.name], parameter, repeated)
            : parameter.in === 'header'
              ? req.headers[parameter.name.toLowerCase()]
              : (form ?? (req.body as Record<string, unknown> | undefined))?.[parameter.name];
      if (value !== undefined) input[parameter.name] = value;
    }
    const missingFiles = files.filter((file) => file.required && input[file.name] === undefined);
    const valid = validate(input);
    if (!valid || missingFiles.length > 0 || repeated.length > 0) {
      throw invalidRequest([
        ...repeated.map(({ name, type }) => ({
          field: name,
          errors: [
            `${name} is given more than once; expected one ${type} (a parameter declared type: array takes several)`,
          ],
        })),
        ...fieldErrorsOf(validate.errors ?? []).filter(
          ({ field }) => !repeated.some(({ name }) => name === field),
        ),
        ...missingFiles.map(({ name }) => ({ field: name, errors: [`${name} is required: a file part`] })),
      ]);
    }
    return { params: input, formRest };
  }

  private async run(
    live: LiveConfiguration,
    endpoint: EndpointDefinition,
    params: Record<string, unknown>,
    req: Request,
    res: Response,
    formRest?: Promise<void>,
  ): Promise<ExecutionOutcome & { executionId: string }> {
    const { snapshot } = live;
    const executionId = randomUUID();
    const requestId = requestIdOf(req);
    const started = Date.now();
    res.setHeader(EXECUTION_ID_HEADER, executionId);
    res.setHeader(CONFIG_VERSION_HEADER, snapshot.version);
    const cancel = new AbortController();
    const abandon = () => {
      if (!res.writableFinished) cancel.abort();
    };
    res.once('close', abandon);
    const record = (
      fields: Pick<ExecutionRecord, 'status' | 'statusCode' | 'degraded' | 'sources' | 'warnings'>,
    ) =>
      this.store.save({
        id: executionId,
        requestId,
        endpoint: qualifiedName(endpoint),
        configVersion: snapshot.version,
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        ...fields,
      });
    try {
      const outcome = await firstValueFrom(
        untilAborted(
          failingWith(
            formRest,
            this.executor.execute(
              endpoint,
              { params },
              {
                requestId,
                executionId,
                signal: cancel.signal,
                deadline: started + snapshot.settings.requestDeadlineMs,
                sections: snapshot.sections,
              },
              this.registry.adapters,
            ),
          ),
          cancel.signal,
        ),
      );
      if (outcome.degraded.length > 0) res.setHeader(DEGRADED_SOURCES_HEADER, outcome.degraded.join(','));
      await record({
        status: outcome.status,
        statusCode: 200,
        degraded: outcome.degraded,
        sources: outcome.sources,
        warnings: outcome.warnings,
      });
      return { ...outcome, executionId };
    } catch (error) {
      if (error instanceof EndpointExecutionError) {
        await record({
          status: 'failed',
          statusCode: error.status,
          degraded: error.degraded,
          sources: error.sources,
          warnings: [],
        });
      }
      throw error;
    } finally {
      res.off('close', abandon);
    }
  }

  /**
   * The fields of a multipart form up to its first file, with that file as a live stream
   * (`{ stream, filename, mimeType }`), so that the upload is passed on while it arrives; the
   * rest of the form is read meanwhile and its fields are not waited for. The file is checked
   * by the adapters of the sources it goes to (`SourceAdapter.checkFile`) before it is taken.
   */
  private async readFormUntilFile(
    req: Request,
    res: Response,
    endpoint: EndpointDefinition,
  ): Promise<{ fields: Record<string, unknown>; rest?: Promise<void> }> {
    const fileFields = endpoint.request.filter(({ type }) => type === 'file').map(({ name }) => name);
    const form = MultipartForm.open(req, res, {
      fileMaxBytes: this.uploadMaxBytes,
      fileFields,
      headBytes: AUDIO_SIGNATURE_BYTES,
      checkFile: (file) => this.fileProblem(endpoint, file),
    });
    // Whatever happens to the request, reading stops with its answer.
    res.once('close', () => form.abandon());
    const fields: Record<string, unknown> = Object.create(null);
    for (let part = await form.next(); part; part = await form.next()) {
      if (part.kind === 'field') {
        fields[part.name] = part.value;
        continue;
      }
      fields[part.name] = { stream: part.stream, filename: part.filename, mimeType: part.mimeType };
      // The rest streams on while the sources run; a fault in it fails the request (`failingWith`).
      const rest = (async () => {
        while (await form.next());
      })();
      rest.catch(() => undefined);
      return { fields: { ...fields }, rest };
    }
    return { fields: { ...fields } };
  }

  /** Why the adapters a file goes to would not take it, if any would not. */
  private fileProblem(endpoint: EndpointDefinition, file: FileHead): string | undefined {
    const readers = endpoint.sources.filter((source) =>
      referencesIn(source.params).some(({ root, path }) => root === 'request' && path[0] === file.field),
    );
    for (const { type } of readers) {
      const problem = this.registry.adapters.get(type)?.checkFile?.(file);
      if (problem) return problem;
    }
    return undefined;
  }

  /**
   * The mapped response; an object also carries `_meta` when there is something to say (degraded
   * sources, mapped fields that found no value) or the trace was asked for.
   */
  private bodyOf(outcome: ExecutionOutcome & { executionId: string }, req: Request): unknown {
    const wantsTrace = req.query[TRACE_QUERY] === 'true';
    const { degraded, warnings } = outcome;
    if (!isPlainObject(outcome.body) || (degraded.length === 0 && warnings.length === 0 && !wantsTrace)) {
      return outcome.body;
    }
    return {
      ...outcome.body,
      _meta: {
        execution_id: outcome.executionId,
        degraded,
        ...(warnings.length > 0 && { warnings }),
        ...(wantsTrace ? { sources: outcome.sources } : {}),
      },
    };
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A query parameter's value: a list when it is declared an array, however often it is given;
 * else one value, and a parameter given more than once is noted in `repeated` and left out.
 */
function queryValue(value: unknown, parameter: RequestParameter, repeated: RequestParameter[]): unknown {
  if (value === undefined) return undefined;
  if (parameter.type === 'array') return Array.isArray(value) ? value : [value];
  if (!Array.isArray(value)) return value;
  repeated.push(parameter);
  return undefined;
}

/**
 * `execution`, failed with the client's own error as soon as the rest of its form fails (a
 * truncated upload, a file over the limit), whatever its sources are doing meanwhile.
 */
function failingWith<T>(formRest: Promise<void> | undefined, execution: Observable<T>): Observable<T> {
  return formRest ? merge(execution, from(formRest).pipe(ignoreElements())) : execution;
}

/** Unsubscribes (and so cancels every source) when the client goes away. */
function untilAborted<T>(source: Observable<T>, signal: AbortSignal): Observable<T> {
  return new Observable<T>((subscriber) => {
    const subscription = source.subscribe(subscriber);
    const stop = () => subscription.unsubscribe();
    signal.addEventListener('abort', stop, { once: true });
    return () => {
      signal.removeEventListener('abort', stop);
      subscription.unsubscribe();
    };
  });
}
