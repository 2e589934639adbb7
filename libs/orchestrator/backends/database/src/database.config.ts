import type { ConfigService } from '@nestjs/config';
import type { EnvironmentSchema } from '@libs/core/config';
import Joi from 'joi';

export const DATABASE_REQUIRED = 'DATABASE_REQUIRED';
export const DATABASE_HEALTH_TIMEOUT_MS = 'DATABASE_HEALTH_TIMEOUT_MS';

/** The database backend's variables; database.yaml declares the connections themselves. */
export const databaseEnvironment: EnvironmentSchema = {
  DATA_DIR: Joi.string().default('data'),
  [DATABASE_REQUIRED]: Joi.boolean().default(true),
  [DATABASE_HEALTH_TIMEOUT_MS]: Joi.number().integer().min(100).max(60_000).default(2_000),
};

export interface DatabaseHealthConfig {
  required: boolean;
  timeoutMs: number;
}

export const readDatabaseHealthConfig = (config: ConfigService): DatabaseHealthConfig => ({
  required: config.getOrThrow<boolean>(DATABASE_REQUIRED),
  timeoutMs: config.getOrThrow<number>(DATABASE_HEALTH_TIMEOUT_MS),
});
