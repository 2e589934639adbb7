import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
/** The header Kong's correlation-id plugin sets when configured with its default name. */
export const KONG_CORRELATION_HEADER = 'kong-request-id';

const ACCEPTABLE_ID = /^[\w\-.:@/+=]{1,128}$/;

/**
 * The request id a request carries (ours, then Kong's), or a new one. Ids that could break a
 * log line or a header (too long, control characters) are replaced rather than trusted.
 */
export function resolveRequestId(req: IncomingMessage): string {
  for (const header of [REQUEST_ID_HEADER, KONG_CORRELATION_HEADER]) {
    const value = req.headers[header];
    const candidate = Array.isArray(value) ? value[0] : value;
    if (candidate && ACCEPTABLE_ID.test(candidate)) return candidate;
  }
  return randomUUID();
}

/** The id pino-http assigned to a request (see `LoggingModule`). */
export function requestIdOf(req: unknown): string {
  const id = (req as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : String(id ?? '');
}
