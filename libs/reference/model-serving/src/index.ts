export { INFERENCE_MAX_BODY_BYTES, MODELS_DIR, modelServingEnvironment } from './model-serving.config';
export { INFERENCE_HEADER_CONTENT_LENGTH, isInferenceRequest } from './inference-http';
export { ModelServingModule } from './model-serving.module';
export type { ModelMetadata, TensorMetadata } from './model-repository';
export type { InferenceOutput, InferenceResponse } from './inference';
