// Members and their invitations: invite, read, change roles/teams/permissions, re-send, remove.
// The rules of org-api.md §1 Member: one owner nobody can act on, admins only admins act on,
// ≥ 1 role and ≥ 1 team at all times, no self-modification, no granting what you do not hold.
import type { Permission } from "../../api/common";
import type { Ctx, Handlers } from "../context";
import { authorize, orgAccess, type OrgAccess } from "../domain/access";
import { audit } from "../domain/audit";
import { checkIfMatch } from "../http/etag";
import { decodeCursor, pageOf } from "../http/pages";
import { newId } from "../domain/ids";
import {
  checkEscalation,
  checkQuota,
  checkTeams,
  countInvitation,
  invitationMail,
  loadMember,
  mayActOn,
  newInvitationToken,
  rolesOf,
  sendInvitation,
  toMember,
  type MemberAct,
  type MemberRow,
} from "../domain/members";
import { revokeGrantsOf } from "../domain/projects";
import { fail, invalid } from "../errors";
import { reply } from "../http/reply";
import { deleteMember, deleteMemberRole, insertInvitation, insertMemberRole, selectMemberById, selectMemberPage, updateMemberSets } from "../store/members";
import { VersionMoved } from "../operation";
import { selectRole } from "../store/roles";
import { updateVersioned } from "../store/versioned";

/**
 * orgAccess and the member of the path, read in one round trip (two statements pipelined, the
 * member's by ID alone since the path may name the organization by slug). orgAccess's answer
 * comes first: a bad token, an unknown organization or an outsider is refused before any 404 for
 * the member. On a second run (ctx.contended) the member is locked first, then read.
 */
