import { context, isSpanContextValid, type Span } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { TRACE_RESPONSE_HEADER, hexFlags } from './trace-context';

/** The answer to a request names its trace and server span (`traceresponse`), as soon as the span begins. */
export function answerTraceResponse(span: Span, response: ServerResponse): void {
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return;
  const { traceId, spanId, traceFlags } = spanContext;
  response.setHeader(TRACE_RESPONSE_HEADER, `00-${traceId}-${spanId}-${hexFlags(traceFlags)}`);
}

/**
 * A route that matches any path (`/{*path}`: the mount of Nest's middleware, which a request no
 * route answered last went through) says nothing of the request.
 */
const CATCH_ALL = /^\/?\{?\*\w*\}?$/;

/**
 * A request that Express' router matched (a Nest controller's route) is named after its route
 * template, unless a middleware named it already (`nameRequestRoute`); one that no route
 * answered (a 404) keeps its method alone. Called for every span the HTTP instrumentation ends,
 * a call's client span included (which has no route).
 */
export function nameByExpressRoute(span: Span, request: ClientRequest | IncomingMessage): void {
  const route = (request as { route?: { path?: unknown } }).route?.path;
  if (typeof route !== 'string' || CATCH_ALL.test(route)) return;
  if (getRPCMetadata(context.active())?.route !== undefined) return;
  span.setAttribute(ATTR_HTTP_ROUTE, route);
  span.updateName(`${(request as IncomingMessage).method ?? 'GET'} ${route}`);
}
