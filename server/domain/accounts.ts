// Accounts and their API tokens.
import type { Queryable } from "../store/db";
import { insertToken, type TokenRow } from "../store/tokens";
import { hashToken, newId, newSecret } from "./ids";
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
  const row = await insertToken(
    q,
    {
      id: newId("tok"),
      accountId,
      name: t.name,
      hash: hashToken(secret),
      last4: secret.slice(-4),
      organizationIds: t.organizationIds ?? null,
      expiresAt: t.expiresAt,
    },
    now,
  );
  return { ...toToken(row), token: secret };
}

export async function createAccountRow(q: Queryable, a: { email: string; name: string; isOperator?: boolean }, now: Date): Promise<AccountRow> {
  const [row] = await q.query<AccountRow>(
    `INSERT INTO accounts (id, email, email_normalized, name, is_operator, created_at) VALUES ($1, $2, lower($2), $3, $4, $5)
     ON CONFLICT (email_normalized) DO NOTHING RETURNING id, email, name, totp_secret, created_at`,
    [newId("acct"), a.email, a.name, a.isOperator ?? false, now],
  );
  return row!;
}
