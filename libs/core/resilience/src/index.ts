export { DownstreamClient, downstreamHttpOptions, type CallContext } from './downstream.client';
export {
  displayUrl,
  downstreamEnvironment,
  readDownstreamConfig,
  type DownstreamConfig,
  type DownstreamDefaults,
} from './downstream.config';
export { checkDownstream } from './downstream.health';
export { DownstreamPolicy, type CallOptions, type ResilienceOptions } from './downstream-policy';
export { toDownstreamError } from './failure';
