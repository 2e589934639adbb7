import { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import Joi from 'joi';

export type EnvironmentSchema = Record<string, Joi.Schema>;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The largest JSON or form body a service reads (uploads aside). */
export const REQUEST_BODY_MAX_BYTES = 'REQUEST_BODY_MAX_BYTES';

/** Variables every service reads. */
export const commonEnvironment: EnvironmentSchema = {
  HOST: Joi.string().hostname().default('127.0.0.1'),
  LOG_LEVEL: Joi.string()
    .valid(...LOG_LEVELS)
    .default('info'),
  /** How long in-flight requests may run on after SIGTERM before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: Joi.number().integer().min(0).default(10000),
  /**
   * How long after SIGTERM readiness answers 503 while the listener still takes requests, so that
   * a load balancer sees it and stops routing here before the server closes.
   */
  SHUTDOWN_DRAIN_MS: Joi.number().integer().min(0).default(5000),
  /** Largest JSON or form body read, in bytes (uploads have their own limit). */
  [REQUEST_BODY_MAX_BYTES]: Joi.number().integer().min(1).default(1_048_576),
  /** Deepest nesting of objects and arrays a JSON body may have. */
  REQUEST_JSON_MAX_DEPTH: Joi.number().integer().min(1).max(1000).default(32),
  /** Origins allowed to call from a browser, comma-separated (`*` for any); empty: CORS is off. */
  CORS_ORIGINS: Joi.string().allow('').default(''),
  /** Query parameters masked in access-log lines, besides token, api_key, password…, comma-separated. */
  LOG_REDACTED_QUERY_PARAMETERS: Joi.string().allow('').default(''),
};

export const portVariable = (defaultPort: number) => Joi.number().port().default(defaultPort);

/** The one limit of every upload the orchestrator takes, routed or declared in YAML. */
export const UPLOAD_MAX_BYTES = 'UPLOAD_MAX_BYTES';

/** Largest upload accepted, in bytes: 25 MB, OpenAI's own limit. */
export const uploadEnvironment: EnvironmentSchema = {
  [UPLOAD_MAX_BYTES]: Joi.number().integer().min(1).default(26_214_400),
};

/**
 * Validates the environment once, at start-up, against the whole schema. Every invalid
 * variable is listed by name with what is wrong, so that one failed start tells all.
 */
export function validateEnvironment(schema: EnvironmentSchema) {
  const compiled = Joi.object(schema);
  return (env: Record<string, unknown>): Record<string, unknown> => {
    const { error, value } = compiled.validate(env, {
      abortEarly: false,
      allowUnknown: true,
      convert: true,
      errors: { wrap: { label: false } },
    });
    if (error) {
      const problems = error.details.map(
        (detail) => `  - ${detail.message} (got ${JSON.stringify(detail.context?.value)})`,
      );
      throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
    }
    return value as Record<string, unknown>;
  };
}

/**
 * The global ConfigModule of a service: reads `.env` when present (real environment
 * variables win) and refuses to start on an invalid value.
 */
export function configurationModule(schema: EnvironmentSchema): Promise<DynamicModule> {
  return ConfigModule.forRoot({
    isGlobal: true,
    cache: true,
    validate: validateEnvironment({ ...commonEnvironment, ...schema }),
  });
}
