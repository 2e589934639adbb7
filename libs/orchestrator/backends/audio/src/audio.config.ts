import type { ConfigService } from '@nestjs/config';
import type { EnvironmentSchema } from '@libs/core/config';
import { downstreamEnvironment, readDownstreamConfig, type DownstreamConfig } from '@libs/core/resilience';
import Joi from 'joi';

export const TRANSCRIPTION_SERVICE = 'transcription-service';
const TRANSCRIPTION_SERVICE_PREFIX = 'TRANSCRIPTION_SERVICE';

/** `TRANSCRIPTION_SERVICE_URL`, `TRANSCRIPTION_SERVICE_TIMEOUT_MS`… plus the health path and the model. */
export const audioEnvironment: EnvironmentSchema = {
  // A long recording takes a while to transcribe; no retries, since an upload stream cannot be replayed.
  ...downstreamEnvironment(TRANSCRIPTION_SERVICE_PREFIX, {
    url: 'http://127.0.0.1:3002',
    timeoutMs: 120_000,
    retries: 0,
    deadlineMs: 120_000,
  }),
  // OpenAI-compatible servers (whisper.cpp, speaches, LocalAI) do not all serve `/health`.
  TRANSCRIPTION_SERVICE_HEALTH_PATH: Joi.string()
    .pattern(/^\/\S*$/, 'path starting with /')
    .default('/health'),
  TRANSCRIPTION_MODEL: Joi.string().trim().min(1).default('whisper-1'),
};

export interface AudioConfig {
  downstream: DownstreamConfig;
  healthPath: string;
  /** The OpenAI `model` field of every transcription. */
  model: string;
}

export function readAudioConfig(config: ConfigService): AudioConfig {
  return {
    downstream: readDownstreamConfig(config, TRANSCRIPTION_SERVICE, TRANSCRIPTION_SERVICE_PREFIX),
    healthPath: config.getOrThrow<string>('TRANSCRIPTION_SERVICE_HEALTH_PATH'),
    model: config.getOrThrow<string>('TRANSCRIPTION_MODEL'),
  };
}
