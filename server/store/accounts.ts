// Accounts' SQL: the account row, its memberships as GET /v1/me lists them, its name, and its
// TOTP two-factor secrets (pending until confirmed with a code, then active).
import type { Queryable } from "./db";

export interface AccountRow {
  id: string;
  email: string;
  name: string;
  totp_secret: string | null;
  created_at: Date;
}

const ACCOUNT_COLUMNS = "id, email, name, totp_secret, created_at";

/** A new account; none when the email (case-insensitively) has one already. */
export async function insertAccount(
  q: Queryable,
  a: { id: string; email: string; name: string; isOperator: boolean },
  now: Date,
): Promise<AccountRow | undefined> {
  const [row] = await q.query<AccountRow>(
    `INSERT INTO accounts (id, email, email_normalized, name, is_operator, created_at) VALUES ($1, $2, lower($2), $3, $4, $5)
     ON CONFLICT (email_normalized) DO NOTHING RETURNING ${ACCOUNT_COLUMNS}`,
    [a.id, a.email, a.name, a.isOperator, now],
  );
  return row;
}

export async function selectAccount(q: Queryable, id: string): Promise<AccountRow | undefined> {
  const [row] = await q.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`, [id]);
  return row;
}

/** Sets the name when given; the account as it is then. */
export async function updateAccountName(q: Queryable, id: string, name: string | null): Promise<AccountRow | undefined> {
  const [row] = await q.query<AccountRow>(`UPDATE accounts SET name = COALESCE($2, name) WHERE id = $1 RETURNING ${ACCOUNT_COLUMNS}`, [id, name]);
  return row;
}

export interface MembershipRow {
  organization_id: string;
  organization_slug: string;
  member_id: string;
  is_owner: boolean;
}

/** The account's active memberships in organization ID order, within `orgIds` when given (a restricted token's). */
export async function selectMemberships(q: Queryable, accountId: string, orgIds: string[] | null): Promise<MembershipRow[]> {
  return q.query<MembershipRow>(
    `SELECT o.id AS organization_id, o.slug AS organization_slug, m.id AS member_id, o.owner_account_id = m.account_id AS is_owner
       FROM members m JOIN organizations o ON o.id = m.organization_id
      WHERE m.account_id = $1 AND m.joined_at IS NOT NULL AND ($2::text[] IS NULL OR o.id = ANY($2)) ORDER BY o.id`,
    [accountId, orgIds],
  );
}

/** The organizations among `orgIds` the account is an active member of. */
export async function selectMemberOrgIds(q: Queryable, accountId: string, orgIds: string[]): Promise<string[]> {
  const rows = await q.query<{ organization_id: string }>(
    "SELECT organization_id FROM members WHERE account_id = $1 AND joined_at IS NOT NULL AND organization_id = ANY($2)",
    [accountId, orgIds],
  );
  return rows.map((r) => r.organization_id);
}

export interface TwoFactorRow {
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: string | null;
}

/** The account's two-factor state, locked until the request's transaction ends. */
export async function lockTwoFactor(q: Queryable, accountId: string): Promise<TwoFactorRow> {
  const [row] = await q.query<TwoFactorRow>("SELECT totp_secret, totp_pending_secret, totp_last_step FROM accounts WHERE id = $1 FOR UPDATE", [accountId]);
  return row!;
}

export async function setPendingTwoFactor(q: Queryable, accountId: string, secret: string): Promise<void> {
  await q.query("UPDATE accounts SET totp_pending_secret = $2 WHERE id = $1", [accountId, secret]);
}

/** The pending secret becomes the account's, with the step of the code that confirmed it. */
export async function activatePendingTwoFactor(q: Queryable, accountId: string, step: number): Promise<AccountRow> {
  const [row] = await q.query<AccountRow>(
    `UPDATE accounts SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_last_step = $2
        WHERE id = $1 RETURNING ${ACCOUNT_COLUMNS}`,
    [accountId, step],
  );
  return row!;
}

export async function clearTwoFactor(q: Queryable, accountId: string): Promise<void> {
  await q.query("UPDATE accounts SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL WHERE id = $1", [accountId]);
}

/** The lock of the first start, held to the transaction's end: instances starting together on one PostgreSQL create the operator once. */
export async function lockOperatorBootstrap(q: Queryable): Promise<void> {
  await q.query("SELECT pg_advisory_xact_lock(7274213)");
}

/** The first operator account, if there is one. */
export async function selectFirstOperator(q: Queryable): Promise<{ id: string; email: string } | undefined> {
  const [row] = await q.query<{ id: string; email: string }>("SELECT id, email FROM accounts WHERE is_operator ORDER BY created_at LIMIT 1");
  return row;
}

/** The account with this normalized (lower-case) email, if any. */
export async function selectAccountByEmail(q: Queryable, normalized: string): Promise<{ id: string; email: string } | undefined> {
  const [row] = await q.query<{ id: string; email: string }>("SELECT id, email FROM accounts WHERE email_normalized = $1", [normalized]);
  return row;
}

/** The step of the last TOTP code used, so it is not accepted twice. */
export async function updateTotpLastStep(q: Queryable, accountId: string, step: number): Promise<void> {
  await q.query("UPDATE accounts SET totp_last_step = $2 WHERE id = $1", [accountId, step]);
}

/** The account with this email (case-insensitively), with its member ID in the organization (null: none). */
export async function selectAccountByEmailWithMembership(
  q: Queryable,
  email: string,
  orgId: string,
): Promise<{ id: string; email: string; name: string; member_id: string | null } | undefined> {
  const [a] = await q.query<{ id: string; email: string; name: string; member_id: string | null }>(
    `SELECT a.id, a.email, a.name, (SELECT m.id FROM members m WHERE m.organization_id = $2 AND m.account_id = a.id) AS member_id
         FROM accounts a WHERE a.email_normalized = lower($1)`,
    [email, orgId],
  );
  return a;
}
