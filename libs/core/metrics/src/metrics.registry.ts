import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  breakerRejections,
  breakerStates,
  breakerTransitions,
  configurationReloads,
  downstreamRetries,
  executionStore,
  sourceCalls,
  type BreakerState,
} from './observations';

/** OpenTelemetry's advice for `http.server.request.duration`, in seconds. */
const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** A source call: from a cache hit (well under a millisecond) to a slow API near its timeout. */
const SOURCE_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half_open', 'isolated'];
const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * The orchestrator's metrics in one prom-client registry of its own (not the library's global
 * one, so that two apps in one process never share series): the process and Node metrics, the
 * HTTP server's (recorded by `requestMetrics`), and what the engine, the downstream policies and
 * the execution store report through their observations, turned into instruments here.
 */
@Injectable()
export class MetricsRegistry implements OnModuleInit, OnModuleDestroy {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, by route template (never the raw path).',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'] as const,
    buckets: HTTP_DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly httpActiveRequests = new Gauge({
    name: 'http_server_active_requests',
    help: 'HTTP server requests in flight.',
    labelNames: ['http_request_method'] as const,
    registers: [this.registry],
  });

  private readonly sourceCallDuration = new Histogram({
    name: 'orchestrator_source_call_duration_seconds',
    help: 'Duration of each source of a YAML endpoint execution, by outcome (its _count counts them).',
    labelNames: ['endpoint', 'source', 'type', 'outcome'] as const,
    buckets: SOURCE_DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly sourceRetries = new Counter({
    name: 'orchestrator_source_retries_total',
    help: 'Requests a YAML source made beyond the first of each call (its retry, its client retries).',
    labelNames: ['endpoint', 'source', 'type'] as const,
    registers: [this.registry],
  });

  private readonly downstreamRetries = new Counter({
    name: 'orchestrator_downstream_retries_total',
    help: 'Attempts a downstream client repeated after a transient failure.',
    labelNames: ['downstream'] as const,
    registers: [this.registry],
  });

  private readonly breakerTransitions = new Counter({
    name: 'orchestrator_circuit_breaker_transitions_total',
    help: 'Changes of state of a downstream circuit breaker, by the state it entered.',
    labelNames: ['downstream', 'state'] as const,
    registers: [this.registry],
  });

  private readonly breakerRejections = new Counter({
    name: 'orchestrator_circuit_breaker_rejected_calls_total',
    help: 'Calls an open circuit breaker refused without trying the downstream.',
    labelNames: ['downstream'] as const,
    registers: [this.registry],
  });

  private readonly configReloads = new Counter({
    name: 'orchestrator_config_reloads_total',
    help: 'Configuration loads (start-up, then each reload), by result: success or failure.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  private readonly configLastReloadSuccessful = new Gauge({
    name: 'orchestrator_config_last_reload_successful',
    help: 'Whether the last configuration load was applied (1) or refused (0).',
    registers: [this.registry],
  });

  private readonly configInfo = new Gauge({
    name: 'orchestrator_config_info',
    help: 'The configuration version serving (its content hash): always 1.',
    labelNames: ['version'] as const,
    registers: [this.registry],
  });

  private readonly storeRecords = new Gauge({
    name: 'orchestrator_execution_store_records',
    help: 'Execution records in the store after the last save.',
    registers: [this.registry],
  });

  private readonly storeErrors = new Counter({
    name: 'orchestrator_execution_store_errors_total',
    help: 'Execution store operations that failed, by operation: save or read.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  private unsubscribers: (() => void)[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Three gauges prom-client names like counters (`_total`), which `promtool check metrics`
    // rightly flags and a `rate()` would misread: left out.
    for (const misnamed of MISNAMED_DEFAULT_GAUGES) this.registry.removeSingleMetric(misnamed);
    new Gauge({
      name: 'orchestrator_circuit_breaker_state',
      help: 'The state of each downstream circuit breaker: 1 for its state, 0 for the others.',
      labelNames: ['downstream', 'state'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { downstream, state } of breakerStates()) {
          for (const each of BREAKER_STATES) this.set({ downstream, state: each }, each === state ? 1 : 0);
        }
      },
    });
    // Counters whose every label value exists from the start, so that a rate over them is 0, not absent.
    for (const result of ['success', 'failure']) this.configReloads.inc({ result }, 0);
    for (const operation of ['save', 'read']) this.storeErrors.inc({ operation }, 0);
  }

  onModuleInit(): void {
    this.unsubscribers = [
      sourceCalls.subscribe(({ endpoint, source, type, outcome, durationSeconds, retries }) => {
        this.sourceCallDuration.observe({ endpoint, source, type, outcome }, durationSeconds);
        if (retries > 0) this.sourceRetries.inc({ endpoint, source, type }, retries);
      }),
      downstreamRetries.subscribe(({ downstream }) => this.downstreamRetries.inc({ downstream })),
      breakerTransitions.subscribe(({ downstream, state }) =>
        this.breakerTransitions.inc({ downstream, state }),
      ),
      breakerRejections.subscribe(({ downstream }) => this.breakerRejections.inc({ downstream })),
      configurationReloads.subscribe(({ applied, version }) => {
        this.configReloads.inc({ result: applied ? 'success' : 'failure' });
        this.configLastReloadSuccessful.set(applied ? 1 : 0);
        if (!version) return;
        this.configInfo.reset();
        this.configInfo.set({ version }, 1);
      }),
      executionStore.subscribe((observation) => {
        if (observation.kind === 'size') this.storeRecords.set(observation.records);
        else this.storeErrors.inc({ operation: observation.operation });
      }),
    ];
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
  }

  /** The media type of the exposition: Prometheus' text format, version 0.0.4. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every series, collected now, in Prometheus' text format. */
  expose(): Promise<string> {
    return this.registry.metrics();
  }
}
