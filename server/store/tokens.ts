// API tokens' SQL: the row a caller is made of (looked up by the token's SHA-256, never by the
// secret), issuing, listing and revoking an account's tokens, and the last-use stamp.
import type { Queryable } from "./db";

/** The row a request's caller is made of: the token and its account. */
export interface CallerTokenRow {
  token_id: string;
  account_id: string;
  email: string;
  name: string;
  is_operator: boolean;
  totp_secret: string | null;
  organization_ids: string[] | null;
  expires_at: Date | string;
  last_used_at: Date | string | null;
}

/** A token as its account lists it. */
export interface TokenRow {
  id: string;
  name: string;
  organization_ids: string[] | null;
  expires_at: Date;
  last4: string;
  created_at: Date;
  last_used_at: Date | null;
}

const TOKEN_COLUMNS = "id, name, organization_ids, expires_at, last4, created_at, last_used_at";

/** SQL: the caller's row of the token whose SHA-256 is the parameter `hash` (`$1`…), one row or none; a part of a larger statement where it is folded in. */
export const callerTokenSql = (hash: string) => `SELECT t.id AS token_id, t.organization_ids, t.expires_at, t.last_used_at, a.id AS account_id, a.email, a.name,
       a.is_operator, a.totp_secret FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ${hash}`;

/** The caller's row of the token with SHA-256 `hash`, in a statement of its own. */
export async function selectCallerToken(q: Queryable, hash: string): Promise<CallerTokenRow | undefined> {
  const [row] = await q.query<CallerTokenRow>(callerTokenSql("$1"), [hash]);
  return row;
}

export async function stampTokenUse(q: Queryable, tokenId: string, now: Date): Promise<void> {
  await q.query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", [tokenId, now]);
}

export async function tokenHashExists(q: Queryable, hash: string): Promise<boolean> {
  const rows = await q.query("SELECT 1 FROM api_tokens WHERE token_hash = $1", [hash]);
  return rows.length > 0;
}

export async function insertToken(
  q: Queryable,
  t: { id: string; accountId: string; name: string; hash: string; last4: string; organizationIds: string[] | null; expiresAt: Date },
  now: Date,
): Promise<TokenRow> {
  const [row] = await q.query<TokenRow>(
    `INSERT INTO api_tokens (id, account_id, name, token_hash, last4, organization_ids, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${TOKEN_COLUMNS}`,
    [t.id, t.accountId, t.name, t.hash, t.last4, t.organizationIds, t.expiresAt, now],
  );
  return row!;
}

/**
 * SQL: the token row is one the caller's token may see and revoke (`scope`: the parameter with the
 * caller's token's organizations): any, for an unrestricted token; for a restricted one, only tokens restricted to
 * some of its own organizations (those it could have created), so it neither lists the account's
 * other organizations nor revokes the account's broader tokens.
 */
const withinScope = (scope: string) => `(${scope}::text[] IS NULL OR (organization_ids IS NOT NULL AND organization_ids <@ ${scope}::text[]))`;

/** A page of the account's tokens within `scope` (a restricted token's organizations; null: all), after the ID `after`. */
export async function selectTokenPage(q: Queryable, accountId: string, scope: string[] | null, after: string | null, limit: number): Promise<TokenRow[]> {
  return q.query<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE account_id = $1 AND ($2::text IS NULL OR id > $2) AND ${withinScope("$4")} ORDER BY id LIMIT $3`,
    [accountId, after, limit, scope],
  );
}

/** Revokes the account's token `tokenId` if `scope` covers it; whether one was revoked. */
export async function deleteToken(q: Queryable, accountId: string, tokenId: string, scope: string[] | null): Promise<boolean> {
  const gone = await q.query(`DELETE FROM api_tokens WHERE id = $1 AND account_id = $2 AND ${withinScope("$3")} RETURNING id`, [tokenId, accountId, scope]);
  return gone.length > 0;
}
