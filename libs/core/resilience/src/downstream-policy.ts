import { DownstreamError } from '@libs/core/http';
import {
  breakerRejections,
  breakerTransitions,
  downstreamRetries,
  registerBreaker,
  type BreakerState,
} from '@libs/core/metrics';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IPolicy,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
} from 'cockatiel';
import { Observable } from 'rxjs';
import { clientFaultIn, toDownstreamError } from './failure';

export interface ResilienceOptions {
  /** Deadline of one attempt, in milliseconds. */
  timeoutMs: number;
  /**
   * Budget of the whole call, every attempt and backoff included, in milliseconds; without one,
   * the caller's own deadline bounds it (a YAML endpoint's request deadline).
   */
  deadlineMs?: number;
  /** Further attempts after the first, for idempotent calls only. */
  retries: number;
  /** First backoff delay; later ones grow exponentially with decorrelated jitter. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Consecutive failures that open the circuit. */
  breakerThreshold: number;
  /** How long an open circuit rejects calls before letting one through to test the service. */
  breakerResetMs: number;
}

export interface CallOptions {
  /** Only calls that are safe to repeat are retried; a consumed upload stream is not. */
  idempotent: boolean;
}

/** A failure of the downstream itself, which its circuit breaker counts. */
const isDownstreamFault = (error: unknown) =>
  error instanceof TaskCancelledError || (error instanceof DownstreamError && error.kind !== 'rejected');
/** A failure that may pass if the call is made again. */
const isRetryable = (error: unknown) =>
  error instanceof TaskCancelledError || (error instanceof DownstreamError && error.retryable);

/** cockatiel's states, as the metrics name them. */
const BREAKER_STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

/** The whole call's budget ran out: the error carries which deadline, for the message. */
class CallDeadlineError extends Error {}

/**
 * The resilience of calls to one downstream service: each attempt has a deadline, transient
 * failures of idempotent calls are retried with backoff, and one circuit breaker shared by all
 * calls to the service stops hammering it when it is down.
 */
export class DownstreamPolicy {
  private readonly once: IPolicy;
  private readonly withRetries: IPolicy;

  constructor(
    readonly source: string,
    readonly options: ResilienceOptions,
  ) {
    // Cooperative: the attempt's signal fires at its deadline and the attempt (an HTTP request
    // given that signal) fails at once, so no race is needed; and an attempt that answered is not
    // aborted afterwards, which would cost an abort event and a DOMException per call.
    const attemptDeadline = timeout(options.timeoutMs, {
      strategy: TimeoutStrategy.Cooperative,
      abortOnReturn: false,
    });
    const breaker = circuitBreaker(handleWhen(isDownstreamFault), {
      halfOpenAfter: options.breakerResetMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    const retries = retry(handleWhen(isRetryable), {
      maxAttempts: options.retries,
      backoff: new ExponentialBackoff({
        initialDelay: options.retryBaseDelayMs,
        maxDelay: options.retryMaxDelayMs,
      }),
    });
    this.once = wrap(breaker, attemptDeadline);
    this.withRetries = wrap(retries, breaker, attemptDeadline);
    registerBreaker(source, () => BREAKER_STATES[breaker.state]);
    breaker.onStateChange((state) => {
      if (breakerTransitions.hasSubscribers) {
        breakerTransitions.publish({ downstream: source, state: BREAKER_STATES[state] });
      }
    });
    retries.onRetry(() => {
      if (downstreamRetries.hasSubscribers) downstreamRetries.publish({ downstream: source });
    });
  }

  /**
   * Runs `call` within the whole call's budget: at the budget (or when the caller abandons it,
   * aborting `overall`) the attempt in flight is cancelled through the signal it derives from
   * `overall`, and the call fails at once, even in the middle of a backoff wait.
   */
  private withinDeadline<T>(call: (signal: AbortSignal) => Promise<T>, overall: AbortController): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const { deadlineMs } = this.options;
      const timer =
        deadlineMs === undefined
          ? undefined
          : setTimeout(() => overall.abort(new CallDeadlineError()), deadlineMs);
      const ended = () => reject(overall.signal.reason);
      overall.signal.addEventListener('abort', ended, { once: true });
      call(overall.signal)
        .then(resolve, (error: unknown) => reject(overall.signal.aborted ? overall.signal.reason : error))
        .finally(() => {
          clearTimeout(timer);
          overall.signal.removeEventListener('abort', ended);
        });
    });
  }

  /**
   * Runs `attempt` under the policy. `attempt` gets an AbortSignal that fires at its deadline,
   * to hand to the HTTP client so that a timed-out request is really cancelled, and the
   * attempt's number (1 for the first) for its logs.
   *
   * Unsubscribing cancels the running attempt the same way: the caller no longer wants the
   * answer (its client went away, its upload was refused). The service did nothing wrong, so
   * that failure is neither retried nor counted by the breaker.
   */
  call<T>(
    attempt: (signal: AbortSignal, attemptNumber: number) => Promise<T>,
    { idempotent }: CallOptions,
  ): Observable<T> {
    const policy = idempotent ? this.withRetries : this.once;
    return new Observable<T>((subscriber) => {
      const overall = new AbortController();
      let settled = false;
      // Each attempt's signal is cockatiel's, derived from `overall`: it fires at the attempt's
      // deadline and when the whole call is given up. Inside, an attempt's own error is classified
      // so that retry and breaker judge it by kind; an attempt past its deadline fails as
      // cockatiel's timeout does (TaskCancelledError); cockatiel's other errors (circuit open)
      // exist only outside, and are mapped there. A given-up call's reason, and the client's own
      // fault, stay unclassified, which retry and breaker both ignore.
      this.withinDeadline(
        (signal) =>
          policy.execute(
            (context: { signal: AbortSignal; attempt?: number }) =>
              attempt(context.signal, (context.attempt ?? 0) + 1).catch((error: unknown) =>
                Promise.reject(this.attemptFailure(error, context.signal, signal)),
              ),
            signal,
          ),
        overall,
      ).then(
        (value) => {
          settled = true;
          subscriber.next(value);
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          if (error instanceof BrokenCircuitError && breakerRejections.hasSubscribers) {
            breakerRejections.publish({ downstream: this.source });
          }
          subscriber.error(clientFaultIn(error) ?? this.classify(error));
        },
      );
      // Unsubscribing from a call that has settled cancels nothing.
      return () => settled || overall.abort();
    });
  }

  /** What one attempt failed with, as retry and breaker judge it. */
  private attemptFailure(error: unknown, attemptSignal: AbortSignal, overall: AbortSignal): unknown {
    if (overall.aborted) return overall.reason;
    if (attemptSignal.aborted) {
      return new TaskCancelledError(`Operation timed out after ${this.options.timeoutMs}ms`);
    }
    return clientFaultIn(error) ?? this.classify(error);
  }

  private classify(error: unknown): DownstreamError {
    if (error instanceof CallDeadlineError) {
      return new DownstreamError(
        this.source,
        'timeout',
        `${this.source} did not answer within the call's deadline of ${this.options.deadlineMs} ms`,
        { cause: error },
      );
    }
    if (error instanceof TaskCancelledError) {
      return new DownstreamError(
        this.source,
        'timeout',
        `${this.source} did not answer within ${this.options.timeoutMs} ms`,
        {
          cause: error,
        },
      );
    }
    if (error instanceof BrokenCircuitError) {
      return new DownstreamError(
        this.source,
        'unavailable',
        `${this.source} is unavailable: circuit open after repeated failures`,
        {
          cause: error,
        },
      );
    }
    return toDownstreamError(this.source, error);
  }
}
