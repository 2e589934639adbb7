import type { EnvironmentSchema } from '@libs/core/config';
import Joi from 'joi';

export const MODELS_DIR = 'MODELS_DIR';
export const INFERENCE_MAX_BODY_BYTES = 'INFERENCE_MAX_BODY_BYTES';

/** The model-service's variables, for the app to merge into the schema it validates at start-up. */
export const modelServingEnvironment: EnvironmentSchema = {
  /** The model repository, `<name>/<version>/model.onnx`; relative to the working directory. */
  [MODELS_DIR]: Joi.string().trim().min(1).default('models'),
  /**
   * Largest inference request body, in bytes, as sent and once decompressed: 1 MiB, the JSON
   * limit of every service.
   */
  [INFERENCE_MAX_BODY_BYTES]: Joi.number().integer().min(1).default(1_048_576),
};
