// Members: one object from invitation to removal. Status is derived at read time (an invitation
// past its expiry reads as `expired`), so nothing has to run when 7 days pass.
import { PERMISSIONS, type Permission } from "../../api/common";
import type { Member } from "../../api/resources";
import type { Ctx } from "../context";
import type { Mail } from "../mailer";
import { fail, invalid } from "../errors";
import type { Queryable } from "../store/db";
import { countInvitations, QUOTA_WINDOW_MS, type QuotaCount } from "../store/invitation-sends";
import { selectMember, type MemberRow } from "../store/members";
import { selectRolesIn, type RoleRef } from "../store/roles";
import { selectTeamIdsIn } from "../store/teams";
import type { OrgAccess } from "./access";
import { hashToken, newSecret } from "./ids";
import { iso } from "./rows";

export type { MemberRow, RoleRef };

export function memberStatus(r: Pick<MemberRow, "joined_at" | "invitation_expires_at">, now: Date): Member["status"] {
  if (r.joined_at) return "active";
  return r.invitation_expires_at && new Date(r.invitation_expires_at) <= now ? "expired" : "invited";
}

export function toMember(r: MemberRow, now: Date): Member {
  const all = r.is_owner || r.has_admin_role;
  const effective = all ? [...PERMISSIONS] : PERMISSIONS.filter((p) => r.permissions.includes(p) || r.role_permissions?.includes(p));
  return {
    id: r.id,
    organization_id: r.organization_id,
    email: r.email,
    account_id: r.account_id,
    status: memberStatus(r, now),
    role_ids: r.role_ids,
    team_ids: r.team_ids,
    permissions: PERMISSIONS.filter((p) => r.permissions.includes(p)),
    effective_permissions: effective,
    is_owner: r.is_owner,
    invitation: r.joined_at
      ? null
      : {
          expires_at: iso(r.invitation_expires_at)!,
          invited_by_account_id: r.invited_by_account_id,
          name: r.invitation_name,
          note: r.invitation_note,
          sent_count: r.invitation_sent_count,
        },
    two_factor_enabled: r.two_factor_enabled,
    joined_at: iso(r.joined_at),
    created_at: iso(r.created_at)!,
    version: r.version,
  };
}

/** A member of this organization, locked for update when asked; 404 otherwise. */
export async function loadMember(q: Queryable, orgId: string, memberId: string, forUpdate = false): Promise<MemberRow> {
  const row = await selectMember(q, orgId, memberId, forUpdate);
  if (!row) fail("not_found", `member ${memberId} not found in this organization`);
  return row;
}

/** What a request does to a member: names the sets it writes, or removal, or a re-sent invitation. */
export type MemberAct = "roles" | "permissions" | "teams" | "remove" | "resend";

/**
 * Whether the caller, already allowed to manage members (or a team's members), may act on this
 * one (org-api.md §4 notes 1 and 2). Decided on what the request names, not on what it would
 * change: a request that would change nothing is refused the same way, as every other write
 * is authorized before it is compared with what is there.
 */
export function mayActOn(a: OrgAccess, m: MemberRow, callerAccountId: string, acts: MemberAct[]): void {
  if (m.is_owner) {
    if (acts.includes("permissions"))
      invalid("/permissions", `${m.email} owns the organization and holds every permission already`, "owner_has_all_permissions");
    if (acts.includes("roles")) fail("cannot_remove_owner", `${m.email} owns the organization: the owner's roles cannot change (transfer ownership first)`);
    if (acts.includes("remove")) fail("cannot_remove_owner", `${m.email} owns the organization and cannot be removed: transfer ownership first`);
    if (!a.isOwner)
      fail("forbidden", `${m.email} owns the organization: only the owner changes the owner's teams, and nobody changes the owner's roles or permissions`);
  }
  // A user admin could otherwise strip the organization of every admin but the owner.
  if (m.has_admin_role && !a.isAdmin) {
    const invited = !m.joined_at;
    const what = acts.includes("remove")
      ? invited
        ? "revoke that invitation"
        : "remove an admin"
      : acts.includes("resend")
        ? "re-send that invitation"
        : invited
          ? "change that invitation's roles, teams or permissions"
          : "change an admin's roles, teams or permissions";
    fail("forbidden", `${m.email} ${invited ? "is invited with" : "holds"} the ADMIN role: only the owner and ADMIN members can ${what}`);
  }
  if (m.account_id === callerAccountId && (acts.includes("roles") || acts.includes("permissions"))) {
    fail("self_modification", "you cannot change your own roles or permissions: ask another admin");
  }
}

