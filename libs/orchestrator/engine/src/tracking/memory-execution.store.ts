import { executionStore } from '@libs/core/metrics';
import { LRUCache } from 'lru-cache';
import type { ExecutionRecord } from '../model';
import {
  listLimit,
  matchesQuery,
  newestFirst,
  type ExecutionQuery,
  type ExecutionStore,
} from './execution.store';

export interface ExecutionStoreLimits {
  /** Records kept at most: the oldest are dropped first. */
  max: number;
  /** How long a record is kept after it is saved. */
  ttlSeconds: number;
}

/** Execution records in this process's memory, bounded by count and by age. */
export class MemoryExecutionStore implements ExecutionStore {
  private readonly records: LRUCache<string, ExecutionRecord>;

  constructor({ max, ttlSeconds }: ExecutionStoreLimits) {
    this.records = new LRUCache({ max, ttl: ttlSeconds * 1000 });
  }

  async save(record: ExecutionRecord): Promise<void> {
    // A copy, so that the caller changing its record afterwards does not change what was kept.
    this.records.set(record.id, structuredClone(record));
    if (executionStore.hasSubscribers) executionStore.publish({ kind: 'size', records: this.records.size });
  }

  async get(id: string): Promise<ExecutionRecord | undefined> {
    // `peek` leaves recency alone, so that eviction drops the oldest saved records, as the Redis
    // store does, rather than the least recently read.
    return this.records.peek(id);
  }

  async list(query: ExecutionQuery): Promise<ExecutionRecord[]> {
    return [...this.records.values()]
      .filter((record) => matchesQuery(record, query))
      .sort(newestFirst)
      .slice(0, listLimit(query));
  }
}
