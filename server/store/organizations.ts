// Organizations' SQL: the row as every read returns it (with the IDs of its owner's membership,
// default team and built-in roles), lookups by ID or slug, the caller's standing in one (folded
// with the token's check when the request owes it), the list, create and delete.
import type { Permission } from "../../api/common";
import type { Queryable } from "./db";
import { HOLDS_ADMIN_ROLE_OF_M, ROLE_PERMISSIONS_OF_M } from "./permissions";
import { Statement } from "./statement";
import { callerTokenSql, type CallerTokenRow } from "./tokens";

export interface OrgRow {
  id: string;
  slug: string;
  name: string;
  website_url: string | null;
  region: "us" | "eu";
  plan: string;
  require_two_factor: boolean;
  owner_account_id: string;
  owner_member_id: string;
  default_team_id: string;
  default_role_id: string;
  admin_role_id: string;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const ORG_COLUMNS = `o.id, o.slug, o.name, o.website_url, o.region, o.plan, o.require_two_factor, o.owner_account_id,
  (SELECT m.id FROM members m WHERE m.organization_id = o.id AND m.account_id = o.owner_account_id) AS owner_member_id,
  (SELECT t.id FROM teams t WHERE t.organization_id = o.id AND t.is_default) AS default_team_id,
  (SELECT r.id FROM roles r WHERE r.organization_id = o.id AND r.builtin = 'DEFAULT') AS default_role_id,
  (SELECT r.id FROM roles r WHERE r.organization_id = o.id AND r.builtin = 'ADMIN') AS admin_role_id,
  o.created_at, o.updated_at, o.version`;

/** SQL condition on organizations `o`: the org that the parameter `p` (holding `ref`) names, by ID or by slug. */
const orgNamedBy = (p: string, ref: string) => (ref.startsWith("org_") ? `o.id = ${p}` : `o.slug = lower(${p})`);

/** The org `ref` names, by ID or slug. */
export async function selectOrg(q: Queryable, ref: string): Promise<OrgRow | undefined> {
  const [row] = await q.query<OrgRow>(`SELECT ${ORG_COLUMNS} FROM organizations o WHERE ${orgNamedBy("$1", ref)}`, [ref]);
  return row;
}

/** An organization with one account's standing in it: its active membership (null: none), the member's own and its roles' permissions, ADMIN. */
export type OrgStandingRow = OrgRow & {
  member_id: string | null;
  member_permissions: Permission[] | null;
  role_permissions: Permission[] | null;
  is_admin: boolean;
};

/**
 * The org `ref` names (by ID or slug) with the account's standing in it, in one statement.
 * `forUpdate` locks the organization; `lockMember` locks that member of it in the same statement
 * (its row is read after this one, so what is read is what the lock holds). With `tokenHash`, the
 * statement reads the caller's row of that token too (`token`), whether or not the organization exists.
 */
export async function selectOrgStanding(
  q: Queryable,
  o: { ref: string; accountId: string; forUpdate?: boolean; lockMember?: string; tokenHash?: string },
): Promise<{ org: OrgStandingRow | undefined; token?: CallerTokenRow | null }> {
  const s = new Statement();
  const named = s.p(o.ref);
  const accountId = s.p(o.accountId);
  const lock = o.lockMember
    ? `, (SELECT true FROM members lm WHERE lm.id = ${s.p(o.lockMember)} AND lm.organization_id = o.id FOR UPDATE) AS member_locked`
    : "";
  const access = `SELECT ${ORG_COLUMNS}, m.id AS member_id, m.permissions AS member_permissions,
            ${ROLE_PERMISSIONS_OF_M} AS role_permissions, ${HOLDS_ADMIN_ROLE_OF_M} AS is_admin${lock}
       FROM organizations o LEFT JOIN members m ON m.organization_id = o.id AND m.account_id = ${accountId} AND m.joined_at IS NOT NULL
      WHERE ${orgNamedBy(named, o.ref)}${o.forUpdate ? " FOR UPDATE OF o" : ""}`;
  type Row = OrgStandingRow & { member_locked?: boolean | null };
  let row: Row | undefined;
  let token: CallerTokenRow | null | undefined;
  if (o.tokenHash !== undefined) {
    const [r] = await q.query<Row & { token: CallerTokenRow | null }>(
      `SELECT (SELECT row_to_json(tok) FROM (${callerTokenSql(s.p(o.tokenHash))}) tok) AS token, x.*
         FROM (VALUES (1)) one LEFT JOIN (${access}) x ON true`,
      s.values,
    );
    const { token: t, ...rest } = r!;
    token = t;
    row = rest.id === null ? undefined : rest;
  } else {
    [row] = await q.query<Row>(access, s.values);
  }
  if (row) delete row.member_locked;
  return o.tokenHash !== undefined ? { org: row, token } : { org: row };
}

/** A page of the organizations the account is an active member of, after the ID `after`, by slug when given, within `orgIds` when given (a restricted token's). */
export async function selectOrgPageOf(
  q: Queryable,
  accountId: string,
  f: { slug: string | null; orgIds: string[] | null },
  after: string | null,
  limit: number,
): Promise<OrgRow[]> {
  return q.query<OrgRow>(
    `SELECT ${ORG_COLUMNS} FROM organizations o JOIN members me ON me.organization_id = o.id AND me.account_id = $1 AND me.joined_at IS NOT NULL
        WHERE ($2::text IS NULL OR o.id > $2) AND ($3::text IS NULL OR o.slug = lower($3))
          AND ($5::text[] IS NULL OR o.id = ANY($5))
        ORDER BY o.id LIMIT $4`,
    [accountId, after, f.slug, limit, f.orgIds],
  );
}

export async function insertOrganization(
  q: Queryable,
  o: { id: string; slug: string; name: string; websiteUrl: string | null; region: string; plan: string; requireTwoFactor: boolean; ownerAccountId: string },
  now: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO organizations (id, slug, name, website_url, region, plan, require_two_factor, owner_account_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
    [o.id, o.slug, o.name, o.websiteUrl, o.region, o.plan, o.requireTwoFactor, o.ownerAccountId, now],
  );
}

export async function deleteOrganization(q: Queryable, id: string): Promise<void> {
  await q.query("DELETE FROM organizations WHERE id = $1", [id]);
}