/** Checks that every role ID belongs to the org; 422 naming the first one that does not. */
export async function rolesOf(q: Queryable, orgId: string, ids: string[], field = "/role_ids"): Promise<RoleRef[]> {
  const rows = await selectRolesIn(q, orgId, ids);
  ids.forEach((id, i) => {
    if (!rows.some((r) => r.id === id)) invalid(`${field}/${i}`, `role ${id} is not a role of this organization`);
  });
  return rows;
}

/** Checks that every team ID belongs to the org; 422 naming the first one that does not. */
export async function checkTeams(q: Queryable, orgId: string, ids: string[], field = "/team_ids"): Promise<void> {
  const found = await selectTeamIdsIn(q, orgId, ids);
  ids.forEach((id, i) => {
    if (!found.includes(id)) invalid(`${field}/${i}`, `team ${id} is not a team of this organization`);
  });
}

/**
 * Holders of `members` (not owner or ADMIN) may only hand out what they hold themselves, and never
 * ADMIN (org-api.md §4 note 1).
 */
export function checkEscalation(a: OrgAccess, permissions: Permission[], roles: RoleRef[]): void {
  if (a.isAdmin) return;
  const admin = roles.find((r) => r.builtin === "ADMIN");
  if (admin) fail("privilege_escalation", "only the owner and ADMIN members can give the ADMIN role");
  for (const p of [...permissions, ...roles.flatMap((r) => r.permissions)]) {
    if (!a.permissions.has(p)) fail("privilege_escalation", `you cannot grant the ${p} permission: you do not hold it`);
  }
}

/** 429 when the count store/invitation-sends.ts returned is over the quota (the caller's transaction then rolls back, count included). */
export function checkQuota(ctx: Pick<Ctx, "now" | "config">, { sent, oldest }: QuotaCount): void {
  if (sent <= ctx.config.invitationQuota) return;
  // The oldest minute in the window leaves it a day after it began.
  const retryAfter = Math.max(1, Math.ceil((new Date(oldest).getTime() + QUOTA_WINDOW_MS - ctx.now.getTime()) / 1000));
  fail(
    "invitation_quota_exceeded",
    `the organization sent ${sent - 1} invitations in the last 24 hours, its limit: retry in ${Math.ceil(retryAfter / 60)} minutes`,
    {
      headers: { "retry-after": String(retryAfter) },
    },
  );
}

/**
 * Counts one invitation (or re-send) against the organization's quota, in a statement of its own;
 * 429 over it. Call it last before commit (see store/invitation-sends.ts).
 */
export async function countInvitation(ctx: Pick<Ctx, "q" | "now" | "config">, orgId: string): Promise<void> {
  checkQuota(ctx, await countInvitations(ctx.q, orgId, ctx.now));
}

/** A fresh single-use invitation token: the secret goes into the mail, its hash into the row. */
export function newInvitationToken(): { token: string; hash: string } {
  const token = newSecret("inv");
  return { token, hash: hashToken(token) };
}

/** The invitation's mail: who invites, to what, the token, until when; it greets the invitee by the name the inviter gave. */
export function invitationMail(
  ctx: Pick<Ctx, "config" | "caller">,
  org: { id: string; name: string; slug: string },
  email: string,
  token: string,
  expiresAt: Date,
  note: string | null,
  name: string | null = null,
): Mail {
  const inviter = ctx.caller ? `${ctx.caller.name} (${ctx.caller.email})` : "An administrator";
  const text = [
    ...(name ? [`Hello ${name},`, ""] : []),
    `${inviter} invited you to join the organization ${org.name} (${org.slug}) on orgs.`,
    ...(note ? ["", note] : []),
    "",
    "To accept, open this link and sign in with this email address:",
    `  ${ctx.config.publicUrl}/admin/accept#token=${token}`,
    "or run:",
    `  orgs invitation:accept ${token} --api-url ${ctx.config.publicUrl}`,
    `or POST ${ctx.config.publicUrl}/v1/invitations/accept with {"token": "${token}"}.`,
    "",
    `The invitation expires on ${expiresAt.toISOString()}.`,
  ].join("\n");
  return { organizationId: org.id, to: email, subject: `You're invited to join ${org.name} on orgs`, text, invitationToken: token };
}

export async function sendInvitation(
  ctx: Pick<Ctx, "q" | "mailer" | "afterCommit" | "config" | "caller">,
  org: { id: string; name: string; slug: string },
  email: string,
  token: string,
  expiresAt: Date,
  note: string | null,
  name: string | null = null,
): Promise<void> {
  await ctx.mailer.send(ctx.q, invitationMail(ctx, org, email, token, expiresAt, note, name), ctx.afterCommit);
}
