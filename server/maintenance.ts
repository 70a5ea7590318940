// What the server deletes on its own: records no request can use any more. Idempotency records
// answer replays for 24 hours, the invitation quota counts the last 24 hours, and rate-limit
// counts their second or minute; older rows only take space. buildApp runs this every ten
// minutes (ORGS_CLEANUP_EVERY). Several instances on one PostgreSQL run it once per interval
// between them: the first to come takes an advisory lock and stamps the run in cleanup_runs,
// and the others find it taken or stamped and do nothing.
import { IDEMPOTENCY_WINDOW_MS } from "./http/idempotency";
import { QUOTA_WINDOW_MS } from "./store/invitation-sends";
import type { Db, Queryable } from "./store/db";
import { pruneSessions } from "./admin/sessions";

export interface Pruned {
  idempotencyKeys: number;
  invitationSends: number;
  rateCounts: number;
  sessions: number;
}

/** Rate-limit counts idle this long are deleted (their windows are a minute at most). */
const RATE_COUNT_IDLE_MS = 3600_000;

export async function pruneExpired(q: Queryable, now: Date): Promise<Pruned> {
  const count = async (sql: string, before: Date | number) =>
    (await q.query<{ n: number }>(`WITH gone AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM gone`, [before]))[0]!.n;
  return {
    idempotencyKeys: await count("DELETE FROM idempotency_keys WHERE created_at <= $1", new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS)),
    invitationSends: await count("DELETE FROM invitation_sends WHERE minute <= $1", new Date(now.getTime() - QUOTA_WINDOW_MS)),
    rateCounts: await count("DELETE FROM rate_counts WHERE window_start <= $1", now.getTime() - RATE_COUNT_IDLE_MS),
    sessions: await pruneSessions(q, now),
  };
}

/** The advisory lock key of the clean-up (migrations hold 7274211). */
const CLEANUP_LOCK = 7274212;

/**
 * One clean-up run, unless another instance is running one or ran one less than `everyMs` ago
 * (undefined then). A run 10% early still counts as due, so timers that drift do not skip one.
 */
export async function cleanUp(db: Db, now: Date, everyMs: number): Promise<Pruned | undefined> {
  if (db.kind !== "postgres") return pruneExpired(db, now);
  return db.tx(async (q) => {
    const [lock] = await q.query<{ got: boolean }>(`SELECT pg_try_advisory_xact_lock(${CLEANUP_LOCK}) AS got`);
    if (!lock!.got) return undefined;
    const due = await q.query(
      `INSERT INTO cleanup_runs AS c (name, ran_at) VALUES ('prune', $1) ON CONFLICT (name) DO UPDATE SET ran_at = excluded.ran_at
        WHERE c.ran_at <= $2 RETURNING 1`,
      [now, new Date(now.getTime() - everyMs * 0.9)],
    );
    return due.length ? pruneExpired(q, now) : undefined;
  });
}
