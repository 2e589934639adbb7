import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { tracingStarted } from './tracing';

/**
 * The header that tells the caller which trace its request joined (W3C Trace Context Level 2):
 * `00-<trace id>-<span id of the server span>-<flags>`, written as a `traceparent` is.
 */
export const TRACE_RESPONSE_HEADER = 'traceresponse';

/** Trace flags as `traceparent` writes them: two hex digits (`01`: sampled). */
export const hexFlags = (flags: number): string => flags.toString(16).padStart(2, '0');

/**
 * The ids of the active span, for a log line to name the trace and span it was written in (the
 * field names of OpenTelemetry's log data model); nothing outside a trace.
 */
export function traceFields(): { trace_id?: string; span_id?: string; trace_flags?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { trace_id: traceId, span_id: spanId, trace_flags: hexFlags(traceFlags) };
}

/** The id of the trace the running code belongs to, if any. */
export function activeTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}

/**
 * Names the running request's server span after the route template that served it
 * (`GET /customers/:customer_id`, never the raw path): the HTTP instrumentation sets `http.route`
 * from it as the request ends (OpenTelemetry's RPC metadata, as its Express instrumentation
 * does it). Nothing happens while tracing is off.
 */
export function nameRequestRoute(route: string): void {
  if (!tracingStarted()) return;
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}
