// The variables this service reads (besides every service's own), validated at start-up.
import { portVariable, type EnvironmentSchema } from '@libs/core/config';
import { featureServerEnvironment } from '@libs/reference/feature-serving';

/** Feast's own default port, so that a Feast client finds it where it looks first. */
const FEAST_DEFAULT_PORT = 6566;
export const FEATURE_SERVER_PORT = 'FEATURE_SERVER_PORT';

export const environment: EnvironmentSchema = {
  [FEATURE_SERVER_PORT]: portVariable(FEAST_DEFAULT_PORT),
  ...featureServerEnvironment,
};
