import type { ConfigService } from '@nestjs/config';
import type { EnvironmentSchema } from '@libs/core/config';
import Joi from 'joi';
import type { ExecutionStoreLimits } from './memory-execution.store';

export const EXECUTION_STORE_KINDS = ['memory', 'redis'] as const;
export type ExecutionStoreKind = (typeof EXECUTION_STORE_KINDS)[number];

/** Where execution records are kept, and for how long. */
export const executionTrackingEnvironment: EnvironmentSchema = {
  /** `redis` when several replicas must share records. */
  EXECUTIONS_STORE: Joi.string()
    .valid(...EXECUTION_STORE_KINDS)
    .default('memory'),
  EXECUTIONS_MAX: Joi.number().integer().min(1).default(1000),
  EXECUTIONS_TTL_SECONDS: Joi.number().integer().min(1).default(3600),
  REDIS_URL: Joi.string()
    .uri({ scheme: ['redis', 'rediss'] })
    .default('redis://127.0.0.1:6379'),
  EXECUTIONS_REDIS_PREFIX: Joi.string().default('orchestrator:executions:'),
  /** Longest wait for one Redis command, so that a hung Redis holds no request up for long. */
  EXECUTIONS_REDIS_TIMEOUT_MS: Joi.number().integer().min(1).default(1000),
};

export interface ExecutionTrackingConfig extends ExecutionStoreLimits {
  store: ExecutionStoreKind;
  redis: { url: string; prefix: string; commandTimeoutMs: number };
}

export function readExecutionTrackingConfig(config: ConfigService): ExecutionTrackingConfig {
  return {
    store: config.getOrThrow<ExecutionStoreKind>('EXECUTIONS_STORE'),
    max: config.getOrThrow<number>('EXECUTIONS_MAX'),
    ttlSeconds: config.getOrThrow<number>('EXECUTIONS_TTL_SECONDS'),
    redis: {
      url: config.getOrThrow<string>('REDIS_URL'),
      prefix: config.getOrThrow<string>('EXECUTIONS_REDIS_PREFIX'),
      commandTimeoutMs: config.getOrThrow<number>('EXECUTIONS_REDIS_TIMEOUT_MS'),
    },
  };
}
