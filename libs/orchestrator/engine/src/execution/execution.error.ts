import { DownstreamError } from '@libs/core/http';
import type { SourceTrace } from '../model';

/**
 * A failed execution: the failure of the required source (or of the response transform) that
 * ended it, with the same source, kind and status, so that the error envelope maps it like any
 * downstream failure; and what every source did, for the execution record.
 */
export class EndpointExecutionError extends DownstreamError {
  constructor(
    failure: DownstreamError,
    readonly sources: SourceTrace[],
    readonly degraded: string[],
  ) {
    super(failure.source, failure.kind, failure.message, {
      downstreamStatus: failure.status,
      cause: failure,
      detail: failure.detail,
      retryable: failure.retryable,
    });
    this.name = 'EndpointExecutionError';
  }
}
