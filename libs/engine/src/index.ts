export * from './model';
export { readPath, referencesIn, resolveReferences, wholeReference, type Reference } from './references';
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
  type ExecutionContext,
  type ExecutionOutcome,
  type ExecutionRequest,
} from './execution/endpoint.executor';
export { EndpointExecutionError } from './execution/execution.error';
export {
  ExecutionPlanError,
  planExecution,
  type ExecutionPlan,
  type PlannedSource,
} from './execution/execution.plan';
export { SourceResultCache } from './execution/source-result.cache';
