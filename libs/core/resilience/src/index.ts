export { DownstreamClient, downstreamHttpOptions, type CallContext } from './downstream.client';
export {
  DEFAULT_RESPONSE_MAX_BYTES,
  displayUrl,
  downstreamEnvironment,
  readDownstreamConfig,
  type DownstreamConfig,
  type DownstreamDefaults,
} from './downstream.config';
export { checkDownstream } from './downstream.health';
export { DownstreamPolicy, type CallOptions, type ResilienceOptions } from './downstream-policy';
export { clientFaultIn, toDownstreamError } from './failure';
export {
  BACKEND_HEALTH_INDICATOR,
  HealthIndicatorFor,
  downstreamSettingsOf,
  type BackendHealthIndicator,
  type DownstreamSettings,
} from './backend-health';
