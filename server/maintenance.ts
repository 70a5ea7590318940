// What the server deletes on its own: records no request can use any more. Idempotency records
// answer replays for 24 hours, and the invitation quota counts the last 24 hours; older rows
// only take space. buildApp runs this every ten minutes (several instances on one database may
// run it side by side: each deletes what is still there).
import { IDEMPOTENCY_WINDOW_MS } from "./http/idempotency";
import { QUOTA_WINDOW_MS } from "./domain/members";
import type { Queryable } from "./store/db";
import { pruneSessions } from "./admin/sessions";

export async function pruneExpired(q: Queryable, now: Date): Promise<{ idempotencyKeys: number; invitationSends: number; sessions: number }> {
  const count = async (sql: string, before: Date) =>
    (await q.query<{ n: number }>(`WITH gone AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM gone`, [before]))[0]!.n;
  return {
    idempotencyKeys: await count("DELETE FROM idempotency_keys WHERE created_at <= $1", new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS)),
    invitationSends: await count("DELETE FROM invitation_sends WHERE minute <= $1", new Date(now.getTime() - QUOTA_WINDOW_MS)),
    sessions: await pruneSessions(q, now),
  };
}
