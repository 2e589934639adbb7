import { DownstreamError } from '@libs/core/http';

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

interface HttpLikeError {
  code?: string;
  message?: string;
  cause?: { code?: string };
  response?: { status?: number; data?: unknown };
}

/**
 * Classifies what a client library threw (axios, fetch) into a DownstreamError, so that every
 * backend reports the same failure with the same status.
 */
export function toDownstreamError(source: string, error: unknown): DownstreamError {
  if (error instanceof DownstreamError) return error;
  const failure = (error ?? {}) as HttpLikeError;
  const status = failure.response?.status;
  if (status !== undefined) {
    const detail = messageOf(failure.response?.data) ?? failure.message ?? `HTTP ${status}`;
    // A 2xx whose body could not be read is the downstream's fault as much as a 5xx is.
    return status >= 500 || status < 400
      ? new DownstreamError(source, 'bad-gateway', `${source} failed with HTTP ${status}: ${detail}`, {
          cause: error,
        })
      : new DownstreamError(source, 'rejected', `${source} rejected the request: ${detail}`, {
          downstreamStatus: status,
          cause: error,
        });
  }
  const code = failure.code ?? failure.cause?.code;
  if (code && TIMEOUT_CODES.has(code)) {
    return new DownstreamError(source, 'timeout', `${source} did not answer in time (${code})`, {
      cause: error,
    });
  }
  if (code && UNREACHABLE_CODES.has(code)) {
    return new DownstreamError(
      source,
      'unavailable',
      `${source} is unavailable: ${failure.message ?? code}`,
      {
        cause: error,
      },
    );
  }
  return new DownstreamError(
    source,
    'bad-gateway',
    `${source} call failed: ${failure.message ?? String(error)}`,
    {
      cause: error,
    },
  );
}

/** Reads the message of the error bodies our downstreams speak: ours, OpenAI's, FastAPI's, OIP's. */
function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body.slice(0, 500) || undefined;
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
  return undefined;
}
