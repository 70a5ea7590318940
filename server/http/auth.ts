// Bearer tokens: looked up by their SHA-256, never stored in the clear.
import { createHash } from "node:crypto";
import type { Caller } from "../context";
import { fail } from "../errors";
import type { Queryable } from "../store/db";

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

interface Row {
  token_id: string;
  account_id: string;
  email: string;
  name: string;
  is_operator: boolean;
  totp_secret: string | null;
  organization_ids: string[] | null;
  expires_at: Date;
  last_used_at: Date | null;
}

export async function authenticate(db: Queryable, header: string | undefined, now: Date): Promise<Caller> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) fail("unauthenticated", header ? "the Authorization header must be `Bearer <token>`" : "send an API token as `Authorization: Bearer <token>`");
  const [row] = await db.query<Row>(
    `SELECT t.id AS token_id, t.organization_ids, t.expires_at, t.last_used_at, a.id AS account_id, a.email, a.name, a.is_operator, a.totp_secret
       FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = $1`,
    [hashToken(m[1]!)],
  );
  if (!row) fail("unauthenticated", "the API token is not valid");
  if (new Date(row.expires_at) <= now) fail("unauthenticated", "the API token has expired: create a new one");
  // last_used_at is informational: written at most once a minute per token.
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await db.query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", [row.token_id, now]);
  }
  return {
    accountId: row.account_id,
    email: row.email,
    name: row.name,
    isOperator: row.is_operator,
    twoFactorEnabled: row.totp_secret !== null,
    tokenId: row.token_id,
    tokenOrgIds: row.organization_ids,
  };
}
