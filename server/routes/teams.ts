// Teams and team membership. Team membership is the same table as a member's team_ids: every
// member keeps at least one team, and deleting a team never removes anyone from the organization.
import type { Handlers } from "../context";
import { authorize, can, orgAccess, type OrgAccess } from "../domain/access";
import { audit, diffFields } from "../domain/audit";
import { checkIfMatch } from "../http/etag";
import { decodeCursor, pageOf } from "../http/pages";
import { newId } from "../domain/ids";
import { mayActOn } from "../domain/members";
import { selectMember } from "../store/members";
import { revokeGrantsOf } from "../domain/projects";
import { checkNameFree, loadTeam, toTeam, toTeamMembership, type TeamRow } from "../domain/roles-teams";
import {
  countTeams,
  countTeamsOf,
  deleteTeam,
  deleteTeamMembership,
  insertTeam,
  insertTeamMembership,
  isTeamMaintainer,
  lockMembersOnlyIn,
  selectGuardedTeamMembers,
  selectTeamMembership,
  selectTeamMembershipPage,
  selectTeamPage,
  updateTeamMembershipRole,
} from "../store/teams";
import { fail, invalid } from "../errors";
import { reply } from "../http/reply";
import type { Queryable } from "../store/db";
import { updateVersioned } from "../store/versioned";

const target = (t: Pick<TeamRow, "id" | "name">) => ({ type: "team", id: t.id, display_name: t.name });

/** Owner, ADMIN and holders of `members` manage teams; a team's maintainers manage its members (§4 note 3). */
async function mayManageMembers(q: Queryable, a: OrgAccess, teamId: string): Promise<void> {
  if (can(a, "admin") || can(a, "members")) return;
  if (!(await isTeamMaintainer(q, teamId, a.memberId))) authorize(a, "admin", "members");
}

export const teamHandlers = {
  async listTeams(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const limit = ctx.query.limit ?? 30;
    const rows = await selectTeamPage(ctx.q, a.org.id, decodeCursor(ctx.query.cursor), limit + 1);
    return pageOf(rows, limit, (r) => r.id, toTeam);
  },

  async createTeam(ctx) {
    const a = await orgAccess(ctx, ctx.params.org, { forUpdate: true });
    authorize(a, "admin", "members");
    const b = ctx.body;
    await checkNameFree(ctx.q, "team", a.org.id, b.name);
    const n = await countTeams(ctx.q, a.org.id);
    if (n >= ctx.config.maxTeamsPerOrg) fail("team_limit_reached", `${a.org.slug} has ${n} teams, the most allowed: delete one first`);
    const id = newId("team");
    await insertTeam(ctx.q, { id, organizationId: a.org.id, name: b.name, description: b.description ?? "" }, ctx.now);
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
    const guarded = await selectGuardedTeamMembers(ctx.q, t.id);
    for (const m of guarded) mayActOn(a, m, ctx.caller.accountId, ["teams"]);
    const stranded = await lockMembersOnlyIn(ctx.q, t.id);
    if (stranded.length) {
      fail("team_is_last_for_members", `${t.name} is the only team of ${stranded.map((m) => m.email).join(", ")}: add them to another team first`, {
        member_ids: stranded.map((m) => m.id),
      });
    }
    // The team's project grants go with it; its members stay in the organization.
    await revokeGrantsOf(ctx, a.org.id, "teams", t.id, t.name);
    await deleteTeam(ctx.q, t.id);
    await audit(ctx, { organizationId: a.org.id, action: "team.deleted", target: target(t) });
  },

  async listTeamMembers(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const t = await loadTeam(ctx.q, a.org.id, ctx.params.team_id);
    const limit = ctx.query.limit ?? 30;
    const rows = await selectTeamMembershipPage(ctx.q, t.id, decodeCursor(ctx.query.cursor), limit + 1);
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
    const before = await selectTeamMembership(ctx.q, t.id, m.id);
    if (before?.role === ctx.body.role) return toTeamMembership(before);
    if (before) {
      await updateTeamMembershipRole(ctx.q, t.id, m.id, ctx.body.role);
    } else {
      await insertTeamMembership(ctx.q, t.id, m.id, ctx.body.role, ctx.now);
    }
    await updateVersioned(ctx.q, "members", { id: m.id }, {}, ctx.now);
    await audit(ctx, {
      organizationId: a.org.id,
      action: before ? "team_membership.updated" : "team_membership.added",
      target: { type: "team_membership", id: `${t.id}/${m.id}`, display_name: `${m.email} in ${t.name}` },
      changes: { role: [before?.role ?? null, ctx.body.role] },
    });
    const after = toTeamMembership((await selectTeamMembership(ctx.q, t.id, m.id))!);
    return before ? after : reply({ status: 201, body: after, headers: { location: `/v1/organizations/${a.org.id}/teams/${t.id}/members/${m.id}` } });
  },

  async deleteTeamMember(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const t = await loadTeam(ctx.q, a.org.id, ctx.params.team_id, true);
    await mayManageMembers(ctx.q, a, t.id);
    const m = await selectMember(ctx.q, a.org.id, ctx.params.member_id, true);
    if (m) mayActOn(a, m, ctx.caller.accountId, ["teams"]);
    const before = await selectTeamMembership(ctx.q, t.id, ctx.params.member_id);
    if (!before) fail("not_found", `${ctx.params.member_id} is not in team ${t.name}`);
    const n = await countTeamsOf(ctx.q, before.member_id);
    if (n <= 1) fail("last_team", `${t.name} is the only team of ${before.email}: add them to another team first`);
    await deleteTeamMembership(ctx.q, t.id, before.member_id);
    await updateVersioned(ctx.q, "members", { id: before.member_id }, {}, ctx.now);
    await audit(ctx, {
      organizationId: a.org.id,
      action: "team_membership.removed",
      target: { type: "team_membership", id: `${t.id}/${before.member_id}`, display_name: `${before.email} in ${t.name}` },
      changes: { role: [before.role, null] },
    });
  },
} satisfies Partial<Handlers>;
