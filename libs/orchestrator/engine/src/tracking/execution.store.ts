import type { ExecutionRecord, ExecutionStatus } from '../model';

/** The injection token of the active `ExecutionStore`. */
export const EXECUTION_STORE = Symbol('ExecutionStore');

/** The name failures of the store are reported under (`source` of the error envelope). */
export const EXECUTION_STORE_SOURCE = 'execution-store';

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;

export interface ExecutionQuery {
  endpoint?: string;
  status?: ExecutionStatus;
  /** Executions that started at or after this instant. */
  since?: Date;
  /** Executions that started at or before this instant. */
  until?: Date;
  /** At most this many records (`DEFAULT_LIST_LIMIT` when absent, never more than `MAX_LIST_LIMIT`). */
  limit?: number;
}

/**
 * Where execution records are kept for `GET /executions`. Saving never fails: a store that
 * cannot write logs and counts the failure, because tracking must never fail the request it
 * tracks. Reads that cannot be answered reject with a 503 `DownstreamError` naming
 * `execution-store`.
 */
export interface ExecutionStore {
  save(record: ExecutionRecord): Promise<void>;
  get(id: string): Promise<ExecutionRecord | undefined>;
  /** Matching records, newest (by start) first. */
  list(query: ExecutionQuery): Promise<ExecutionRecord[]>;
}

export const listLimit = (query: ExecutionQuery): number =>
  Math.min(query.limit ?? DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);

const startOf = (record: ExecutionRecord): number => Date.parse(record.startedAt);

/** Whether a record passes a query's filters. */
export function matchesQuery(record: ExecutionRecord, query: ExecutionQuery): boolean {
  const started = startOf(record);
  return (
    (query.endpoint === undefined || record.endpoint === query.endpoint) &&
    (query.status === undefined || record.status === query.status) &&
    (query.since === undefined || started >= query.since.getTime()) &&
    (query.until === undefined || started <= query.until.getTime())
  );
}

/** Newest start first; ties broken by id, descending, as Redis orders equal scores. */
export const newestFirst = (a: ExecutionRecord, b: ExecutionRecord): number =>
  startOf(b) - startOf(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
