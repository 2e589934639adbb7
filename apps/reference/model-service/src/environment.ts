// The variables this service reads (besides every service's own), validated at start-up.
import { portVariable, type EnvironmentSchema } from '@libs/core/config';
import { modelServingEnvironment } from '@libs/reference/model-serving';

export const MODEL_SERVICE_PORT = 'MODEL_SERVICE_PORT';

export const environment: EnvironmentSchema = {
  [MODEL_SERVICE_PORT]: portVariable(3003),
  ...modelServingEnvironment,
};
