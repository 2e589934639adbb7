import type { ConfigService } from '@nestjs/config';
import type { EnvironmentSchema } from '@libs/core/config';
import { downstreamEnvironment, readDownstreamConfig, type DownstreamConfig } from '@libs/core/resilience';

export const TEXT_SERVICE = 'text-service';
const TEXT_SERVICE_PREFIX = 'TEXT_SERVICE';

/** `TEXT_SERVICE_URL`, `TEXT_SERVICE_TIMEOUT_MS`, `TEXT_SERVICE_RETRIES`… */
export const textEnvironment: EnvironmentSchema = downstreamEnvironment(TEXT_SERVICE_PREFIX, {
  url: 'http://127.0.0.1:3001',
  timeoutMs: 5_000,
  retries: 2,
  deadlineMs: 10_000,
});

export const readTextConfig = (config: ConfigService): DownstreamConfig =>
  readDownstreamConfig(config, TEXT_SERVICE, TEXT_SERVICE_PREFIX);
