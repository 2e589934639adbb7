import { ConfigService } from '@nestjs/config';
import type { EnvironmentSchema } from '@libs/core/config';
import Joi from 'joi';
import type { ResilienceOptions } from './downstream-policy';

export interface DownstreamDefaults {
  url: string;
  timeoutMs: number;
  retries: number;
  /** The whole call's budget, retries and backoff included. */
  deadlineMs: number;
}

/** Largest answer read from a downstream, unless its variable says otherwise: 10 MB. */
export const DEFAULT_RESPONSE_MAX_BYTES = 10 * 1024 * 1024;

/** Where a downstream service is and how calls to it behave. */
export interface DownstreamConfig {
  name: string;
  url: string;
  /** Whether `/health` (and readiness) fails while this service is down. */
  required: boolean;
  /** Largest answer read: past it the call fails with a 502 and the connection is destroyed. */
  responseMaxBytes: number;
  resilience: ResilienceOptions;
}

/**
 * The variables of one downstream service, all sharing a prefix: `TEXT_SERVICE_URL`,
 * `TEXT_SERVICE_TIMEOUT_MS`, `TEXT_SERVICE_RETRIES`… so that each service is tuned on its own.
 */
export function downstreamEnvironment(prefix: string, defaults: DownstreamDefaults): EnvironmentSchema {
  return {
    [`${prefix}_URL`]: Joi.string()
      .uri({ scheme: ['http', 'https'] })
      .default(defaults.url),
    [`${prefix}_TIMEOUT_MS`]: Joi.number().integer().min(1).default(defaults.timeoutMs),
    [`${prefix}_DEADLINE_MS`]: Joi.number().integer().min(1).default(defaults.deadlineMs),
    [`${prefix}_RESPONSE_MAX_BYTES`]: Joi.number().integer().min(1).default(DEFAULT_RESPONSE_MAX_BYTES),
    [`${prefix}_RETRIES`]: Joi.number().integer().min(0).max(10).default(defaults.retries),
    [`${prefix}_RETRY_BASE_DELAY_MS`]: Joi.number().integer().min(0).default(100),
    [`${prefix}_RETRY_MAX_DELAY_MS`]: Joi.number().integer().min(0).default(2000),
    [`${prefix}_BREAKER_THRESHOLD`]: Joi.number().integer().min(1).default(5),
    [`${prefix}_BREAKER_RESET_MS`]: Joi.number().integer().min(1).default(10000),
    [`${prefix}_REQUIRED`]: Joi.boolean().default(true),
  };
}

export function readDownstreamConfig(config: ConfigService, name: string, prefix: string): DownstreamConfig {
  const get = <T>(suffix: string) => config.getOrThrow<T>(`${prefix}_${suffix}`);
  return {
    name,
    url: get<string>('URL').replace(/\/+$/, ''),
    required: get<boolean>('REQUIRED'),
    responseMaxBytes: get<number>('RESPONSE_MAX_BYTES'),
    resilience: {
      timeoutMs: get<number>('TIMEOUT_MS'),
      deadlineMs: get<number>('DEADLINE_MS'),
      retries: get<number>('RETRIES'),
      retryBaseDelayMs: get<number>('RETRY_BASE_DELAY_MS'),
      retryMaxDelayMs: get<number>('RETRY_MAX_DELAY_MS'),
      breakerThreshold: get<number>('BREAKER_THRESHOLD'),
      breakerResetMs: get<number>('BREAKER_RESET_MS'),
    },
  };
}

/** A URL fit for a public report: credentials in it are masked. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
  }
  return parsed.toString().replace(/\/$/, '');
}
