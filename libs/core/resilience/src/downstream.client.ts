import { Logger } from '@nestjs/common';
import { REQUEST_ID_HEADER } from '@libs/core/http';
import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import { performance } from 'node:perf_hooks';
import { Observable } from 'rxjs';
import type { DownstreamConfig } from './downstream.config';
import { CallOptions, DownstreamPolicy } from './downstream-policy';
import { toDownstreamError } from './failure';
import { downstreamDispatcher, undiciAdapter } from './undici.adapter';

/** What a call carries from the request that caused it. */
export interface CallContext {
  requestId?: string;
  /**
   * The caller repeats the call itself (a YAML source with its own `retry`), so the downstream's
   * own retries are off for it: one retry layer per call, never one inside another.
   */
  retriedByCaller?: boolean;
  /** Told of every request sent to the downstream, retries included (the trace's `attempts`). */
  onAttempt?(): void;
}

/**
 * Options for `HttpModule.register` shared by every downstream client: requests go through
 * undici (pooled keep-alive connections per origin, see `undiciAdapter`), and redirects are
 * answered, not followed.
 */
export function downstreamHttpOptions(): AxiosRequestConfig {
  return {
    adapter: undiciAdapter(downstreamDispatcher()),
    maxRedirects: 0,
    // Request bodies are bounded where they are read (uploads, JSON); answers per downstream.
    maxBodyLength: Infinity,
    // A body that is not the JSON it claims to be must fail, not arrive as a string.
    transitional: { silentJSONParsing: false, forcedJSONParsing: true, clarifyTimeoutError: true },
  };
}

/**
 * Every call to one downstream service goes through here: under its resilience policy, with
 * the caller's request id passed on, and one structured log line per attempt.
 */
export class DownstreamClient {
  readonly policy: DownstreamPolicy;
  private readonly logger: Logger;

  constructor(
    private readonly axios: AxiosInstance,
    readonly config: DownstreamConfig,
  ) {
    this.policy = new DownstreamPolicy(config.name, config.resilience);
    this.logger = new Logger(config.name);
  }

  request<T>(request: AxiosRequestConfig, context: CallContext, options: CallOptions): Observable<T> {
    const { idempotent } = options;
    return this.policy.call(async (signal, attempt) => {
      context.onAttempt?.();
      const started = performance.now();
      const call = { source: this.config.name, method: request.method ?? 'GET', path: request.url, attempt };
      try {
        const response = await this.axios.request<T>({
          ...request,
          baseURL: this.config.url,
          // The adapter counts the answer as it arrives and destroys the connection past the limit.
          maxContentLength: this.config.responseMaxBytes,
          // Parsed strictly, inside the attempt: a body that is not the JSON it claims to be is a
          // failure of this attempt (retried like a 5xx), not a string handed on.
          responseType: request.responseType ?? 'json',
          signal,
          headers: {
            ...request.headers,
            ...(context.requestId ? { [REQUEST_ID_HEADER]: context.requestId } : {}),
          },
        });
        this.logger.log({ downstream: { ...call, status: response.status, durationMs: elapsed(started) } });
        return response.data;
      } catch (error) {
        const failure = toDownstreamError(this.config.name, error);
        this.logger.warn({
          downstream: {
            ...call,
            status: (error as { response?: { status?: number } }).response?.status,
            durationMs: elapsed(started),
            error: failure.message,
            detail: failure.detail,
          },
        });
        throw error;
      }
      // A call its caller repeats is made once here.
    }, { idempotent: idempotent && !context.retriedByCaller });
  }

  /**
   * One GET of the service's health route, outside the breaker and without retries, so that
   * health reports what the service answers now. Resolves with the response time.
   */
  async probe(path = '/health'): Promise<number> {
    const started = performance.now();
    await this.axios.get(path, {
      baseURL: this.config.url,
      timeout: this.config.resilience.timeoutMs,
    });
    return elapsed(started);
  }
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;
