export { DownstreamPolicy, type CallOptions, type ResilienceOptions } from './downstream-policy';
export { toDownstreamError } from './failure';
