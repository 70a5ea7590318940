// The clean-up's own SQL (server/maintenance.ts): its advisory lock and the stamp of its last run,
// which let several instances on one PostgreSQL run it once per interval between them.
import type { Queryable } from "./db";

/** The advisory lock key of the clean-up (migrations hold 7274211). */
const CLEANUP_LOCK = 7274212;

/** Takes the clean-up's transaction-scoped lock unless another instance holds it; whether it was taken. */
export async function tryLockCleanup(q: Queryable): Promise<boolean> {
  const [lock] = await q.query<{ got: boolean }>(`SELECT pg_try_advisory_xact_lock(${CLEANUP_LOCK}) AS got`);
  return lock!.got;
}

/** Stamps a run at `now` unless the last one was after `dueBefore`; whether this run is due. */
export async function stampCleanupRun(q: Queryable, now: Date, dueBefore: Date): Promise<boolean> {
  const due = await q.query(
    `INSERT INTO cleanup_runs AS c (name, ran_at) VALUES ('prune', $1) ON CONFLICT (name) DO UPDATE SET ran_at = excluded.ran_at
        WHERE c.ran_at <= $2 RETURNING 1`,
    [now, dueBefore],
  );
  return due.length > 0;
}
