import { HttpException } from '@nestjs/common';
import { DownstreamError, maskSecrets } from '@libs/core/http';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
]);
const TIMEOUT_CODES = new Set([
  'ECONNABORTED',
  'ETIMEDOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
/** A downstream refusing the orchestrator's own credentials: not the client's fault. */
const CREDENTIAL_STATUSES = new Set([401, 403, 407]);
const DETAIL_MAX_LENGTH = 500;

interface HttpLikeError {
  code?: string;
  message?: string;
  cause?: unknown;
  response?: { status?: number; statusText?: string; data?: unknown };
}

/**
 * The client's own fault hidden in what a call failed with: an upload the client cut short,
 * a form it got wrong, a file over the limit. Such a failure is answered as the client's 4xx,
 * is never retried and never counts against the downstream's circuit breaker.
 */
export function clientFaultIn(error: unknown): HttpException | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 8; depth++) {
    if (current instanceof HttpException && current.getStatus() < 500) return current;
    current = (current as HttpLikeError).cause;
  }
  return undefined;
}

/**
 * Classifies what a client library threw (axios, fetch) into a DownstreamError, so that every
 * backend reports the same failure with the same status. Its message is in the orchestrator's
 * words (the kind, the source, the downstream's status); what the downstream said goes to
 * `detail`, cut short and with every configured secret masked.
 */
export function toDownstreamError(source: string, error: unknown): DownstreamError {
  if (error instanceof DownstreamError) return error;
  const failure = (error ?? {}) as HttpLikeError;
  const detail = detailOf(failure);
  const status = failure.response?.status;
  const options = { cause: error, detail };
  if (status !== undefined) {
    if (status >= 500) {
      return new DownstreamError(source, 'bad-gateway', `${source} failed with HTTP ${status}`, options);
    }
    if (status < 400) {
      // A 2xx whose body could not be read is the downstream's fault as much as a 5xx is.
      return new DownstreamError(
        source,
        'bad-gateway',
        `${source} answered HTTP ${status} with a body that cannot be read`,
        options,
      );
    }
    if (CREDENTIAL_STATUSES.has(status)) {
      return new DownstreamError(
        source,
        'bad-gateway',
        `${source} refused the orchestrator's credentials (HTTP ${status})`,
        { ...options, retryable: false },
      );
    }
    if (status === 429) {
      // Asked to slow down: trying again at once would only add to the load.
      return new DownstreamError(source, 'unavailable', `${source} is overloaded (HTTP 429)`, {
        ...options,
        retryable: false,
      });
    }
    return new DownstreamError(source, 'rejected', `${source} rejected the request (HTTP ${status})`, {
      ...options,
      downstreamStatus: status,
    });
  }
  const code = failure.code ?? (failure.cause as HttpLikeError | undefined)?.code;
  if (code && TIMEOUT_CODES.has(code)) {
    return new DownstreamError(source, 'timeout', `${source} did not answer in time (${code})`, options);
  }
  if (code && UNREACHABLE_CODES.has(code)) {
    return new DownstreamError(source, 'unavailable', `${source} is unavailable (${code})`, options);
  }
  const exceeded = /maxContentLength size of (\d+) exceeded/.exec(failure.message ?? '');
  if (exceeded) {
    return new DownstreamError(source, 'bad-gateway', `${source} answered more than ${exceeded[1]} bytes`, {
      ...options,
      retryable: false,
    });
  }
  if (isUnparseable(error)) {
    return new DownstreamError(
      source,
      'bad-gateway',
      `${source} answered a body that is not valid JSON`,
      options,
    );
  }
  return new DownstreamError(
    source,
    'bad-gateway',
    `${source} call failed${code ? ` (${code})` : ''}`,
    options,
  );
}

const isUnparseable = (error: unknown): boolean =>
  error instanceof SyntaxError || (error as HttpLikeError).cause instanceof SyntaxError;

/** What the downstream said (its error body, else the library's message), for logs and records. */
function detailOf(failure: HttpLikeError): string | undefined {
  const said = messageOf(failure.response?.data) ?? failure.message;
  if (!said) return undefined;
  const masked = maskSecrets(said);
  return masked.length > DETAIL_MAX_LENGTH ? `${masked.slice(0, DETAIL_MAX_LENGTH)}…` : masked;
}

/** Reads the message of the error bodies our downstreams speak: ours, OpenAI's, FastAPI's, OIP's. */
function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body || undefined;
  if (Buffer.isBuffer(body)) return body.toString('utf8', 0, DETAIL_MAX_LENGTH * 2) || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  for (const candidate of [
    record['message'],
    (record['error'] as Record<string, unknown>)?.['message'],
    record['error'],
    record['detail'],
  ]) {
    if (typeof candidate === 'string') return candidate;
  }
  return JSON.stringify(body);
}
