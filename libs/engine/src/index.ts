export * from './model';
export { readPath, referencesIn, resolveReferences, wholeReference, type Reference } from './references';
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
