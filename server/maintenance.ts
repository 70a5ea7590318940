// What the server deletes on its own: records no request can use any more. Idempotency records
// answer replays for 24 hours, the invitation quota counts the last 24 hours, and rate-limit
// counts their second or minute; older rows only take space. buildApp runs this every ten
// minutes (ORGS_CLEANUP_EVERY). Several instances on one PostgreSQL run it once per interval
// between them: the first to come takes an advisory lock and stamps the run in cleanup_runs,
// and the others find it taken or stamped and do nothing.
import { IDEMPOTENCY_WINDOW_MS } from "./http/idempotency";
import { deleteInvitationSendsBefore, QUOTA_WINDOW_MS } from "./store/invitation-sends";
import type { Db, Queryable } from "./store/db";
import { deleteIdempotencyRecordsBefore } from "./store/idempotency-keys";
import { deleteRateCountsBefore } from "./store/rate-counts";
import { deleteEndedSessions, deleteEndedSignInLinks } from "./store/sessions";
import { stampCleanupRun, tryLockCleanup } from "./store/cleanup-runs";

export interface Pruned {
  idempotencyKeys: number;
  invitationSends: number;
  rateCounts: number;
  sessions: number;
}

/** Rate-limit counts idle this long are deleted (their windows are a minute at most). */
const RATE_COUNT_IDLE_MS = 3600_000;

export async function pruneExpired(q: Queryable, now: Date): Promise<Pruned> {
  return {
    idempotencyKeys: await deleteIdempotencyRecordsBefore(q, new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS)),
    invitationSends: await deleteInvitationSendsBefore(q, new Date(now.getTime() - QUOTA_WINDOW_MS)),
    rateCounts: await deleteRateCountsBefore(q, now.getTime() - RATE_COUNT_IDLE_MS),
    sessions: await pruneSessions(q, now),
  };
}

/** Sessions and sign-in links no request can use any more; how many sessions. */
async function pruneSessions(q: Queryable, now: Date): Promise<number> {
  const gone = await deleteEndedSessions(q, now);
  // Links are kept an hour past creation at least: the mail limit counts them.
  await deleteEndedSignInLinks(q, now, new Date(now.getTime() - 3600_000));
  return gone;
}

/**
 * One clean-up run, unless another instance is running one or ran one less than `everyMs` ago
 * (undefined then). A run 10% early still counts as due, so timers that drift do not skip one.
 */
export async function cleanUp(db: Db, now: Date, everyMs: number): Promise<Pruned | undefined> {
  if (db.kind !== "postgres") return pruneExpired(db, now);
  return db.tx(async (q) => {
    if (!(await tryLockCleanup(q))) return undefined;
    return (await stampCleanupRun(q, now, new Date(now.getTime() - everyMs * 0.9))) ? pruneExpired(q, now) : undefined;
  });
}
