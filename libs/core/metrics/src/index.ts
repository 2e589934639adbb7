export { metricsEnvironment, METRICS_TOKEN } from './metrics.config';
export { MetricsModule } from './metrics.module';
export { MetricsRegistry } from './metrics.registry';
export { requestMetrics, UNMATCHED_ROUTE } from './request-metrics';
export {
  breakerRejections,
  breakerStates,
  breakerTransitions,
  configurationReloads,
  downstreamRetries,
  executionStore,
  registerBreaker,
  sourceCalls,
  type BreakerState,
  type SourceCallObservation,
  type SourceCallOutcome,
} from './observations';
