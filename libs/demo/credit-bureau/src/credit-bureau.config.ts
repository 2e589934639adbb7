import {
  secretAndDelayConfig,
  secretAndDelayEnvironment,
  type SecretAndDelayConfig,
} from '@libs/demo/support';

/** The header that carries the API key, as the `credit_bureau` integration's `auth.header` sends it. */
export const API_KEY_HEADER = 'X-API-Key';

/**
 * `CREDIT_BUREAU_API_KEY` is the API key every credit report requires in `X-API-Key`;
 * `CREDIT_BUREAU_DELAY_MS` a wait before every credit report answer (401, 400 and 404 included),
 * for timeout demos.
 */
const CREDIT_BUREAU_VARIABLES = {
  secret: 'CREDIT_BUREAU_API_KEY',
  defaultSecret: 'demo-bureau-key',
  delay: 'CREDIT_BUREAU_DELAY_MS',
} as const;

/** The demo credit bureau's variables, for the app to merge into the one schema it validates at start-up. */
export const creditBureauEnvironment = secretAndDelayEnvironment(CREDIT_BUREAU_VARIABLES);

/** `secret` is the bureau's API key. */
export type CreditBureauConfig = SecretAndDelayConfig;

/** The typed `creditBureau` namespace, valid even where the app does not validate the environment. */
export const creditBureauConfig = secretAndDelayConfig(
  'creditBureau',
  'credit bureau',
  CREDIT_BUREAU_VARIABLES,
);
