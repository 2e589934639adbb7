import { context, propagation, trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { type IncomingMessage, ServerResponse } from 'node:http';
import { answerTraceResponse } from './server-span';

/** Requests that are no one's work but the platform's: health probes and scrapes, every few seconds. */
const PROBES = /^\/(?:v2\/)?health(?:[/?]|$)|^\/metrics(?:[/?]|$)/;

/**
 * The OpenTelemetry Node SDK, configured by the OTEL_* variables alone (exporter, endpoint,
 * headers, protocol, sampler, propagators, resource), exporting traces only: metrics are served
 * at /metrics and logs go to stdout. node:http's instrumentation makes a server span per request
 * that continues the caller's `traceparent`; undici's a client span per downstream call (they
 * all go through undici, under axios) that passes it on.
 *
 * `service` names the service unless the variables do (undefined then).
 */
export function startSdk(service: string | undefined): { shutdown(): Promise<void> } {
  const sdk = new NodeSDK({
    serviceName: service,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => PROBES.test(request.url ?? ''),
        // A call made outside any request (a background check) starts no trace of its own.
        requireParentforOutgoingSpans: true,
        // Called for a request as it arrives with its ServerResponse, and for a call's answer.
        responseHook: (span, response) => {
          if (response instanceof ServerResponse) answerTraceResponse(span, response);
        },
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
  sdk.start();
  return {
    // Stopped, tracing is off: the API's globals go back to doing nothing, as before the start.
    shutdown: async () => {
      await sdk.shutdown();
      for (const api of [trace, context, propagation]) api.disable();
    },
  };
}
