import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DownstreamError } from '@libs/core/http';
import { executionStore } from '@libs/core/metrics';
import Redis from 'ioredis';
import type { ExecutionRecord } from '../model';
import {
  EXECUTION_STORE_SOURCE,
  listLimit,
  matchesQuery,
  type ExecutionQuery,
  type ExecutionStore,
} from './execution.store';
import type { ExecutionStoreLimits } from './memory-execution.store';

/** Index entries read at once, so that a status filter rarely needs a second round trip. */
const MIN_PAGE_SIZE = 100;

export interface RedisExecutionStoreOptions extends ExecutionStoreLimits {
  url: string;
  /** Put before every key, so that several deployments can share one Redis. */
  prefix: string;
  /** Longest wait for one Redis command. */
  commandTimeoutMs: number;
}

/**
 * Execution records in Redis, so that every replica of the orchestrator sees every record.
 * Each record is a key that expires on its own (`SET … EX`); sorted sets scored by start time
 * (one for all, one per endpoint) index them for listing. The index keeps the newest `max`
 * records, and the records it drops are deleted; members whose record has expired are removed
 * when a listing meets them.
 */
export class RedisExecutionStore implements ExecutionStore, OnApplicationShutdown {
  private readonly logger = new Logger(RedisExecutionStore.name);
  private readonly redis: Redis;
  private connectionError?: Error;
  private failedSaveCount = 0;

  constructor(private readonly options: RedisExecutionStoreOptions) {
    this.redis = new Redis(options.url, {
      // Commands wait while a connection is being made, but fail at the first failed attempt
      // instead of queueing through an outage: a save is dropped, a read answers 503 at once.
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      // Only used on shutdown while not connected, when there is nothing left to send.
      disconnectTimeout: options.commandTimeoutMs,
    });
    this.redis.on('error', (error: Error) => {
      if (!this.connectionError) this.logger.warn(`Redis at ${options.url} is unreachable: ${error.message}`);
      this.connectionError = error;
    });
    this.redis.on('ready', () => {
      if (this.connectionError) this.logger.log(`Redis at ${options.url} is reachable again`);
      this.connectionError = undefined;
    });
  }

  /** Records that could not be saved since this store started. */
  get failedSaves(): number {
    return this.failedSaveCount;
  }

  async save(record: ExecutionRecord): Promise<void> {
    try {
      await this.write(record);
    } catch (error) {
      this.failedSaveCount += 1;
      if (executionStore.hasSubscribers) executionStore.publish({ kind: 'error', operation: 'save' });
      this.logger.warn(
        { executionId: record.id, failedSaves: this.failedSaveCount },
        `execution ${record.id} was not saved: ${this.reasonOf(error).message}`,
      );
    }
  }

  async get(id: string): Promise<ExecutionRecord | undefined> {
    const json = await this.read(() => this.redis.get(this.recordKey(id)));
    return json === null ? undefined : (JSON.parse(json) as ExecutionRecord);
  }

  async list(query: ExecutionQuery): Promise<ExecutionRecord[]> {
    const limit = listLimit(query);
    const index = this.indexKey(query.endpoint);
    const newest = query.until?.getTime() ?? '+inf';
    const oldest = query.since?.getTime() ?? '-inf';
    const found: ExecutionRecord[] = [];
    const expired: string[] = [];
    // Pages of the index, newest first, until enough records pass the filter the index cannot
    // apply (status).
    const pageSize = Math.max(limit, MIN_PAGE_SIZE);
    for (let offset = 0; found.length < limit; offset += pageSize) {
      const ids = await this.read(() =>
        this.redis.zrevrangebyscore(index, newest, oldest, 'LIMIT', offset, pageSize),
      );
      if (ids.length === 0) break;
      const values = await this.read(() => this.redis.mget(ids.map((id) => this.recordKey(id))));
      values.forEach((json, i) => {
        if (json === null) return void expired.push(ids[i]);
        const record = JSON.parse(json) as ExecutionRecord;
        if (matchesQuery(record, query)) found.push(record);
      });
      if (ids.length < pageSize) break;
    }
    if (expired.length > 0) await this.read(() => this.redis.zrem(index, ...expired));
    return found.slice(0, limit);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit();
    else this.redis.disconnect();
  }

  private async write(record: ExecutionRecord): Promise<void> {
    const { max, ttlSeconds } = this.options;
    const started = Date.parse(record.startedAt);
    const all = this.indexKey();
    const byEndpoint = this.indexKey(record.endpoint);
    const replies = await this.redis
      .multi()
      .set(this.recordKey(record.id), JSON.stringify(record), 'EX', ttlSeconds)
      .zadd(all, started, record.id)
      .zadd(byEndpoint, started, record.id)
      .zremrangebyrank(byEndpoint, 0, -(max + 1))
      // An index expires with its newest record, so that an idle endpoint's index goes too.
      .expire(all, ttlSeconds)
      .expire(byEndpoint, ttlSeconds)
      // Read and removed in the same transaction, so that replicas trimming at once never drop
      // more than the oldest records beyond `max`.
      .zrange(all, 0, -(max + 1))
      .zremrangebyrank(all, 0, -(max + 1))
      // The size of the index once trimmed, for the metrics, in the same round trip.
      .zcard(all)
      .exec();
    const failed = replies?.find(([error]) => error);
    if (!replies || failed) throw failed?.[0] ?? new Error('the transaction was aborted');
    const dropped = replies[replies.length - 3][1] as string[];
    if (executionStore.hasSubscribers) {
      executionStore.publish({ kind: 'size', records: replies[replies.length - 1][1] as number });
    }
    if (dropped.length > 0) await this.redis.unlink(...dropped.map((id) => this.recordKey(id)));
  }

  private async read<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (executionStore.hasSubscribers) executionStore.publish({ kind: 'error', operation: 'read' });
      throw new DownstreamError(
        EXECUTION_STORE_SOURCE,
        'unavailable',
        `${EXECUTION_STORE_SOURCE} is unavailable: ${this.reasonOf(error).message}`,
        { cause: error },
      );
    }
  }

  /**
   * Why a command failed. While disconnected, the command's own error only says that it was not
   * retried: the connection's error says why.
   */
  private reasonOf(error: unknown): Error {
    return this.connectionError ?? (error as Error);
  }

  private recordKey(id: string): string {
    return `${this.options.prefix}record:${id}`;
  }

  /** The index of every record, or of one endpoint's. */
  private indexKey(endpoint?: string): string {
    return endpoint === undefined
      ? `${this.options.prefix}by-start`
      : `${this.options.prefix}by-start:${endpoint}`;
  }
}
