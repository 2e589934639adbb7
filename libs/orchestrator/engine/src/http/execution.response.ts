import type { IncomingHttpHeaders } from 'node:http';
import type { EngineSettings } from '../model';
import { requireToken } from './admin-token.guard';
import type { RecordedExecution } from './execution.recorder';

/** `?_trace=true` returns the execution's trace in the body's `_meta`. */
export const TRACE_QUERY = '_trace';

/**
 * Whether the request asks for the trace inline. The trace holds the parameters of every
 * source, so asking for it needs the token that reads execution records (401/403 otherwise).
 */
export function traceRequested(
  request: { query: Record<string, unknown>; headers: IncomingHttpHeaders },
  settings: EngineSettings,
): boolean {
  if (request.query[TRACE_QUERY] !== 'true') return false;
  requireToken(request.headers, settings, 'read');
  return true;
}

/**
 * The body an execution answers: its own; an object also carries `_meta` when there is
 * something to say (degraded sources, mapped fields that found no value) or the trace was
 * asked for.
 */
export function responseBodyOf<T>(recorded: RecordedExecution<T>, withTrace: boolean): T {
  const { body, degraded, warnings } = recorded;
  if (!isPlainObject(body) || (degraded.length === 0 && warnings.length === 0 && !withTrace)) {
    return body;
  }
  return {
    ...body,
    _meta: {
      execution_id: recorded.executionId,
      degraded,
      ...(warnings.length > 0 && { warnings }),
      ...(withTrace ? { sources: recorded.sources } : {}),
    },
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
