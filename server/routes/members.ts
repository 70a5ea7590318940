// Members and their invitations: invite, read, change roles/teams/permissions, re-send, remove.
// The rules of org-api.md §1 Member: one owner nobody can act on, admins only admins act on,
// ≥ 1 role and ≥ 1 team at all times, no self-modification, no granting what you do not hold.
import type { Permission } from "../../api/common";
import type { Handlers } from "../context";
import { authorize, orgAccess } from "../domain/access";
import { audit } from "../domain/audit";
import { checkIfMatch } from "../http/etag";
import { decodeCursor, pageOf } from "../http/pages";
import { newId } from "../domain/ids";
import {
  MEMBER_COLUMNS,
  MEMBER_FROM,
  checkEscalation,
  checkTeams,
  countInvitation,
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
import type { Queryable } from "../store/db";
import { updateVersioned } from "../store/versioned";

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
const target = (m: Pick<MemberRow, "id" | "email">) => ({ type: "member", id: m.id, display_name: m.email });

async function replaceRoles(q: Queryable, memberId: string, roleIds: string[]) {
  await q.query("DELETE FROM member_roles WHERE member_id = $1 AND NOT (role_id = ANY($2))", [memberId, roleIds]);
  await q.query("INSERT INTO member_roles (member_id, role_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING", [memberId, roleIds]);
}

async function replaceTeams(q: Queryable, memberId: string, teamIds: string[], now: Date) {
  await q.query("DELETE FROM team_members WHERE member_id = $1 AND NOT (team_id = ANY($2))", [memberId, teamIds]);
  await q.query("INSERT INTO team_members (team_id, member_id, created_at) SELECT unnest($2::text[]), $1, $3 ON CONFLICT DO NOTHING", [memberId, teamIds, now]);
}

export const memberHandlers = {
  async listMembers(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const { limit = 30, cursor, email, status, role_id, team_id, permission } = ctx.query;
    const after = decodeCursor(cursor);
    const rows = await ctx.q.query<MemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM}
        WHERE m.organization_id = $1 AND ($2::text IS NULL OR m.id > $2)
          AND ($3::text IS NULL OR m.email_normalized = lower($3))
          AND ($4::text IS NULL OR CASE $4 WHEN 'active' THEN m.joined_at IS NOT NULL
                                           WHEN 'expired' THEN m.joined_at IS NULL AND m.invitation_expires_at <= $9
                                           ELSE m.joined_at IS NULL AND m.invitation_expires_at > $9 END)
          AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM member_roles mr WHERE mr.member_id = m.id AND mr.role_id = $5))
          AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM team_members tm WHERE tm.member_id = m.id AND tm.team_id = $6))
          AND ($7::text IS NULL OR $7 = ANY(m.permissions))
        ORDER BY m.id LIMIT $8`,
      [a.org.id, after, email ?? null, status ?? null, role_id ?? null, team_id ?? null, permission ?? null, limit + 1, ctx.now],
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
    const inserted = await ctx.q.query<{ id: string }>(
      `WITH m AS (
         INSERT INTO members (id, organization_id, email, email_normalized, permissions, invitation_token_hash, invitation_expires_at,
                              invited_by_account_id, invitation_note, invitation_sent_count, created_at)
         VALUES ($1, $2, $3, lower($3), $4, $5, $6, $7, $8, 1, $9)
         ON CONFLICT (organization_id, email_normalized) DO NOTHING RETURNING id),
       r AS (INSERT INTO member_roles (member_id, role_id) SELECT m.id, unnest($10::text[]) FROM m ON CONFLICT DO NOTHING),
       t AS (INSERT INTO team_members (team_id, member_id, created_at) SELECT unnest($11::text[]), m.id, $9 FROM m ON CONFLICT DO NOTHING)
       SELECT id FROM m`,
      [id, a.org.id, b.email, permissions, hash, expiresAt, ctx.caller.accountId, b.note ?? null, ctx.now, roleIds, teamIds],
    );
    if (!inserted.length) {
      const [existing] = await ctx.q.query<{ id: string; email: string; joined_at: Date | null }>(
        "SELECT id, email, joined_at FROM members WHERE organization_id = $1 AND email_normalized = lower($2)",
        [a.org.id, b.email],
      );
      fail("already_member", `${existing!.email} is already ${existing!.joined_at ? "a member" : "invited"} (${existing!.id})`, {
        existing_id: existing!.id,
        errors: [{ field: "/email", code: "already_exists", message: `is already ${existing!.joined_at ? "a member" : "invited"}` }],
      });
    }
    await sendInvitation(ctx, a.org, b.email, token, expiresAt, b.note ?? null);
    await audit(ctx, {
      organizationId: a.org.id,
      action: "invitation.created",
      target: { type: "member", id, display_name: b.email },
      changes: { role_ids: [null, roleIds], team_ids: [null, teamIds], permissions: [null, permissions] },
    });
    const member = toMember(await loadMember(ctx.q, a.org.id, id), ctx.now);
    await countInvitation(ctx, a.org.id);
    return reply({ status: 201, body: member, headers: { location: `/v1/organizations/${a.org.id}/members/${id}` } });
  },

  async getMember(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    return toMember(await loadMember(ctx.q, a.org.id, ctx.params.member_id), ctx.now);
  },

  async updateMember(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const m = await loadMember(ctx.q, a.org.id, ctx.params.member_id, true);
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
    const roles = await rolesOf(ctx.q, a.org.id, roleIds);
    if (teamsChange) await checkTeams(ctx.q, a.org.id, teamIds);
    // Only what is being added must be held by the caller; taking away is always allowed.
    checkEscalation(
      a,
      permissions.filter((p) => !m.permissions.includes(p)),
      roles.filter((r) => !m.role_ids.includes(r.id)),
    );

    const changes: Record<string, [unknown, unknown]> = {};
    if (rolesChange) {
      await replaceRoles(ctx.q, m.id, roleIds);
      changes.role_ids = [m.role_ids, [...roleIds].sort()];
    }
    if (teamsChange) {
      await replaceTeams(ctx.q, m.id, teamIds, ctx.now);
      changes.team_ids = [m.team_ids, [...teamIds].sort()];
    }
    if (permissionsChange) changes.permissions = [m.permissions, permissions];
    await updateVersioned(ctx.q, "members", { id: m.id }, { permissions: permissionsChange ? permissions : undefined }, ctx.now);
    const action = permissionsChange && !rolesChange && !teamsChange ? "member.permissions_changed" : "member.updated";
    await audit(ctx, { organizationId: a.org.id, action, target: target(m), changes });
    return toMember(await loadMember(ctx.q, a.org.id, m.id), ctx.now);
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
    await ctx.q.query("DELETE FROM members WHERE id = $1", [m.id]);
    const action = !m.joined_at ? "invitation.revoked" : leaving ? "member.left" : "member.removed";
    await audit(ctx, { organizationId: a.org.id, action, target: target(m), changes: { role_ids: [m.role_ids, null], team_ids: [m.team_ids, null] } });
  },

  async addMemberRole(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const m = await loadMember(ctx.q, a.org.id, ctx.params.member_id, true);
    const [role] = await ctx.q.query<{ id: string; builtin: string | null; permissions: Permission[]; name: string }>(
      "SELECT id, builtin, permissions, name FROM roles WHERE id = $1 AND organization_id = $2",
      [ctx.params.role_id, a.org.id],
    );
    if (!role) fail("not_found", `role ${ctx.params.role_id} not found in ${a.org.slug}`);
    authorize(a, "admin", "members");
    mayActOn(a, m, ctx.caller.accountId, ["roles"]);
    checkIfMatch(ctx, m.version, `member ${m.email}`);
    if (m.role_ids.includes(role.id)) return toMember(m, ctx.now);
    checkEscalation(a, [], [role]);
    await ctx.q.query("INSERT INTO member_roles (member_id, role_id) VALUES ($1, $2)", [m.id, role.id]);
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
    await ctx.q.query("DELETE FROM member_roles WHERE member_id = $1 AND role_id = $2", [m.id, ctx.params.role_id]);
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
    await sendInvitation(ctx, a.org, m.email, token, expiresAt, m.invitation_note);
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
