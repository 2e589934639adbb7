import { registerAs } from '@nestjs/config';
import Joi from 'joi';

/**
 * The demo catalog's variables, for the app to merge into the one schema it validates at
 * start-up (every key is a Joi schema, as `configurationModule` expects).
 */
export const catalogEnvironment = {
  /** The bearer token every catalog route requires; an empty value means the default. */
  CATALOG_API_TOKEN: Joi.string().empty('').default('demo-catalog-token'),
  /** A wait before every catalog answer (401 and 404 included), for benchmarks and timeout demos. */
  CATALOG_API_DELAY_MS: Joi.number().integer().min(0).max(600000).default(0),
} satisfies Record<string, Joi.Schema>;

export interface CatalogConfig {
  token: string;
  delayMs: number;
}

interface CatalogVariables {
  CATALOG_API_TOKEN: string;
  CATALOG_API_DELAY_MS: number;
}

/**
 * The typed `catalog` namespace. It validates the same schema itself, so that defaults and
 * conversions hold even in an app (or a test) that does not validate the whole environment.
 */
export const catalogConfig = registerAs('catalog', (): CatalogConfig => {
  const { error, value } = Joi.object<CatalogVariables>(catalogEnvironment).validate(process.env, {
    allowUnknown: true,
    abortEarly: false,
  });
  if (error) throw new Error(`Invalid catalog configuration: ${error.message}`);
  return { token: value.CATALOG_API_TOKEN, delayMs: value.CATALOG_API_DELAY_MS };
});
