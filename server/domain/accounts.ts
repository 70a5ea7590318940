// Accounts and their API tokens.
import type { Queryable } from "../store/db";
import { insertAccount, type AccountRow } from "../store/accounts";
import { insertToken, type TokenRow } from "../store/tokens";
import { hashToken, newId, newSecret } from "./ids";
import { iso } from "./rows";

export const TOKEN_PREFIX = "omt";

export type { AccountRow };

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

/** A new account; none when the email has one already. */
export async function createAccountRow(q: Queryable, a: { email: string; name: string; isOperator?: boolean }, now: Date): Promise<AccountRow> {
  return (await insertAccount(q, { id: newId("acct"), email: a.email, name: a.name, isOperator: a.isOperator ?? false }, now))!;
}
