// A Database that remembers every statement the server runs through it (and can hold them
// back), so tests can see what a request costs and check each query's plan.
import type { Database, QueryOptions } from '../../../server/database';

export interface RecordedQuery {
  sql: string;
  params: readonly unknown[];
}

export interface RecordingDatabase extends Database {
  readonly queries: RecordedQuery[];
  /** Every statement waits this long first (0: none), to keep requests in flight. */
  delayMs: number;
}

export function recording(inner: Database): RecordingDatabase {
  const wrapper: RecordingDatabase = {
    kind: inner.kind,
    queries: [],
    delayMs: 0,
    async query<Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions) {
      wrapper.queries.push({ sql, params });
      if (wrapper.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, wrapper.delayMs));
      return inner.query<Row>(sql, params, options);
    },
    close: () => inner.close(),
  };
  return wrapper;
}
