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
 * The CTEs that count one invitation (or re-send) against the organization's quota per 24 hours,
 * as parts of statement `s`: `quota_bump` bumps this minute's counter (once per row of `from`,
 * when given), `quota` holds the window's total (`sent`) and its oldest minute (`oldest`). Put
 * them last in the request's writes: the counter row of this minute stays locked until the
 * commit, so concurrent invitations of one organization are counted one after another.
 */
export function quotaCtes(s: Statement, orgId: string, now: Date, from?: string): string {
  const org = s.p(orgId);
  const at = s.p(now);
  const since = s.p(new Date(now.getTime() - QUOTA_WINDOW_MS));
  return `quota_bump AS (INSERT INTO invitation_sends AS s (organization_id, minute, sent)
                   SELECT ${org}, date_trunc('minute', ${at}::timestamptz), 1${from ? ` FROM ${from}` : ""}
                   ON CONFLICT (organization_id, minute) DO UPDATE SET sent = s.sent + 1 RETURNING minute, sent),
     quota AS (SELECT (b.sent + coalesce(sum(s.sent), 0))::int AS sent, least(min(s.minute), b.minute) AS oldest
       FROM quota_bump b LEFT JOIN invitation_sends s ON s.organization_id = ${org} AND s.minute > ${since} AND s.minute <> b.minute
      GROUP BY b.sent, b.minute)`;
}

/** Counts one invitation (or re-send) in a statement of its own; the window's count after it. */
export async function countOneInvitation(q: Queryable, orgId: string, now: Date): Promise<QuotaCount> {
  const s = new Statement();
  const [row] = await q.query<QuotaCount>(`WITH ${quotaCtes(s, orgId, now)} SELECT sent, oldest FROM quota`, s.values);
  return row!;
}

/** The oldest minute of the organization's window with a count (none: undefined). */
export async function selectOldestCountedMinute(q: Queryable, orgId: string, now: Date): Promise<Date | undefined> {
  const [row] = await q.query<{ oldest: Date | null }>("SELECT min(minute) AS oldest FROM invitation_sends WHERE organization_id = $1 AND minute > $2", [
    orgId,
    new Date(now.getTime() - QUOTA_WINDOW_MS),
  ]);
  return row?.oldest ?? undefined;
}

/** Deletes the counters of minutes at or before `before`; how many. */
export async function deleteInvitationSendsBefore(q: Queryable, before: Date): Promise<number> {
  return countDeleted(q, "DELETE FROM invitation_sends WHERE minute <= $1", before);
}
