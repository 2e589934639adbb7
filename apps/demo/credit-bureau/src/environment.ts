// The variables this service reads (besides every service's own), validated at start-up.
import { portVariable, type EnvironmentSchema } from '@libs/core/config';
import { creditBureauEnvironment } from '@libs/demo/credit-bureau';

export const CREDIT_BUREAU_PORT = 'CREDIT_BUREAU_PORT';

export const environment: EnvironmentSchema = {
  [CREDIT_BUREAU_PORT]: portVariable(3020),
  ...creditBureauEnvironment,
};
