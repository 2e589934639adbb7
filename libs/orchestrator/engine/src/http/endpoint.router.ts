import {
  Inject,
  Injectable,
  NestMiddleware,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { UPLOAD_MAX_BYTES } from '@libs/core/config';
import { invalidRequest, requestIdOf } from '@libs/core/http';
import busboy from 'busboy';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Observable, firstValueFrom } from 'rxjs';
import { EndpointExecutionError } from '../execution/execution.error';
import { EndpointExecutor, type ExecutionOutcome } from '../execution/endpoint.executor';
import type { EndpointDefinition, ExecutionRecord } from '../model';
import { EXECUTION_STORE, type ExecutionStore } from '../tracking/execution.store';
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
    const params = await this.requestParams(req, route);
    const outcome = await this.run(live, route.endpoint, params, req, res);
    res.status(200).json(this.bodyOf(outcome, req));
  }

  private async requestParams(req: Request, { endpoint, pathParams, validate }: RouteMatch) {
    // An endpoint that declares no request takes the query and a JSON body's fields unchecked.
    if (endpoint.request.length === 0) {
      const body: unknown = req.body;
      return {
        ...(req.query as Record<string, unknown>),
        ...(isPlainObject(body) ? body : {}),
        ...pathParams,
      };
    }
    const input: Record<string, unknown> = {};
    const files = endpoint.request.filter((parameter) => parameter.type === 'file');
    const form = files.length > 0 ? await readMultipartUntilFile(req, this.uploadMaxBytes) : undefined;
    for (const parameter of endpoint.request) {
      const value =
        parameter.in === 'path'
          ? pathParams[parameter.name]
          : parameter.in === 'query'
            ? req.query[parameter.name]
            : parameter.in === 'header'
              ? req.headers[parameter.name.toLowerCase()]
              : (form ?? (req.body as Record<string, unknown> | undefined))?.[parameter.name];
      if (value !== undefined) input[parameter.name] = value;
    }
    const missingFiles = files.filter((file) => file.required && input[file.name] === undefined);
    const valid = validate(input);
    if (!valid || missingFiles.length > 0) {
      throw invalidRequest([
        ...fieldErrorsOf(validate.errors ?? []),
        ...missingFiles.map(({ name }) => ({ field: name, errors: [`${name} is required: a file part`] })),
      ]);
    }
    return input;
  }

  private async run(
    live: LiveConfiguration,
    endpoint: EndpointDefinition,
    params: Record<string, unknown>,
    req: Request,
    res: Response,
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
    const record = (fields: Pick<ExecutionRecord, 'status' | 'statusCode' | 'degraded' | 'sources'>) =>
      this.store.save({
        id: executionId,
        requestId,
        endpoint: endpoint.name,
        configVersion: snapshot.version,
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        ...fields,
      });
    try {
      const outcome = await firstValueFrom(
        untilAborted(
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
          cancel.signal,
        ),
      );
      if (outcome.degraded.length > 0) res.setHeader(DEGRADED_SOURCES_HEADER, outcome.degraded.join(','));
      await record({
        status: outcome.status,
        statusCode: 200,
        degraded: outcome.degraded,
        sources: outcome.sources,
      });
      return { ...outcome, executionId };
    } catch (error) {
      if (error instanceof EndpointExecutionError) {
        await record({
          status: 'failed',
          statusCode: error.status,
          degraded: error.degraded,
          sources: error.sources,
        });
      }
      throw error;
    } finally {
      res.off('close', abandon);
    }
  }

  /**
   * The mapped response; an object also carries `_meta` when there is something to say (degraded
   * sources) or the trace was asked for.
   */
  private bodyOf(outcome: ExecutionOutcome & { executionId: string }, req: Request): unknown {
    const wantsTrace = req.query[TRACE_QUERY] === 'true';
    if (!isPlainObject(outcome.body) || (outcome.degraded.length === 0 && !wantsTrace)) return outcome.body;
    return {
      ...outcome.body,
      _meta: {
        execution_id: outcome.executionId,
        degraded: outcome.degraded,
        ...(wantsTrace ? { sources: outcome.sources } : {}),
      },
    };
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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

/** The rest of a refused upload is not read: the connection closes after the answer. */
function closeAfterAnswer(req: Request): void {
  req.res?.setHeader('Connection', 'close');
}

/**
 * The fields of a multipart form up to its first file, with that file as a live stream
 * (`{ stream, filename, mimeType }`), so that the upload is passed on while it arrives; the
 * fields after the file are not waited for.
 */
function readMultipartUntilFile(req: Request, maxBytes: number): Promise<Record<string, unknown>> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(new UnsupportedMediaTypeException('Send this endpoint a multipart/form-data body'));
  }
  // Refused before any of the body is read; a chunked upload meets the receiving service's own limit.
  const declaredBytes = Number(req.headers['content-length']);
  if (declaredBytes > maxBytes) {
    closeAfterAnswer(req);
    return Promise.reject(
      new PayloadTooLargeException(
        `The upload (${declaredBytes} bytes) is larger than the limit of ${maxBytes} bytes`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const fields: Record<string, unknown> = {};
    const form = busboy({ headers: req.headers, limits: { files: 1 } });
    form.on('field', (name, value) => (fields[name] = value));
    form.on('file', (name, stream, { filename, mimeType }) =>
      resolve({ ...fields, [name]: { stream, filename, mimeType } }),
    );
    form.on('close', () => resolve(fields));
    form.on('error', reject);
    req.pipe(form);
  });
}
