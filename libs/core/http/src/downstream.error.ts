import { HttpStatus } from '@nestjs/common';

/**
 * How a call to a downstream service failed. The kind alone decides the status the caller
 * sees, so that every backend maps failures the same way.
 */
export type DownstreamFailureKind =
  | 'unavailable' // connection refused/reset, DNS failure, open circuit → 503
  | 'timeout' // no answer within the deadline → 504
  | 'bad-gateway' // downstream 5xx or a body we cannot understand → 502
  | 'rejected'; // downstream 4xx caused by the caller's request → passed on

const STATUS_BY_KIND: Record<Exclude<DownstreamFailureKind, 'rejected'>, number> = {
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  timeout: HttpStatus.GATEWAY_TIMEOUT,
  'bad-gateway': HttpStatus.BAD_GATEWAY,
};

export class DownstreamError extends Error {
  readonly status: number;
  /**
   * What the downstream said, cut short and its secrets masked: for logs and execution records,
   * never for the client, whose `message` is in the orchestrator's own words.
   */
  readonly detail?: string;
  /**
   * Whether trying again may succeed: a refused connection, a timeout or a 5xx may pass, the
   * downstream refusing the orchestrator's credentials, asking it to slow down or answering too
   * much will not. A rejection (the caller's 4xx) never is.
   */
  readonly retryable: boolean;

  constructor(
    readonly source: string,
    readonly kind: DownstreamFailureKind,
    message: string,
    options: { downstreamStatus?: number; cause?: unknown; detail?: string; retryable?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'DownstreamError';
    if (options.detail) this.detail = options.detail;
    this.retryable = kind !== 'rejected' && (options.retryable ?? true);
    this.status =
      kind === 'rejected' ? (options.downstreamStatus ?? HttpStatus.BAD_REQUEST) : STATUS_BY_KIND[kind];
  }

  /**
   * The same failure told of another source (a YAML source named after what it calls), or
   * with other words or details: its kind, status, detail and whether to retry are kept.
   */
  restated(changes: { source?: string; message?: string; detail?: string }): DownstreamError {
    return new DownstreamError(changes.source ?? this.source, this.kind, changes.message ?? this.message, {
      downstreamStatus: this.status,
      cause: this,
      detail: changes.detail ?? this.detail,
      retryable: this.retryable,
    });
  }
}
