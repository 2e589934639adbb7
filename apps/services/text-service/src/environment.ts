// The variables this service reads (besides every service's own), validated at start-up.
import { portVariable, type EnvironmentSchema } from '@libs/core/config';

export const TEXT_SERVICE_PORT = 'TEXT_SERVICE_PORT';

export const environment: EnvironmentSchema = { [TEXT_SERVICE_PORT]: portVariable(3001) };
