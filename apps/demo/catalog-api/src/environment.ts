// The variables this service reads (besides every service's own), validated at start-up.
import { portVariable, type EnvironmentSchema } from '@libs/core/config';
import { catalogEnvironment } from '@libs/demo/catalog';

export const CATALOG_API_PORT = 'CATALOG_API_PORT';

export const environment: EnvironmentSchema = {
  [CATALOG_API_PORT]: portVariable(3010),
  ...catalogEnvironment,
};
