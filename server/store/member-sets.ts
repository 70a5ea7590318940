// The SQL of the set endpoints: each reads or writes a whole set in one statement, with the rows
// passed as one JSON array (jsonb_to_recordset), whatever the set's size. What is written is what
// the per-member and per-grant handlers write, row for row, and one audit event per change.
import type { Ctx } from "../context";
import { QUOTA_WINDOW_MS } from "./invitation-sends";
import { MEMBER_COLUMNS, MEMBER_FROM, type MemberRow } from "./members";
import type { RoleRef } from "./roles";
import type { SetState } from "../domain/member-sets";
import type { Queryable } from "./db";

/** The organization's members, roles and teams; the members locked for update when asked (an apply). */
export async function loadMemberSet(q: Queryable, orgId: string, lock: boolean): Promise<SetState> {
  if (lock) await q.query("SELECT 1 FROM members WHERE organization_id = $1 FOR UPDATE", [orgId]);
  const members = await q.query<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM} WHERE m.organization_id = $1 ORDER BY m.email_normalized`, [orgId]);
  const roles = await q.query<RoleRef>("SELECT id, builtin, permissions, name FROM roles WHERE organization_id = $1", [orgId]);
  const teams = await q.query<{ id: string; name: string }>("SELECT id, name FROM teams WHERE organization_id = $1", [orgId]);
  return { members, roles, teams };
}

/** Invitations the organization may still send in the quota's 24-hour window. */
export async function invitationQuotaLeft(ctx: Pick<Ctx, "q" | "now" | "config">, orgId: string): Promise<number> {
  const since = new Date(ctx.now.getTime() - QUOTA_WINDOW_MS);
  const [row] = await ctx.q.query<{ sent: number }>(
    "SELECT coalesce(sum(sent), 0)::int AS sent FROM invitation_sends WHERE organization_id = $1 AND minute > $2",
    [orgId, since],
  );
  return Math.max(0, ctx.config.invitationQuota - row!.sent);
}

export interface NewMember {
  id: string;
  email: string;
  permissions: string[];
  hash: string;
  note: string | null;
  role_ids: string[];
  team_ids: string[];
}

/** Inserts the invitations with their roles and teams; answers the IDs inserted (an email invited meanwhile is left out). */
export async function insertMembers(ctx: Pick<Ctx, "q" | "now" | "caller">, orgId: string, expiresAt: Date, rows: NewMember[]): Promise<string[]> {
  if (!rows.length) return [];
  const inserted = await ctx.q.query<{ id: string }>(
    `WITH v AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(id text, email text, permissions text[], hash text, note text, role_ids text[], team_ids text[])),
       m AS (
         INSERT INTO members (id, organization_id, email, email_normalized, permissions, invitation_token_hash, invitation_expires_at,
                              invited_by_account_id, invitation_note, invitation_sent_count, created_at)
         SELECT v.id, $2, v.email, lower(v.email), v.permissions, v.hash, $3, $4, v.note, 1, $5 FROM v
         ON CONFLICT (organization_id, email_normalized) DO NOTHING RETURNING id),
       r AS (INSERT INTO member_roles (member_id, role_id) SELECT v.id, unnest(v.role_ids) FROM v JOIN m ON m.id = v.id ON CONFLICT DO NOTHING),
       t AS (INSERT INTO team_members (team_id, member_id, created_at) SELECT unnest(v.team_ids), v.id, $5 FROM v JOIN m ON m.id = v.id ON CONFLICT DO NOTHING)
     SELECT id FROM m`,
    [JSON.stringify(rows), orgId, expiresAt, ctx.caller!.accountId, ctx.now],
  );
  return inserted.map((r) => r.id);
}

export interface MemberChange {
  id: string;
  role_ids?: string[];
  team_ids?: string[];
  permissions?: string[];
}

/** Replaces the roles, teams and permissions each change names, and moves each member's version. */
export async function updateMembers(ctx: Pick<Ctx, "q" | "now">, rows: MemberChange[]): Promise<void> {
  if (!rows.length) return;
  const roles = JSON.stringify(rows.filter((r) => r.role_ids).map((r) => ({ id: r.id, ids: r.role_ids })));
  const teams = JSON.stringify(rows.filter((r) => r.team_ids).map((r) => ({ id: r.id, ids: r.team_ids })));
  const SET = "jsonb_to_recordset($1::jsonb) AS v(id text, ids text[])";
  await ctx.q.query(`DELETE FROM member_roles x USING ${SET} WHERE x.member_id = v.id AND NOT (x.role_id = ANY(v.ids))`, [roles]);
  await ctx.q.query(`INSERT INTO member_roles (member_id, role_id) SELECT v.id, unnest(v.ids) FROM ${SET} ON CONFLICT DO NOTHING`, [roles]);
  await ctx.q.query(`DELETE FROM team_members x USING ${SET} WHERE x.member_id = v.id AND NOT (x.team_id = ANY(v.ids))`, [teams]);
  await ctx.q.query(`INSERT INTO team_members (team_id, member_id, created_at) SELECT unnest(v.ids), v.id, $2 FROM ${SET} ON CONFLICT DO NOTHING`, [
    teams,
    ctx.now,
  ]);
  await ctx.q.query(
    `UPDATE members m SET version = m.version + 1, permissions = coalesce(v.permissions, m.permissions)
       FROM jsonb_to_recordset($1::jsonb) AS v(id text, permissions text[]) WHERE m.id = v.id`,
    [JSON.stringify(rows.map((r) => ({ id: r.id, permissions: r.permissions ?? null })))],
  );
}

/** Removes the members and their direct project grants; answers the grants removed (for their audit events). */
export async function deleteMembers(q: Queryable, orgId: string, ids: string[]): Promise<{ project_id: string; principal_id: string; role: string }[]> {
  if (!ids.length) return [];
  const grants = await q.query<{ project_id: string; principal_id: string; role: string }>(
    `DELETE FROM project_access g USING projects p
      WHERE p.id = g.project_id AND p.organization_id = $1 AND g.principal_type = 'members' AND g.principal_id = ANY($2)
      RETURNING g.project_id, g.principal_id, g.role`,
    [orgId, ids],
  );
  await q.query("DELETE FROM members WHERE organization_id = $1 AND id = ANY($2)", [orgId, ids]);
  return grants;
}