async function accessAndMember(ctx: Ctx<"updateMember">): Promise<{ a: OrgAccess; m: MemberRow }> {
  if (ctx.contended) {
    // A second run: the member locked by orgAccess's statement and read by the next (what the lock holds).
    const a = await orgAccess(ctx, ctx.params.org, { lockMember: ctx.params.member_id });
    return { a, m: await loadMember(ctx.q, a.org.id, ctx.params.member_id) };
  }
  const [access, member] = await Promise.allSettled([orgAccess(ctx, ctx.params.org), selectMemberById(ctx.q, ctx.params.member_id)]);
  if (access.status === "rejected") throw access.reason;
  if (member.status === "rejected") throw member.reason;
  const a = access.value;
  const m = member.value;
  if (!m || m.organization_id !== a.org.id) fail("not_found", `member ${ctx.params.member_id} not found in this organization`);
  return { a, m };
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
const target = (m: Pick<MemberRow, "id" | "email">) => ({ type: "member", id: m.id, display_name: m.email });

export const memberHandlers = {
  async listMembers(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const { limit = 30, cursor, email, status, role_id, team_id, permission } = ctx.query;
    const after = decodeCursor(cursor);
    const rows = await selectMemberPage(
      ctx.q,
      a.org.id,
      { email: email ?? null, status: status ?? null, roleId: role_id ?? null, teamId: team_id ?? null, permission: permission ?? null },
      after,
      limit + 1,
      ctx.now,
    );
    return pageOf(
      rows,
      limit,
      (r) => r.id,
      (r) => toMember(r, ctx.now),
    );
  },

  async createMember(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin", "members");
    const b = ctx.body;
    // The defaults come from the org row; only what the request names needs looking up (and the
    // roles handed out, when the caller is not an admin, for the escalation check).
    if (!b.team_ids && !a.org.default_team_id)
      invalid("/team_ids", "the organization has no default team any more: name the teams to join", "validation_failed", "missing");
    const roleIds = b.role_ids ?? [a.org.default_role_id];
    const teamIds = b.team_ids ?? [a.org.default_team_id];
    const permissions = (b.permissions ?? []) as Permission[];
    const roles = b.role_ids || !a.isAdmin ? await rolesOf(ctx.q, a.org.id, roleIds) : [];
    if (b.team_ids) await checkTeams(ctx.q, a.org.id, teamIds);
    checkEscalation(a, permissions, roles);

    const id = newId("mem");
    const { token, hash } = newInvitationToken();
    const expiresAt = new Date(ctx.now.getTime() + ctx.config.invitationTtlMs);
    const note = b.note ?? null;
    // One statement writes the invitation, its roles, teams, mail (when the mailer is the outbox;
    // SMTP sends after the commit), audit event and quota count (store/members.ts).
    const name = b.name ?? null;
    const mail = invitationMail(ctx, a.org, b.email, token, expiresAt, note, name);
    // With the outbox mailer nothing follows the statement (SMTP sends after the commit, and the
    // quota refuses inside it): it is the transaction's last, its COMMIT sent with it, so the
    // quota's counter row is held only while the statement and its COMMIT run.
    const out = await insertInvitation(
      ctx.q,
      ctx,
      { id, organizationId: a.org.id, email: b.email, permissions, tokenHash: hash, expiresAt, note, name, roleIds, teamIds },
      {
        mail: ctx.mailer.kind === "outbox" ? mail : null,
        event: {
          organizationId: a.org.id,
          action: "invitation.created",
          target: { type: "member", id, display_name: b.email },
          changes: { role_ids: [null, roleIds], team_ids: [null, teamIds], permissions: [null, permissions] },
        },
        quota: ctx.config.invitationQuota,
      },
      { last: true },
    );
    if (!("member" in out)) {
      // Nothing was written in any of these cases.
      if ("overQuota" in out) checkQuota(ctx, out.overQuota);
      // Invited by a transaction that committed after the statement began: run again to name it.
      if ("raced" in out) throw new VersionMoved(`the invitation of ${b.email}`);
      const existing = (out as { existing: { id: string; email: string; joined_at: Date | null } }).existing;
      fail("already_member", `${existing.email} is already ${existing.joined_at ? "a member" : "invited"} (${existing.id})`, {
        existing_id: existing.id,
        errors: [{ field: "/email", code: "already_exists", message: `is already ${existing.joined_at ? "a member" : "invited"}` }],
      });
    }
    // SMTP sends after the commit (it makes no statement).
    if (ctx.mailer.kind !== "outbox") await ctx.mailer.send(ctx.q, mail, ctx.afterCommit);
    const { sent: _sent, oldest: _oldest, ...member } = out.member;
    return reply({ status: 201, body: toMember(member, ctx.now), headers: { location: `/v1/organizations/${a.org.id}/members/${id}` } });
  },

  async getMember(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    return toMember(await loadMember(ctx.q, a.org.id, ctx.params.member_id), ctx.now);
  },

  async updateMember(ctx) {
    // The member is read beside orgAccess's statement, in the same round trip (pipelined), without
    // a lock: the write below is checked against the version read, and writes nothing when the
    // version moved (VersionMoved: the request runs again, and then it locks the member in
    // orgAccess's statement and reads it in the next, so that what it reads is what the lock holds).
    const { a, m } = await accessAndMember(ctx);
    const b = ctx.body;
    authorize(a, "admin", "members");
    const acts: MemberAct[] = [];
    if (b.role_ids) acts.push("roles");
    if (b.team_ids) acts.push("teams");
    if (b.permissions) acts.push("permissions");
    mayActOn(a, m, ctx.caller.accountId, acts);
    checkIfMatch(ctx, m.version, `member ${m.email}`);
    const roleIds = b.role_ids ?? m.role_ids;
    const teamIds = b.team_ids ?? m.team_ids;
    const permissions = (b.permissions ?? m.permissions) as Permission[];
    const rolesChange = !same(roleIds, m.role_ids);
    const teamsChange = !same(teamIds, m.team_ids);
    const permissionsChange = !same(permissions, m.permissions);
    if (!rolesChange && !teamsChange && !permissionsChange) return toMember(m, ctx.now);
    if (roleIds.length === 0) invalid("/role_ids", "a member keeps at least one role", "last_role");
    if (teamIds.length === 0)
      fail("last_team", "a member keeps at least one team", { errors: [{ field: "/team_ids", code: "invalid", message: "must hold at least one team" }] });
    // The roles are looked up only when the request names them (its own roles are the member's, known to exist).
    const roles = rolesChange ? await rolesOf(ctx.q, a.org.id, roleIds) : [];
    if (teamsChange) await checkTeams(ctx.q, a.org.id, teamIds);
    // Only what is being added must be held by the caller; taking away is always allowed.
    checkEscalation(
      a,
      permissions.filter((p) => !m.permissions.includes(p)),
      roles.filter((r) => !m.role_ids.includes(r.id)),
    );

    const changes: Record<string, [unknown, unknown]> = {};
    if (rolesChange) changes.role_ids = [m.role_ids, [...roleIds].sort()];
    if (teamsChange) changes.team_ids = [m.team_ids, [...teamIds].sort()];
    if (permissionsChange) changes.permissions = [m.permissions, permissions];
    const action = permissionsChange && !rolesChange && !teamsChange ? "member.permissions_changed" : "member.updated";
    // One statement writes the change: the roles and teams replaced, the versioned row (checked
    // against the version read under the lock), the audit event; it returns the new version.
    // It is the transaction's last statement: its COMMIT travels with it (nothing after it can fail but a moved version, which wrote nothing).
    const version = await updateMemberSets(
      ctx.q,
      ctx,
      { id: m.id, organizationId: a.org.id, version: m.version },
      { roleIds: rolesChange ? roleIds : undefined, teamIds: teamsChange ? teamIds : undefined, permissions: permissionsChange ? permissions : undefined },
      { organizationId: a.org.id, action, target: target(m), changes },
      { last: true },
    );
    if (version === undefined) {
      // Under the lock the version cannot move.
      if (ctx.contended) throw new Error(`member ${m.id} changed under its lock`);
      throw new VersionMoved(`member ${m.email}`);
    }
    const roleRow = rolesChange
      ? {
          role_permissions: [...new Set(roles.flatMap((r) => r.permissions))],
          has_admin_role: roles.some((r) => r.builtin === "ADMIN"),
        }
      : {};
    return toMember({ ...m, ...roleRow, role_ids: [...new Set(roleIds)].sort(), team_ids: [...new Set(teamIds)].sort(), permissions, version }, ctx.now);
  },

  async deleteMember(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const m = await loadMember(ctx.q, a.org.id, ctx.params.member_id, true);
    const leaving = m.account_id === ctx.caller.accountId;
    if (m.is_owner) fail("cannot_remove_owner", `${m.email} owns the organization and cannot ${leaving ? "leave" : "be removed"}: transfer ownership first`);
    if (!leaving) {
      authorize(a, "admin", "members");
      mayActOn(a, m, ctx.caller.accountId, ["remove"]);
    }
    checkIfMatch(ctx, m.version, `member ${m.email}`);
    // Their direct project grants go with them, each with its own event (org-api.md §1 Member).
    await revokeGrantsOf(ctx, a.org.id, "members", m.id, m.email);
    await deleteMember(ctx.q, m.id);
    const action = !m.joined_at ? "invitation.revoked" : leaving ? "member.left" : "member.removed";
    await audit(ctx, { organizationId: a.org.id, action, target: target(m), changes: { role_ids: [m.role_ids, null], team_ids: [m.team_ids, null] } });
  },

  async addMemberRole(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const m = await loadMember(ctx.q, a.org.id, ctx.params.member_id, true);
    const role = await selectRole(ctx.q, a.org.id, ctx.params.role_id);
    if (!role) fail("not_found", `role ${ctx.params.role_id} not found in ${a.org.slug}`);
    authorize(a, "admin", "members");
    mayActOn(a, m, ctx.caller.accountId, ["roles"]);
    checkIfMatch(ctx, m.version, `member ${m.email}`);
    if (m.role_ids.includes(role.id)) return toMember(m, ctx.now);
    checkEscalation(a, [], [role]);
    await insertMemberRole(ctx.q, m.id, role.id);
    await updateVersioned(ctx.q, "members", { id: m.id }, {}, ctx.now);
    await audit(ctx, {
      organizationId: a.org.id,
      action: "member.role_added",
      target: target(m),
      changes: { role_ids: [m.role_ids, [...m.role_ids, role.id].sort()] },
    });
    return toMember(await loadMember(ctx.q, a.org.id, m.id), ctx.now);
  },

  async removeMemberRole(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const m = await loadMember(ctx.q, a.org.id, ctx.params.member_id, true);
    authorize(a, "admin", "members");
    mayActOn(a, m, ctx.caller.accountId, ["roles"]);
    if (!m.role_ids.includes(ctx.params.role_id)) fail("not_found", `${m.email} does not hold role ${ctx.params.role_id}`);
    checkIfMatch(ctx, m.version, `member ${m.email}`);
    if (m.role_ids.length === 1) fail("last_role", `role ${ctx.params.role_id} is the last role of ${m.email}: give another role first`);
    await deleteMemberRole(ctx.q, m.id, ctx.params.role_id);
    await updateVersioned(ctx.q, "members", { id: m.id }, {}, ctx.now);
    await audit(ctx, {
      organizationId: a.org.id,
      action: "member.role_removed",
      target: target(m),
      changes: { role_ids: [m.role_ids, m.role_ids.filter((r) => r !== ctx.params.role_id)] },
    });
  },

  async resendInvitation(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin", "members");
    const m = await loadMember(ctx.q, a.org.id, ctx.params.member_id, true);
    if (m.joined_at) fail("member_active", `${m.email} already accepted the invitation: there is nothing to re-send`);
    mayActOn(a, m, ctx.caller.accountId, ["resend"]);
    checkIfMatch(ctx, m.version, `member ${m.email}`);
    // A new token: the old one stops working, so a leaked earlier mail is useless.
    const { token, hash } = newInvitationToken();
    const expiresAt = new Date(ctx.now.getTime() + ctx.config.invitationTtlMs);
    // The row is locked (loadMember above), so its count is the current one.
    await updateVersioned(
      ctx.q,
      "members",
      { id: m.id },
      {
        invitation_token_hash: hash,
        invitation_expires_at: expiresAt,
        invitation_sent_count: m.invitation_sent_count + 1,
        invited_by_account_id: ctx.caller.accountId,
      },
      ctx.now,
    );
    await sendInvitation(ctx, a.org, m.email, token, expiresAt, m.invitation_note, m.invitation_name);
    await audit(ctx, {
      organizationId: a.org.id,
      action: "invitation.resent",
      target: target(m),
      changes: { expires_at: [m.invitation_expires_at ? new Date(m.invitation_expires_at).toISOString() : null, expiresAt.toISOString()] },
    });
    const member = toMember(await loadMember(ctx.q, a.org.id, m.id), ctx.now);
    await countInvitation(ctx, a.org.id);
    return member;
  },
} satisfies Partial<Handlers>;
