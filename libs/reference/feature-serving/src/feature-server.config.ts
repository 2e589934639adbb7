import { registerAs } from '@nestjs/config';
import Joi from 'joi';

/** Where the feature server reads the demo's tables from. */
export type FeatureDatabaseLocation =
  { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; password?: string };

export interface FeatureServerConfig {
  database: FeatureDatabaseLocation;
  /** The instant "days since" features count to; `undefined` means the time of each request. */
  asOf?: Date;
}

/**
 * The feature server's variables, for the app to merge into the one schema it validates at
 * start-up (every key is a Joi schema, as `configurationModule` expects).
 */
export const featureServerEnvironment = {
  /**
   * `sqlite:<path>` (relative to the working directory) or `postgres://user@host:port/db`. The
   * default is the file the orchestrator's demo database uses.
   */
  FEATURE_SERVER_DATABASE_URL: Joi.string()
    .pattern(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'sqlite:<path> or postgres://user@host:port/db')
    .default('sqlite:data/main.sqlite'),
  /** The PostgreSQL password, kept out of the URL. */
  FEATURE_SERVER_DATABASE_PASSWORD: Joi.string().empty('').optional(),
  /** A fixed "now" for `days_since_last_purchase` (ISO 8601), so that demos answer the same every day. */
  FEATURE_SERVER_AS_OF: Joi.date().iso().empty('').optional(),
} satisfies Record<string, Joi.Schema>;

interface FeatureServerVariables {
  FEATURE_SERVER_DATABASE_URL: string;
  FEATURE_SERVER_DATABASE_PASSWORD?: string;
  FEATURE_SERVER_AS_OF?: Date;
}

const SQLITE_PREFIX = 'sqlite:';

/**
 * The typed `featureServer` namespace. It validates the same schema itself, so that defaults
 * and conversions hold even in an app (or a test) that does not validate the whole environment.
 */
export const featureServerConfig = registerAs('featureServer', (): FeatureServerConfig => {
  const { error, value } = Joi.object<FeatureServerVariables>(featureServerEnvironment).validate(
    process.env,
    { allowUnknown: true, abortEarly: false },
  );
  if (error) throw new Error(`Invalid feature server configuration: ${error.message}`);
  const url = value.FEATURE_SERVER_DATABASE_URL;
  const database: FeatureDatabaseLocation = url.startsWith(SQLITE_PREFIX)
    ? { type: 'sqlite', path: url.slice(SQLITE_PREFIX.length) }
    : { type: 'postgres', url, password: value.FEATURE_SERVER_DATABASE_PASSWORD };
  return { database, asOf: value.FEATURE_SERVER_AS_OF };
});
