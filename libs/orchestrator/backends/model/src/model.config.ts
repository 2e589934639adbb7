import type { ConfigService } from '@nestjs/config';
import type { EnvironmentSchema } from '@libs/core/config';
import { downstreamEnvironment, readDownstreamConfig, type DownstreamConfig } from '@libs/core/resilience';
import Joi from 'joi';

export const MODEL_SERVICE = 'model-service';
const MODEL_SERVICE_PREFIX = 'MODEL_SERVICE';

/** `MODEL_SERVICE_URL`, `MODEL_SERVICE_TIMEOUT_MS`, `MODEL_SERVICE_RETRIES`… plus the metadata cache. */
export const modelEnvironment: EnvironmentSchema = {
  ...downstreamEnvironment(MODEL_SERVICE_PREFIX, {
    url: 'http://127.0.0.1:3003',
    timeoutMs: 5_000,
    retries: 1,
    deadlineMs: 10_000,
  }),
  // Every call needs the model's inputs; they change only when a model is redeployed.
  MODEL_SERVICE_METADATA_TTL_MS: Joi.number().integer().min(0).default(60_000),
};

export interface ModelServiceConfig {
  downstream: DownstreamConfig;
  /** How long a model's metadata is reused before it is asked for again. */
  metadataTtlMs: number;
}

export function readModelConfig(config: ConfigService): ModelServiceConfig {
  return {
    downstream: readDownstreamConfig(config, MODEL_SERVICE, MODEL_SERVICE_PREFIX),
    metadataTtlMs: config.getOrThrow<number>('MODEL_SERVICE_METADATA_TTL_MS'),
  };
}
