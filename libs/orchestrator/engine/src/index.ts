export * from './model';
export { readPath, referencesIn, wholeReference, type Reference } from './references';
export { ExecutionRecordDto, SourceTraceDto } from './tracking/execution.dto';
export {
  EXECUTION_STORE,
  EXECUTION_STORE_SOURCE,
  type ExecutionQuery,
  type ExecutionStore,
} from './tracking/execution.store';
export { executionTrackingEnvironment } from './tracking/execution-tracking.config';
export { ExecutionTrackingModule } from './tracking/execution-tracking.module';
export { MemoryExecutionStore } from './tracking/memory-execution.store';
export { RedisExecutionStore } from './tracking/redis-execution.store';
export {
  EndpointExecutor,
  RESPONSE_SOURCE,
  type ExecutionOutcome,
  type ExecutionRequest,
} from './execution/endpoint.executor';
export { EndpointExecutionError } from './execution/execution.error';
export { type ExecutionPlan, type PlannedSource } from './execution/execution.plan';
export { SourceResultCache } from './execution/source-result.cache';
export {
  ConfigurationLoader,
  DEFAULT_SETTINGS,
  type ConfigurationLoadOptions,
  type ConfigurationLoadResult,
  readSection,
} from './config/configuration.loader';
export { describeSnapshot, formatProblem } from './config/configuration.report';
export { publishedConfigurationSchema, publishedSchemaText } from './config/published-schema';
export { EndpointConfigurationModule } from './config/endpoint-configuration.module';
export { SourceAdapterRegistry } from './config/source-adapter.registry';
export { ConfigurationState, type ConfigurationStatus, type ReloadResult } from './http/configuration.state';
export { engineEnvironment } from './http/engine.config';
export { EngineModule } from './http/engine.module';
export { EXECUTION_RESPONSE_HEADERS, EndpointDocumentation } from './http/endpoint.openapi';
export {
  CONFIG_VERSION_HEADER,
  DEGRADED_SOURCES_HEADER,
  EXECUTION_ID_HEADER,
  ExecutionRecorder,
  ExecutionRecording,
  type RecordedExecution,
  type RecordingOptions,
} from './http/execution.recorder';
export { TRACE_QUERY, responseBodyOf, traceRequested } from './http/execution.response';
export { fieldErrorsOf, type LiveConfiguration } from './http/live-configuration';
