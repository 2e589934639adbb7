import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { readExecutionTrackingConfig } from './execution-tracking.config';
import { EXECUTION_STORE, type ExecutionStore } from './execution.store';
import { MemoryExecutionStore } from './memory-execution.store';
import { RedisExecutionStore } from './redis-execution.store';

function createExecutionStore(config: ConfigService): ExecutionStore {
  const { store, max, ttlSeconds, redis } = readExecutionTrackingConfig(config);
  return store === 'redis'
    ? new RedisExecutionStore({ max, ttlSeconds, ...redis })
    : new MemoryExecutionStore({ max, ttlSeconds });
}

/**
 * Execution records: the store chosen by `EXECUTIONS_STORE` (under `EXECUTION_STORE`); the
 * engine serves the `/executions` routes that read it. Nest closes the Redis connection when the
 * app shuts down.
 */
@Module({
  providers: [{ provide: EXECUTION_STORE, inject: [ConfigService], useFactory: createExecutionStore }],
  exports: [EXECUTION_STORE],
})
export class ExecutionTrackingModule {}
