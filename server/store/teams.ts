// Teams' and team memberships' SQL: the rows as every read returns them, lists, writes, and the
// members a team's deletion would touch.
import type { Queryable } from "./db";
import { selectOrgPage } from "./org-pages";
import { MEMBER_COLUMNS, MEMBER_FROM, type MemberRow } from "./members";
import { HOLDS_ADMIN_ROLE_OF_M } from "./permissions";

/** The IDs among `ids` that are teams of the organization. */
export async function selectTeamIdsIn(q: Queryable, orgId: string, ids: string[]): Promise<string[]> {
  const rows = await q.query<{ id: string }>("SELECT id FROM teams WHERE organization_id = $1 AND id = ANY($2)", [orgId, ids]);
  return rows.map((r) => r.id);
}

export interface TeamRow {
  id: string;
  organization_id: string;
  name: string;
  description: string;
  is_default: boolean;
  member_count: number;
  created_at: Date;
  version: number;
}
export const TEAM_COLUMNS =
  "t.id, t.organization_id, t.name, t.description, t.is_default, (SELECT count(*)::int FROM team_members tm WHERE tm.team_id = t.id) AS member_count, t.created_at, t.version";

export async function selectTeam(q: Queryable, orgId: string, id: string, forUpdate = false): Promise<TeamRow | undefined> {
  if (forUpdate) await q.query("SELECT 1 FROM teams WHERE id = $1 AND organization_id = $2 FOR UPDATE", [id, orgId]);
  const [row] = await q.query<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams t WHERE t.id = $1 AND t.organization_id = $2`, [id, orgId]);
  return row;
}

export async function selectTeamPage(q: Queryable, orgId: string, after: string | null, limit: number): Promise<TeamRow[]> {
  return selectOrgPage<TeamRow>(q, { table: "teams", alias: "t", columns: TEAM_COLUMNS }, orgId, after, limit);
}

export async function countTeams(q: Queryable, orgId: string): Promise<number> {
  const [row] = await q.query<{ n: number }>("SELECT count(*)::int AS n FROM teams WHERE organization_id = $1", [orgId]);
  return row!.n;
}

export async function insertTeam(q: Queryable, t: { id: string; organizationId: string; name: string; description: string }, now: Date): Promise<void> {
  await q.query("INSERT INTO teams (id, organization_id, name, description, created_at) VALUES ($1, $2, $3, $4, $5)", [
    t.id,
    t.organizationId,
    t.name,
    t.description,
    now,
  ]);
}

export async function deleteTeam(q: Queryable, teamId: string): Promise<void> {
  await q.query("DELETE FROM teams WHERE id = $1", [teamId]);
}

/** The team's members that only the owner or ADMIN members may act on: the owner, and holders of ADMIN. */
export async function selectGuardedTeamMembers(q: Queryable, teamId: string): Promise<MemberRow[]> {
  return q.query<MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM} JOIN team_members tm ON tm.member_id = m.id
        WHERE tm.team_id = $1 AND (m.account_id = o.owner_account_id OR ${HOLDS_ADMIN_ROLE_OF_M}) ORDER BY m.id`,
    [teamId],
  );
}

/** The team's members who are in no other team, locked (the team's deletion would leave them with none). */
export async function lockMembersOnlyIn(q: Queryable, teamId: string): Promise<{ id: string; email: string }[]> {
  return q.query<{ id: string; email: string }>(
    `SELECT m.id, m.email FROM team_members tm JOIN members m ON m.id = tm.member_id
        WHERE tm.team_id = $1 AND NOT EXISTS (SELECT 1 FROM team_members o WHERE o.member_id = tm.member_id AND o.team_id <> $1)
        ORDER BY m.id FOR UPDATE OF m`,
    [teamId],
  );
}

export interface TeamMembershipRow {
  team_id: string;
  member_id: string;
  email: string;
  role: "member" | "maintainer";
  created_at: Date;
}

export async function selectTeamMembership(q: Queryable, teamId: string, memberId: string): Promise<TeamMembershipRow | undefined> {
  const [row] = await q.query<TeamMembershipRow>(
    "SELECT tm.team_id, tm.member_id, m.email, tm.role, tm.created_at FROM team_members tm JOIN members m ON m.id = tm.member_id WHERE tm.team_id = $1 AND tm.member_id = $2",
    [teamId, memberId],
  );
  return row;
}

export async function selectTeamMembershipPage(q: Queryable, teamId: string, after: string | null, limit: number): Promise<TeamMembershipRow[]> {
  return q.query<TeamMembershipRow>(
    `SELECT tm.team_id, tm.member_id, m.email, tm.role, tm.created_at FROM team_members tm JOIN members m ON m.id = tm.member_id
        WHERE tm.team_id = $1 AND ($2::text IS NULL OR tm.member_id > $2) ORDER BY tm.member_id LIMIT $3`,
    [teamId, after, limit],
  );
}

export async function isTeamMaintainer(q: Queryable, teamId: string, memberId: string | null): Promise<boolean> {
  const rows = await q.query("SELECT 1 FROM team_members WHERE team_id = $1 AND member_id = $2 AND role = 'maintainer'", [teamId, memberId]);
  return rows.length > 0;
}

export async function updateTeamMembershipRole(q: Queryable, teamId: string, memberId: string, role: string): Promise<void> {
  await q.query("UPDATE team_members SET role = $3 WHERE team_id = $1 AND member_id = $2", [teamId, memberId, role]);
}

export async function insertTeamMembership(q: Queryable, teamId: string, memberId: string, role: string, now: Date): Promise<void> {
  await q.query("INSERT INTO team_members (team_id, member_id, role, created_at) VALUES ($1, $2, $3, $4)", [teamId, memberId, role, now]);
}

export async function deleteTeamMembership(q: Queryable, teamId: string, memberId: string): Promise<void> {
  await q.query("DELETE FROM team_members WHERE team_id = $1 AND member_id = $2", [teamId, memberId]);
}

/** How many teams the member is in. */
export async function countTeamsOf(q: Queryable, memberId: string): Promise<number> {
  const [row] = await q.query<{ n: number }>("SELECT count(*)::int AS n FROM team_members WHERE member_id = $1", [memberId]);
  return row!.n;
}

/** A new organization's default team. */
export async function insertDefaultTeam(q: Queryable, id: string, orgId: string, now: Date): Promise<void> {
  await q.query("INSERT INTO teams (id, organization_id, name, is_default, created_at) VALUES ($1, $2, 'My Team', true, $3)", [id, orgId, now]);
}

/** The member as a maintainer of the team (a new organization's owner, of its default team). */
export async function insertTeamMaintainer(q: Queryable, teamId: string, memberId: string, now: Date): Promise<void> {
  await q.query("INSERT INTO team_members (team_id, member_id, role, created_at) VALUES ($1, $2, 'maintainer', $3)", [teamId, memberId, now]);
}
