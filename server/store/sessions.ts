// Browser sessions' and one-time sign-in links' SQL (server/admin/sessions.ts,
// server/routes/sessions.ts): both are found by the SHA-256 of their secret, never by the secret.
import type { Queryable } from "./db";

export interface SessionRow {
  id: string;
  account_id: string;
  csrf_token: string;
  two_factor_pending: boolean;
  failed_codes: number;
  created_at: Date;
  expires_at: Date;
}

/** A session row with its account's columns beside it (the account's `created_at` as `account_created_at`). */
export type SessionAccountRow = SessionRow & Record<string, unknown>;

/** The session whose secret hashes to `hash`, with its account; locked for a write when `forUpdate`. */
export async function selectSessionByHash(q: Queryable, hash: string, forUpdate: boolean): Promise<SessionAccountRow | undefined> {
  const [row] = await q.query<SessionAccountRow>(
    `SELECT s.id, s.account_id, s.csrf_token, s.two_factor_pending, s.failed_codes, s.created_at, s.expires_at,
            a.email, a.name, a.totp_secret, a.is_operator, a.totp_last_step, a.created_at AS account_created_at
       FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1${forUpdate ? " FOR UPDATE OF s" : ""}`,
    [hash],
  );
  return row;
}

export async function insertSession(
  q: Queryable,
  s: { id: string; accountId: string; hash: string; csrfToken: string; twoFactorPending: boolean; expiresAt: Date },
  now: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO sessions (id, account_id, token_hash, csrf_token, two_factor_pending, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [s.id, s.accountId, s.hash, s.csrfToken, s.twoFactorPending, now, s.expiresAt],
  );
}

export async function deleteSession(q: Queryable, id: string): Promise<void> {
  await q.query("DELETE FROM sessions WHERE id = $1", [id]);
}

export async function updateSessionFailedCodes(q: Queryable, id: string, failed: number): Promise<void> {
  await q.query("UPDATE sessions SET failed_codes = $2 WHERE id = $1", [id, failed]);
}

/** The session's second factor is given: a new secret (hash), no failed codes, a new end. */
export async function completeSessionTwoFactor(q: Queryable, id: string, hash: string, expiresAt: Date): Promise<void> {
  await q.query("UPDATE sessions SET token_hash = $2, two_factor_pending = false, failed_codes = 0, expires_at = $3 WHERE id = $1", [id, hash, expiresAt]);
}

/** Deletes the sessions that ended at or before `now`; how many. */
export async function deleteEndedSessions(q: Queryable, now: Date): Promise<number> {
  const gone = await q.query("DELETE FROM sessions WHERE expires_at <= $1 RETURNING 1", [now]);
  return gone.length;
}

/** The advisory lock class of sign-in mails per address (migrations hold 7274211, the clean-up 7274212, bootstrap 7274213). */
const SIGN_IN_LOCK = 7274214;

/** Waits for, then holds to the transaction's end, the lock of sign-in mails to one (normalized) address. */
export async function lockSignInAddress(q: Queryable, normalized: string): Promise<void> {
  await q.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [SIGN_IN_LOCK, normalized]);
}

/** When the links to the (normalized) address created after `since` were created, oldest first. */
export async function selectSignInLinkTimes(q: Queryable, normalized: string, since: Date): Promise<{ created_at: Date }[]> {
  return q.query<{ created_at: Date }>("SELECT created_at FROM sign_in_links WHERE email_normalized = $1 AND created_at > $2 ORDER BY created_at", [
    normalized,
    since,
  ]);
}

/** A sign-in link; without an account (an address nobody has) it has no hash and signs nobody in, but counts against the limit. */
export async function insertSignInLink(
  q: Queryable,
  l: { id: string; normalized: string; accountId: string | null; hash: string | null; expiresAt: Date },
  now: Date,
): Promise<void> {
  await q.query("INSERT INTO sign_in_links (id, email_normalized, account_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)", [
    l.id,
    l.normalized,
    l.accountId,
    l.hash,
    now,
    l.expiresAt,
  ]);
}

export interface SignInLinkRow {
  id: string;
  account_id: string;
  expires_at: Date;
  used_at: Date | null;
  totp_secret: string | null;
}

/** The link whose secret hashes to `hash`, with its account's TOTP secret, locked. */
export async function lockSignInLinkByHash(q: Queryable, hash: string): Promise<SignInLinkRow | undefined> {
  const [link] = await q.query<SignInLinkRow>(
    `SELECT l.id, l.account_id, l.expires_at, l.used_at, a.totp_secret FROM sign_in_links l JOIN accounts a ON a.id = l.account_id
        WHERE l.token_hash = $1 FOR UPDATE OF l`,
    [hash],
  );
  return link;
}

export async function markSignInLinkUsed(q: Queryable, id: string, now: Date): Promise<void> {
  await q.query("UPDATE sign_in_links SET used_at = $2 WHERE id = $1", [id, now]);
}

/** Deletes the links that expired at or before `now` and were created at or before `createdBefore`. */
export async function deleteEndedSignInLinks(q: Queryable, now: Date, createdBefore: Date): Promise<void> {
  await q.query("DELETE FROM sign_in_links WHERE expires_at <= $1 AND created_at <= $2", [now, createdBefore]);
}
