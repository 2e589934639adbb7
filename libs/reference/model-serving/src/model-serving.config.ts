import type { EnvironmentSchema } from '@libs/core/config';
import Joi from 'joi';

export const MODELS_DIR = 'MODELS_DIR';

/** The model-service's variables, for the app to merge into the schema it validates at start-up. */
export const modelServingEnvironment: EnvironmentSchema = {
  /** The model repository, `<name>/<version>/model.onnx`; relative to the working directory. */
  [MODELS_DIR]: Joi.string().trim().min(1).default('models'),
};
