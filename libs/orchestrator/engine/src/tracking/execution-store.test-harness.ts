// Support for the specs of the execution stores and their routes: records to save, key
// prefixes on the real Redis that each run owns and deletes afterwards, and the routes served
// (by the engine, which holds the tracking module).
import { configurationModule } from '@libs/core/config';
import { loggingModule } from '@libs/core/http';
import { startService, type RunningService } from '@libs/core/testing';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionRecord } from '../model';
import { executionTrackingEnvironment } from './execution-tracking.config';
import { engineEnvironment } from '../http/engine.config';
import { EngineModule } from '../http/engine.module';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** A record of a finished execution, started `ageMs` ago. */
export function executionRecord(overrides: Partial<ExecutionRecord> = {}, ageMs = 0): ExecutionRecord {
  return {
    id: randomUUID(),
    requestId: randomUUID(),
    endpoint: 'customers.get_customer_360',
    configVersion: 'v1',
    startedAt: new Date(Date.now() - ageMs).toISOString(),
    durationMs: 12,
    status: 'ok',
    statusCode: 200,
    degraded: [],
    warnings: [],
    sources: [
      {
        name: 'profile',
        type: 'api',
        operation: 'get_customer',
        params: { customer_id: 'C-1' },
        startedAt: new Date(Date.now() - ageMs).toISOString(),
        durationMs: 10,
        attempts: 1,
        cacheHit: false,
        status: 'ok',
      },
    ],
    ...overrides,
  };
}

/** Records started one second apart, the last one now: `records[0]` is the oldest. */
export const recordsInOrder = (count: number): ExecutionRecord[] =>
  Array.from({ length: count }, (_, i) => executionRecord({}, (count - 1 - i) * 1000));

/** Key prefixes of one spec file's run on the real Redis, each one new, all deleted by `cleanUp`. */
export class RedisTestKeys {
  private readonly run = `orchestrator-test:${randomUUID()}:`;
  private count = 0;

  prefix(): string {
    this.count += 1;
    return `${this.run}${this.count}:`;
  }

  async cleanUp(): Promise<void> {
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${this.run}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      await redis.quit();
    }
  }
}

/** The module under test, as the orchestrator's app module would hold it. */
class TrackingUnderTest {}

/** The read-only token the execution routes of `startTracking` take. */
export const READ_TOKEN = 'executions-spec-token';
export const READ_HEADERS = { authorization: `Bearer ${READ_TOKEN}` };

/**
 * Execution tracking and its routes on a free port, configured by `env`: the engine (which
 * serves `/executions`) over an empty configuration directory, ORCHESTRATOR_READ_TOKEN set.
 */
export function startTracking(env: Record<string, string>): Promise<RunningService> {
  const directory = mkdtempSync(join(tmpdir(), 'tracking-config-'));
  writeFileSync(join(directory, 'config.yaml'), 'settings: {}\n');
  return startService(
    async () => ({
      module: TrackingUnderTest,
      imports: [
        configurationModule({ ...engineEnvironment, ...executionTrackingEnvironment }),
        loggingModule('orchestrator'),
        EngineModule,
      ],
    }),
    { CONFIG_DIR: directory, CONFIG_WATCH: 'false', ORCHESTRATOR_READ_TOKEN: READ_TOKEN, ...env },
  );
}
