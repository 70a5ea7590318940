// Teams and team membership. Team membership is the same table as a member's team_ids: every
// member keeps at least one team, and deleting a team never removes anyone from the organization.
import type { Handlers } from "../context";
import { authorize, can, orgAccess, type OrgAccess } from "../domain/access";
import { audit, diffFields } from "../domain/audit";
import { checkIfMatch } from "../http/etag";
import { decodeCursor, pageOf } from "../http/pages";
import { newId } from "../domain/ids";
import { mayActOn } from "../domain/members";
import { MEMBER_COLUMNS, MEMBER_FROM, selectMember, type MemberRow } from "../store/members";
import { HOLDS_ADMIN_ROLE_OF_M } from "../store/permissions";
import { revokeGrantsOf } from "../domain/projects";
import { TEAM_COLUMNS, checkNameFree, loadTeam, toTeam, toTeamMembership, type TeamMembershipRow, type TeamRow } from "../domain/roles-teams";
import { fail, invalid } from "../errors";
import { reply } from "../http/reply";
import type { Queryable } from "../store/db";
import { updateVersioned } from "../store/versioned";

const target = (t: Pick<TeamRow, "id" | "name">) => ({ type: "team", id: t.id, display_name: t.name });

/** Owner, ADMIN and holders of `members` manage teams; a team's maintainers manage its members (§4 note 3). */
async function mayManageMembers(q: Queryable, a: OrgAccess, teamId: string): Promise<void> {
  if (can(a, "admin") || can(a, "members")) return;
  const [m] = await q.query("SELECT 1 FROM team_members WHERE team_id = $1 AND member_id = $2 AND role = 'maintainer'", [teamId, a.memberId]);
  if (!m) authorize(a, "admin", "members");
}

async function membership(q: Queryable, teamId: string, memberId: string): Promise<TeamMembershipRow | undefined> {
  const [row] = await q.query<TeamMembershipRow>(
    "SELECT tm.team_id, tm.member_id, m.email, tm.role, tm.created_at FROM team_members tm JOIN members m ON m.id = tm.member_id WHERE tm.team_id = $1 AND tm.member_id = $2",
    [teamId, memberId],
  );
  return row;
}

