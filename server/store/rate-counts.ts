// The rate-limit counts every instance on one PostgreSQL adds to (server/http/shared-counts.ts):
// one row per key in an unlogged table (no WAL; emptied by a PostgreSQL crash, which only
// forgets counts of the current second or minute), updated in place by one statement per sync.
import type { Queryable } from "./db";
import { countDeleted } from "./statement";

/** A count's increments sent to the store; `windowStart` in epoch milliseconds. */
export interface CountDelta {
  key: string;
  windowStart: number;
  n: number;
}

/** The store's total for a key after the deltas: the window it holds (a newer one wins) and its count. */
export interface CountTotal {
  key: string;
  windowStart: number;
  used: number;
}

export interface CountStore {
  add(deltas: CountDelta[]): Promise<CountTotal[]>;
}

export function postgresCountStore(db: Queryable): CountStore {
  return {
    async add(deltas) {
      // Keys in order, so two instances' syncs lock the rows they share in the same order (no deadlock).
      const sorted = [...deltas].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const rows = await db.query<{ key: string; window_start: string; used: number }>(
        `INSERT INTO rate_counts AS r (key, window_start, used)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[])
         ON CONFLICT (key) DO UPDATE SET
           used = CASE WHEN excluded.window_start > r.window_start THEN excluded.used
                       WHEN excluded.window_start = r.window_start THEN r.used + excluded.used ELSE r.used END,
           window_start = GREATEST(r.window_start, excluded.window_start)
         RETURNING key, window_start, used`,
        [sorted.map((d) => d.key), sorted.map((d) => d.windowStart), sorted.map((d) => d.n)],
      );
      return rows.map((r) => ({ key: r.key, windowStart: Number(r.window_start), used: r.used }));
    },
  };
}

/** Deletes the counts whose window started at or before `before` (epoch milliseconds); how many. */
export async function deleteRateCountsBefore(q: Queryable, before: number): Promise<number> {
  return countDeleted(q, "DELETE FROM rate_counts WHERE window_start <= $1", before);
}
