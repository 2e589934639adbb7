import { routeTemplateOf } from '@libs/core/http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { MetricsRegistry } from './metrics.registry';

/** `http_route` of a request no route took (a 404, a body refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

/** The methods OpenTelemetry names; any other is `_OTHER`, so that a client cannot add series. */
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]);

/**
 * The middleware that times every request from its first byte read to its answer (or the client
 * leaving), mounted before any other so that a request refused by a body parser counts too. It
 * labels the request by the template of the route that served it, read once it is answered.
 */
export function requestMetrics(metrics: MetricsRegistry) {
  const { httpRequestDuration, httpActiveRequests } = metrics;
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const started = performance.now();
    const method = KNOWN_METHODS.has(req.method ?? '') ? (req.method as string) : '_OTHER';
    httpActiveRequests.inc({ http_request_method: method });
    res.once('close', () => {
      httpActiveRequests.dec({ http_request_method: method });
      httpRequestDuration.observe(
        {
          http_request_method: method,
          http_route: routeTemplateOf(req) ?? UNMATCHED_ROUTE,
          http_response_status_code: res.statusCode,
        },
        (performance.now() - started) / 1000,
      );
    });
    next();
  };
}
