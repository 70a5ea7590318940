// The invitation quota's counters: one row per organization and minute, summed over the sliding
// 24-hour window (the clean-up prunes rows older than it).
import type { Queryable } from "./db";
import { countDeleted, Statement } from "./statement";

/** The quota's sliding window. */
export const QUOTA_WINDOW_MS = 24 * 3600 * 1000;

/** The window's total after this invitation is counted (`sent`), and the window's oldest minute. */
export interface QuotaCount {
  sent: number;
  oldest: Date;
}

/**
 * The CTEs that count `n` invitations (or re-sends; one by default) against the organization's
 * quota per 24 hours, as parts of statement `s`: `quota_bump` bumps this minute's counter (once
 * per row of `from`, when given), `quota` holds the window's total (`sent`) and its oldest minute
 * with a count (`oldest`). Put them last in the request's writes: the counter rows stay locked
 * until the commit, so concurrent invitations of one organization are counted one after another.
 *
 * The previous minute's row is locked too (`quota_prev`, a no-op upsert: it writes a 0 row when
 * that minute had none), and its count is taken from the lock, not the statement's snapshot. An
 * invitation just past a minute's turn then waits for one still counting in the minute before, and
 * sees its count: without it, the two would lock different rows, each miss the other's count, and
 * the quota could be passed by one at every turn of the minute. Rows are always locked in the
 * order of their minutes (the previous before this one), so two counts never deadlock. Exact as
 * long as no invitation takes over a minute from its request's clock reading to this statement
 * (instances' clocks included): rows older than the previous minute are read from the snapshot.
 */
export function quotaCtes(s: Statement, orgId: string, now: Date, from?: string, n = 1): string {
  const org = s.p(orgId);
  const at = s.p(now);
  const since = s.p(new Date(now.getTime() - QUOTA_WINDOW_MS));
  const count = n === 1 ? "1" : `${s.p(n)}::int`;
  return `quota_prev AS (INSERT INTO invitation_sends AS s (organization_id, minute, sent)
                   SELECT ${org}, date_trunc('minute', ${at}::timestamptz) - interval '1 minute', 0${from ? ` FROM ${from}` : ""}
                   ON CONFLICT (organization_id, minute) DO UPDATE SET sent = s.sent RETURNING minute, sent),
     quota_bump AS (INSERT INTO invitation_sends AS s (organization_id, minute, sent)
                   SELECT ${org}, date_trunc('minute', ${at}::timestamptz), ${count} FROM quota_prev
                   ON CONFLICT (organization_id, minute) DO UPDATE SET sent = s.sent + ${count} RETURNING minute, sent),
     quota AS (SELECT (b.sent + p.sent + coalesce(sum(s.sent), 0))::int AS sent,
                      least(min(s.minute), CASE WHEN p.sent > 0 THEN p.minute END, b.minute) AS oldest
       FROM quota_bump b CROSS JOIN quota_prev p
       LEFT JOIN invitation_sends s ON s.organization_id = ${org} AND s.minute > ${since} AND s.minute < p.minute AND s.sent > 0
      GROUP BY b.sent, b.minute, p.sent, p.minute)`;
}

/** Counts `n` invitations (one re-send by default) in a statement of their own; the window's count after them. */
export async function countInvitations(q: Queryable, orgId: string, now: Date, n = 1): Promise<QuotaCount> {
  const s = new Statement();
  const [row] = await q.query<QuotaCount>(`WITH ${quotaCtes(s, orgId, now, undefined, n)} SELECT sent, oldest FROM quota`, s.values);
  return row!;
}

/** Deletes the counters of minutes at or before `before`; how many. */
export async function deleteInvitationSendsBefore(q: Queryable, before: Date): Promise<number> {
  return countDeleted(q, "DELETE FROM invitation_sends WHERE minute <= $1", before);
}