export const teamHandlers = {
  async listTeams(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const limit = ctx.query.limit ?? 30;
    const rows = await ctx.q.query<TeamRow>(
      `SELECT ${TEAM_COLUMNS} FROM teams t WHERE t.organization_id = $1 AND ($2::text IS NULL OR t.id > $2) ORDER BY t.id LIMIT $3`,
      [a.org.id, decodeCursor(ctx.query.cursor), limit + 1],
    );
    return pageOf(rows, limit, (r) => r.id, toTeam);
  },

  async createTeam(ctx) {
    const a = await orgAccess(ctx, ctx.params.org, { forUpdate: true });
    authorize(a, "admin", "members");
    const b = ctx.body;
    await checkNameFree(ctx.q, "team", a.org.id, b.name);
    const [{ n }] = (await ctx.q.query<{ n: number }>("SELECT count(*)::int AS n FROM teams WHERE organization_id = $1", [a.org.id])) as [{ n: number }];
    if (n >= ctx.config.maxTeamsPerOrg) fail("team_limit_reached", `${a.org.slug} has ${n} teams, the most allowed: delete one first`);
    const id = newId("team");
    await ctx.q.query("INSERT INTO teams (id, organization_id, name, description, created_at) VALUES ($1, $2, $3, $4, $5)", [
      id,
      a.org.id,
      b.name,
      b.description ?? "",
      ctx.now,
    ]);
    await audit(ctx, { organizationId: a.org.id, action: "team.created", target: { type: "team", id, display_name: b.name } });
    return reply({ status: 201, body: toTeam(await loadTeam(ctx.q, a.org.id, id)), headers: { location: `/v1/organizations/${a.org.id}/teams/${id}` } });
  },

  async getTeam(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    return toTeam(await loadTeam(ctx.q, a.org.id, ctx.params.team_id));
  },

  async updateTeam(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin", "members");
    const t = await loadTeam(ctx.q, a.org.id, ctx.params.team_id, true);
    checkIfMatch(ctx, t.version, `team ${t.name}`);
    const changes = diffFields(t as unknown as Record<string, unknown>, ctx.body);
    if (!Object.keys(changes).length) return toTeam(t);
    if (changes.name) await checkNameFree(ctx.q, "team", a.org.id, ctx.body.name!, t.id);
    await updateVersioned(ctx.q, "teams", { id: t.id }, { name: ctx.body.name ?? t.name, description: ctx.body.description ?? t.description }, ctx.now);
    await audit(ctx, { organizationId: a.org.id, action: "team.updated", target: target({ id: t.id, name: ctx.body.name ?? t.name }), changes });
    return toTeam(await loadTeam(ctx.q, a.org.id, t.id));
  },

  async deleteTeam(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin", "members");
    const t = await loadTeam(ctx.q, a.org.id, ctx.params.team_id, true);
    checkIfMatch(ctx, t.version, `team ${t.name}`);
    // Deleting a team changes the teams of everyone in it: the owner's only the owner may change,
    // an admin's only the owner and ADMIN members (§4 note 1), whatever the request is about.
    const guarded = await ctx.q.query<MemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM} JOIN team_members tm ON tm.member_id = m.id
        WHERE tm.team_id = $1 AND (m.account_id = o.owner_account_id OR ${HOLDS_ADMIN_ROLE_OF_M}) ORDER BY m.id`,
      [t.id],
    );
    for (const m of guarded) mayActOn(a, m, ctx.caller.accountId, ["teams"]);
    const stranded = await ctx.q.query<{ id: string; email: string }>(
      `SELECT m.id, m.email FROM team_members tm JOIN members m ON m.id = tm.member_id
        WHERE tm.team_id = $1 AND NOT EXISTS (SELECT 1 FROM team_members o WHERE o.member_id = tm.member_id AND o.team_id <> $1)
        ORDER BY m.id FOR UPDATE OF m`,
      [t.id],
    );
    if (stranded.length) {
      fail("team_is_last_for_members", `${t.name} is the only team of ${stranded.map((m) => m.email).join(", ")}: add them to another team first`, {
        member_ids: stranded.map((m) => m.id),
      });
    }
    // The team's project grants go with it; its members stay in the organization.
    await revokeGrantsOf(ctx, a.org.id, "teams", t.id, t.name);
    await ctx.q.query("DELETE FROM teams WHERE id = $1", [t.id]);
    await audit(ctx, { organizationId: a.org.id, action: "team.deleted", target: target(t) });
  },

  async listTeamMembers(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const t = await loadTeam(ctx.q, a.org.id, ctx.params.team_id);
    const limit = ctx.query.limit ?? 30;
    const rows = await ctx.q.query<TeamMembershipRow>(
      `SELECT tm.team_id, tm.member_id, m.email, tm.role, tm.created_at FROM team_members tm JOIN members m ON m.id = tm.member_id
        WHERE tm.team_id = $1 AND ($2::text IS NULL OR tm.member_id > $2) ORDER BY tm.member_id LIMIT $3`,
      [t.id, decodeCursor(ctx.query.cursor), limit + 1],
    );
    return pageOf(rows, limit, (r) => r.member_id, toTeamMembership);
  },

  async putTeamMember(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const t = await loadTeam(ctx.q, a.org.id, ctx.params.team_id, true);
    await mayManageMembers(ctx.q, a, t.id);
    const m = await selectMember(ctx.q, a.org.id, ctx.params.member_id, true);
    if (!m) return invalid("/member_id", `${ctx.params.member_id} is not a member of ${a.org.slug}: invite them first`, "not_an_organization_member");
    // Joining a team is a change of the member's teams: the owner's are the owner's, an admin's are for admins.
    mayActOn(a, m, ctx.caller.accountId, ["teams"]);
    const before = await membership(ctx.q, t.id, m.id);
    if (before?.role === ctx.body.role) return toTeamMembership(before);
    if (before) {
      await ctx.q.query("UPDATE team_members SET role = $3 WHERE team_id = $1 AND member_id = $2", [t.id, m.id, ctx.body.role]);
    } else {
      await ctx.q.query("INSERT INTO team_members (team_id, member_id, role, created_at) VALUES ($1, $2, $3, $4)", [t.id, m.id, ctx.body.role, ctx.now]);
    }
    await updateVersioned(ctx.q, "members", { id: m.id }, {}, ctx.now);
    await audit(ctx, {
      organizationId: a.org.id,
      action: before ? "team_membership.updated" : "team_membership.added",
      target: { type: "team_membership", id: `${t.id}/${m.id}`, display_name: `${m.email} in ${t.name}` },
      changes: { role: [before?.role ?? null, ctx.body.role] },
    });
    const after = toTeamMembership((await membership(ctx.q, t.id, m.id))!);
    return before ? after : reply({ status: 201, body: after, headers: { location: `/v1/organizations/${a.org.id}/teams/${t.id}/members/${m.id}` } });
  },

  async deleteTeamMember(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const t = await loadTeam(ctx.q, a.org.id, ctx.params.team_id, true);
    await mayManageMembers(ctx.q, a, t.id);
    const m = await selectMember(ctx.q, a.org.id, ctx.params.member_id, true);
    if (m) mayActOn(a, m, ctx.caller.accountId, ["teams"]);
    const before = await membership(ctx.q, t.id, ctx.params.member_id);
    if (!before) fail("not_found", `${ctx.params.member_id} is not in team ${t.name}`);
    const [{ n }] = (await ctx.q.query<{ n: number }>("SELECT count(*)::int AS n FROM team_members WHERE member_id = $1", [before.member_id])) as [
      { n: number },
    ];
    if (n <= 1) fail("last_team", `${t.name} is the only team of ${before.email}: add them to another team first`);
    await ctx.q.query("DELETE FROM team_members WHERE team_id = $1 AND member_id = $2", [t.id, before.member_id]);
    await updateVersioned(ctx.q, "members", { id: before.member_id }, {}, ctx.now);
    await audit(ctx, {
      organizationId: a.org.id,
      action: "team_membership.removed",
      target: { type: "team_membership", id: `${t.id}/${before.member_id}`, display_name: `${before.email} in ${t.name}` },
      changes: { role: [before.role, null] },
    });
  },
} satisfies Partial<Handlers>;
