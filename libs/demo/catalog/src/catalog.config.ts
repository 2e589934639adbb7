import {
  secretAndDelayConfig,
  secretAndDelayEnvironment,
  type SecretAndDelayConfig,
} from '@libs/demo/support';

/**
 * `CATALOG_API_TOKEN` is the bearer token every catalog route requires; `CATALOG_API_DELAY_MS` a
 * wait before every catalog answer (401 and 404 included), for benchmarks and timeout demos.
 */
const CATALOG_VARIABLES = {
  secret: 'CATALOG_API_TOKEN',
  defaultSecret: 'demo-catalog-token',
  delay: 'CATALOG_API_DELAY_MS',
} as const;

/** The demo catalog's variables, for the app to merge into the one schema it validates at start-up. */
export const catalogEnvironment = secretAndDelayEnvironment(CATALOG_VARIABLES);

/** `secret` is the catalog's bearer token. */
export type CatalogConfig = SecretAndDelayConfig;

/** The typed `catalog` namespace, valid even where the app does not validate the environment. */
export const catalogConfig = secretAndDelayConfig('catalog', 'catalog', CATALOG_VARIABLES);
