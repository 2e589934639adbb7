export { MODEL_SOURCE_TYPE, ModelSourceAdapter, modelReferenceOf } from './model.adapter';
export { ModelClient } from './model.client';
export { MODEL_SERVICE, modelEnvironment, readModelConfig, type ModelServiceConfig } from './model.config';
export type {
  ModelReference,
  OipInferenceInput,
  OipInferenceOutput,
  OipInferenceRequest,
  OipInferenceResponse,
  OipModelMetadata,
  OipTensorMetadata,
} from './model.dto';
export { MODEL_SERVICE_HEALTH_PATH, ModelHealthIndicator } from './model.health';
export { ModelModule } from './model.module';
