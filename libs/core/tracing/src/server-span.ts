import { isSpanContextValid, type Span } from '@opentelemetry/api';
import type { ServerResponse } from 'node:http';
import { TRACE_RESPONSE_HEADER, hexFlags } from './trace-context';

/** The answer to a request names its trace and server span (`traceresponse`), as soon as the span begins. */
export function answerTraceResponse(span: Span, response: ServerResponse): void {
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return;
  const { traceId, spanId, traceFlags } = spanContext;
  response.setHeader(TRACE_RESPONSE_HEADER, `00-${traceId}-${spanId}-${hexFlags(traceFlags)}`);
}
