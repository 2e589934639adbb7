import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

/** Entries kept at most, across every endpoint; the least recently used go first. */
const MAX_ENTRIES = 10_000;

/**
 * Results of sources declared with `cache`, keyed by type, operation and resolved params, so
 * that endpoints calling the same operation with the same params share them. Each entry lives
 * for its source's TTL; a reload does not flush it, the TTL bounds how stale it gets.
 */
@Injectable()
export class SourceResultCache {
  // Wrapped, so that a cached `undefined` result is told apart from a miss.
  private readonly entries = new LRUCache<string, { value: unknown }>({ max: MAX_ENTRIES });

  get(key: string): { value: unknown } | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: unknown, ttlSeconds: number): void {
    this.entries.set(key, { value }, { ttl: ttlSeconds * 1000 });
  }
}

/** The same key for the same call, whatever order its params were declared in. */
export function cacheKeyOf(
  type: string,
  operation: string | undefined,
  params: Record<string, unknown>,
): string {
  return JSON.stringify([type, operation ?? null, params], (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}
