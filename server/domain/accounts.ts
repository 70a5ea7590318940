// Accounts and their API tokens.
import type { Queryable } from "../store/db";
import { hashToken } from "../http/auth";
import { newId, newSecret } from "./ids";
import { iso } from "./rows";

export const TOKEN_PREFIX = "omt";

export interface AccountRow {
  id: string;
  email: string;
  name: string;
  totp_secret: string | null;
  created_at: Date;
}

export const toAccount = (r: AccountRow) => ({
  id: r.id,
  email: r.email,
  name: r.name,
  two_factor_enabled: r.totp_secret !== null,
  created_at: iso(r.created_at)!,
});

export interface TokenRow {
  id: string;
  name: string;
  organization_ids: string[] | null;
  expires_at: Date;
  last4: string;
  created_at: Date;
  last_used_at: Date | null;
}

export const toToken = (r: TokenRow) => ({
  id: r.id,
  name: r.name,
  organization_ids: r.organization_ids,
  expires_at: iso(r.expires_at)!,
  last4: r.last4,
  created_at: iso(r.created_at)!,
  last_used_at: iso(r.last_used_at),
});

/** Stores a token's hash; the secret itself is returned once. A given secret (bootstrap) is used as is. */
export async function issueToken(
  q: Queryable,
  accountId: string,
  t: { name: string; expiresAt: Date; organizationIds?: string[] | null; secret?: string },
  now: Date,
) {
  const secret = t.secret ?? newSecret(TOKEN_PREFIX);
  const id = newId("tok");
  const [row] = await q.query<TokenRow>(
    `INSERT INTO api_tokens (id, account_id, name, token_hash, last4, organization_ids, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, name, organization_ids, expires_at, last4, created_at, last_used_at`,
    [id, accountId, t.name, hashToken(secret), secret.slice(-4), t.organizationIds ?? null, t.expiresAt, now],
  );
  return { ...toToken(row!), token: secret };
}

export async function createAccountRow(q: Queryable, a: { email: string; name: string; isOperator?: boolean }, now: Date): Promise<AccountRow> {
  const [row] = await q.query<AccountRow>(
    `INSERT INTO accounts (id, email, email_normalized, name, is_operator, created_at) VALUES ($1, $2, lower($2), $3, $4, $5)
     ON CONFLICT (email_normalized) DO NOTHING RETURNING id, email, name, totp_secret, created_at`,
    [newId("acct"), a.email, a.name, a.isOperator ?? false, now],
  );
  return row!;
}
