import { channel, type Channel } from 'node:diagnostics_channel';

/**
 * What the code reports as it runs, for whoever observes it: the metrics module subscribes, the
 * engine and the downstream policies publish. They meet on Node's diagnostics channels, so that a
 * publisher depends on neither prom-client nor the module, and an observation nobody subscribes
 * to costs one `hasSubscribers` check (publishers test it before building the message).
 */
export class Observations<T extends object> {
  private readonly channel: Channel;

  constructor(name: string) {
    this.channel = channel(name);
  }

  get hasSubscribers(): boolean {
    return this.channel.hasSubscribers;
  }

  publish(observation: T): void {
    this.channel.publish(observation);
  }

  subscribe(observer: (observation: T) => void): () => void {
    const listener = (message: unknown) => observer(message as T);
    this.channel.subscribe(listener);
    return () => this.channel.unsubscribe(listener);
  }
}

/** What became of one source of a YAML endpoint's execution. */
export type SourceCallOutcome = 'ok' | 'degraded' | 'failed' | 'skipped' | 'cache_hit';

export interface SourceCallObservation {
  /** The endpoint's qualified name, `<domain>.<name>`. */
  endpoint: string;
  source: string;
  /** The source's adapter type (`api`, `database`…). */
  type: string;
  outcome: SourceCallOutcome;
  durationSeconds: number;
  /** Requests beyond the first of each call: the source's own retries and its client's. */
  retries: number;
}

/** Every source of every YAML endpoint execution that ended, once. */
export const sourceCalls = new Observations<SourceCallObservation>('orchestrator:source-call');

export type BreakerState = 'closed' | 'open' | 'half_open' | 'isolated';

export interface BreakerTransition {
  downstream: string;
  state: BreakerState;
}

/** A downstream's circuit breaker changed state. */
export const breakerTransitions = new Observations<BreakerTransition>('orchestrator:breaker-transition');

/** A call its downstream's open circuit refused without trying. */
export const breakerRejections = new Observations<{ downstream: string }>('orchestrator:breaker-rejection');

/** A downstream policy repeats a failed attempt (its own retries, not a YAML source's). */
export const downstreamRetries = new Observations<{ downstream: string }>('orchestrator:downstream-retry');

/**
 * The circuit breakers of this process, by downstream, read when metrics are collected: a breaker
 * exists (closed) before anything happens to it. A downstream whose client is replaced (an API
 * integration redefined by a reload) is the latest one's.
 */
const breakers = new Map<string, () => BreakerState>();

export function registerBreaker(downstream: string, state: () => BreakerState): void {
  breakers.set(downstream, state);
}

export function breakerStates(): { downstream: string; state: BreakerState }[] {
  return [...breakers].map(([downstream, state]) => ({ downstream, state: state() }));
}

export interface ConfigurationReload {
  applied: boolean;
  /** The version serving after the attempt: the new one when applied, else the one kept. */
  version: string;
}

/** A configuration load (the first at start-up, then each reload), applied or refused. */
export const configurationReloads = new Observations<ConfigurationReload>('orchestrator:config-reload');

export type ExecutionStoreObservation =
  { kind: 'size'; records: number } | { kind: 'error'; operation: 'save' | 'read' };

/** The execution store's size after a save, and its failures. */
export const executionStore = new Observations<ExecutionStoreObservation>('orchestrator:execution-store');
