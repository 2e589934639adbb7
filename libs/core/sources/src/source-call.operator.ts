import { DownstreamError } from '@libs/core/http';
import { Observable, catchError, defer, race, throwError, type MonoTypeOperatorFunction } from 'rxjs';
import type { SourceCall } from './source-adapter';

/**
 * Keeps an adapter's work within its call: it fails with a 504 at the request's deadline or
 * when the call's signal aborts (unsubscribing the work, which cancels it), and its
 * DownstreamErrors are attributed to the YAML source, their message keeping the downstream's
 * name. `target` names what is called (`catalog.get_customer`, `text-service`).
 *
 * An adapter enforces the deadline itself, besides the engine, because a hand-written
 * composite calls adapters with a deadline but without a signal that fires at it.
 */
export function withinSourceCall<T>(call: SourceCall, target: string): MonoTypeOperatorFunction<T> {
  const { source } = call;
  const { signal, deadline } = call.context;
  return (work) =>
    defer(() => {
      const remainingMs = Math.max(0, deadline - Date.now());
      const ended = new Observable<never>((subscriber) => {
        const end = (message: string) =>
          subscriber.error(new DownstreamError(source, 'timeout', `${source} (${target}) ${message}`));
        const onAbort = () => end(`was cancelled: ${reasonOf(signal)}`);
        const onDeadline = () => end(`did not answer within ${remainingMs} ms, the request's deadline`);
        if (signal.aborted) return onAbort();
        if (remainingMs === 0) return onDeadline();
        const timer = setTimeout(onDeadline, remainingMs);
        signal.addEventListener('abort', onAbort, { once: true });
        return () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        };
      });
      // `ended` first, so that work is never started for a call that is already over.
      return race(
        ended,
        work.pipe(catchError((error: unknown) => throwError(() => attributed(source, error)))),
      );
    });
}

/** Anything else than a DownstreamError is a bug, left as it is so that it ends as a bare 500. */
function attributed(source: string, error: unknown): unknown {
  if (!(error instanceof DownstreamError) || error.source === source) return error;
  return error.restated({ source, message: `${source}: ${error.message}` });
}

function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason);
}
