import type { ConfigService } from '@nestjs/config';
import type { EnvironmentSchema } from '@libs/core/config';
import { downstreamEnvironment, readDownstreamConfig, type DownstreamConfig } from '@libs/core/resilience';

export const FEATURE_SERVER = 'feature-server';
const FEATURE_SERVER_PREFIX = 'FEATURE_SERVER';

/**
 * `FEATURE_SERVER_URL`, `FEATURE_SERVER_TIMEOUT_MS`, `FEATURE_SERVER_RETRIES`… A feature
 * lookup sits on a request's critical path, hence the short timeout; Feast listens on 6566.
 */
export const feastEnvironment: EnvironmentSchema = downstreamEnvironment(FEATURE_SERVER_PREFIX, {
  url: 'http://127.0.0.1:6566',
  timeoutMs: 2_000,
  retries: 1,
  deadlineMs: 5_000,
});

export const readFeastConfig = (config: ConfigService): DownstreamConfig =>
  readDownstreamConfig(config, FEATURE_SERVER, FEATURE_SERVER_PREFIX);
