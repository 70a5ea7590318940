// One SQL statement built from parts (the CTEs of a write that folds several rows into one round
// trip): each value added gets the next `$n`, so parts written apart never number them twice.
// Values are always parameters; only the parts' own SQL text is spliced.
import type { Queryable } from "./db";

export class Statement {
  readonly values: unknown[] = [];

  /** The placeholder of `value`, added as the next parameter. */
  p(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Runs `write` (a DELETE with parameter `$1`, no RETURNING) and answers how many rows it removed. */
export async function countDeleted(q: Queryable, write: string, param: unknown): Promise<number> {
  return (await q.query<{ n: number }>(`WITH gone AS (${write} RETURNING 1) SELECT count(*)::int AS n FROM gone`, [param]))[0]!.n;
}
