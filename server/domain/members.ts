// Members: one object from invitation to removal. Status is derived at read time (an invitation
// past its expiry reads as `expired`), so nothing has to run when 7 days pass.
import { PERMISSIONS, type Permission } from "../../api/common";
import type { Member } from "../../api/resources";
import type { Ctx } from "../context";
import type { Mail } from "../mailer";
import { Statement } from "../store/statement";
import { fail, invalid } from "../errors";
import type { Queryable } from "../store/db";
import { HOLDS_ADMIN_ROLE_OF_M, ROLE_PERMISSIONS_OF_M } from "../store/permissions";
import type { OrgAccess } from "./access";
import { newSecret } from "./ids";
import { hashToken } from "../http/auth";
import { iso } from "./rows";

export interface MemberRow {
  id: string;
  organization_id: string;
  email: string;
  account_id: string | null;
  permissions: Permission[];
  role_ids: string[];
  team_ids: string[];
  role_permissions: Permission[] | null;
  has_admin_role: boolean;
  is_owner: boolean;
  invitation_expires_at: Date | null;
  invited_by_account_id: string | null;
  invitation_note: string | null;
  invitation_name: string | null;
  invitation_sent_count: number;
  two_factor_enabled: boolean;
  joined_at: Date | null;
  created_at: Date;
  version: number;
}

/** Everything a Member needs, in one row; `m` is members, joined to its organization `o`. */
export const MEMBER_COLUMNS = `m.id, m.organization_id, m.email, m.account_id, m.permissions,
  ARRAY(SELECT mr.role_id FROM member_roles mr WHERE mr.member_id = m.id ORDER BY mr.role_id) AS role_ids,
  ARRAY(SELECT tm.team_id FROM team_members tm WHERE tm.member_id = m.id ORDER BY tm.team_id) AS team_ids,
  ${ROLE_PERMISSIONS_OF_M} AS role_permissions, ${HOLDS_ADMIN_ROLE_OF_M} AS has_admin_role,
  (m.account_id IS NOT NULL AND m.account_id = o.owner_account_id) AS is_owner,
  m.invitation_expires_at, m.invited_by_account_id, m.invitation_note, m.invitation_name, m.invitation_sent_count,
  COALESCE((SELECT a.totp_secret IS NOT NULL FROM accounts a WHERE a.id = m.account_id), false) AS two_factor_enabled,
  m.joined_at, m.created_at, m.version`;

export const MEMBER_FROM = "members m JOIN organizations o ON o.id = m.organization_id";

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

/** A member of this organization, locked for update when asked. */
export async function findMember(q: Queryable, orgId: string, memberId: string, forUpdate = false): Promise<MemberRow | undefined> {
  if (forUpdate) await q.query("SELECT 1 FROM members WHERE id = $1 AND organization_id = $2 FOR UPDATE", [memberId, orgId]);
  const [row] = await q.query<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM} WHERE m.id = $1 AND m.organization_id = $2`, [memberId, orgId]);
  return row;
}

/** A member of this organization, locked for update when asked; 404 otherwise. */
export async function loadMember(q: Queryable, orgId: string, memberId: string, forUpdate = false): Promise<MemberRow> {
  const row = await findMember(q, orgId, memberId, forUpdate);
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

export interface RoleRef {
  id: string;
  builtin: string | null;
  permissions: Permission[];
  name: string;
}

/** Checks that every role ID belongs to the org; 422 naming the first one that does not. */
export async function rolesOf(q: Queryable, orgId: string, ids: string[], field = "/role_ids"): Promise<RoleRef[]> {
  const rows = await q.query<RoleRef>("SELECT id, builtin, permissions, name FROM roles WHERE organization_id = $1 AND id = ANY($2)", [orgId, ids]);
  ids.forEach((id, i) => {
    if (!rows.some((r) => r.id === id)) invalid(`${field}/${i}`, `role ${id} is not a role of this organization`);
  });
  return rows;
}

/** Checks that every team ID belongs to the org; 422 naming the first one that does not. */
export async function checkTeams(q: Queryable, orgId: string, ids: string[], field = "/team_ids"): Promise<void> {
  const rows = await q.query<{ id: string }>("SELECT id FROM teams WHERE organization_id = $1 AND id = ANY($2)", [orgId, ids]);
  ids.forEach((id, i) => {
    if (!rows.some((r) => r.id === id)) invalid(`${field}/${i}`, `team ${id} is not a team of this organization`);
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

/** The invitation quota's sliding window. */
export const QUOTA_WINDOW_MS = 24 * 3600 * 1000;

/**
 * The CTEs that count one invitation (or re-send) against the organization's quota per 24 hours,
 * as parts of statement `s`: `quota_bump` bumps this minute's counter (once per row of `from`,
 * when given), `quota` holds the window's total (`sent`) and its oldest minute (`oldest`). Put
 * them last in the request's writes: the counter row of this minute stays locked until the
 * commit, so concurrent invitations of one organization are counted one after another.
 */
export function quotaCtes(s: Statement, ctx: Pick<Ctx, "now">, orgId: string, from?: string): string {
  const org = s.p(orgId);
  const now = s.p(ctx.now);
  const since = s.p(new Date(ctx.now.getTime() - QUOTA_WINDOW_MS));
  return `quota_bump AS (INSERT INTO invitation_sends AS s (organization_id, minute, sent)
                   SELECT ${org}, date_trunc('minute', ${now}::timestamptz), 1${from ? ` FROM ${from}` : ""}
                   ON CONFLICT (organization_id, minute) DO UPDATE SET sent = s.sent + 1 RETURNING minute, sent),
     quota AS (SELECT (b.sent + coalesce(sum(s.sent), 0))::int AS sent, least(min(s.minute), b.minute) AS oldest
       FROM quota_bump b LEFT JOIN invitation_sends s ON s.organization_id = ${org} AND s.minute > ${since} AND s.minute <> b.minute
      GROUP BY b.sent, b.minute)`;
}

/** 429 when the count quotaCtes returned is over the quota (the caller's transaction then rolls back, count included). */
export function checkQuota(ctx: Pick<Ctx, "now" | "config">, { sent, oldest }: { sent: number; oldest: Date | string }): void {
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
 * 429 over it. Call it last before commit (see quotaCtes).
 */
export async function countInvitation(ctx: Pick<Ctx, "q" | "now" | "config">, orgId: string): Promise<void> {
  const s = new Statement();
  const [row] = await ctx.q.query<{ sent: number; oldest: Date }>(`WITH ${quotaCtes(s, ctx, orgId)} SELECT sent, oldest FROM quota`, s.values);
  checkQuota(ctx, row!);
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
