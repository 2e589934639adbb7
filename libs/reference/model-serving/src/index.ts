export { MODELS_DIR, modelServingEnvironment } from './model-serving.config';
export { ModelServingModule } from './model-serving.module';
export type { ModelMetadata, TensorMetadata } from './model-repository';
export type { InferenceResponse } from './inference';
