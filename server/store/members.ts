// Members' SQL, a function per statement: the member row as every read returns it, the list, the
// invitation (one statement with its roles, teams, mail, audit event and quota count), a change
// of roles, teams and permissions (one statement with its audit event), a role added or taken,
// and removal. The rules (who may do what, what is valid) are in domain/members.ts.
import type { Permission } from "../../api/common";
import type { Mail } from "../mailer";
import type { Queryable, StatementOpts } from "./db";
import { auditInsert, type AuditInput, type AuditSource } from "./audit-events";
import { quotaCtes, type QuotaCount } from "./invitation-sends";
import { outboxInsert } from "./outbox";
import { HOLDS_ADMIN_ROLE_OF_IDS, HOLDS_ADMIN_ROLE_OF_M, ROLE_PERMISSIONS_OF_IDS, ROLE_PERMISSIONS_OF_M } from "./permissions";
import { Statement } from "./statement";

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

/** The member with this ID, in whichever organization (the caller checks it is the one it expects). */
export async function selectMemberById(q: Queryable, memberId: string): Promise<MemberRow | undefined> {
  const [row] = await q.query<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM} WHERE m.id = $1`, [memberId]);
  return row;
}

/** A member of this organization, locked for update first when asked (a statement of its own). */
export async function selectMember(q: Queryable, orgId: string, memberId: string, forUpdate = false): Promise<MemberRow | undefined> {
  if (forUpdate) await q.query("SELECT 1 FROM members WHERE id = $1 AND organization_id = $2 FOR UPDATE", [memberId, orgId]);
  const [row] = await q.query<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM} WHERE m.id = $1 AND m.organization_id = $2`, [memberId, orgId]);
  return row;
}

export interface MemberFilter {
  email: string | null;
  status: string | null;
  roleId: string | null;
  teamId: string | null;
  permission: string | null;
}

/** A page of the organization's members in ID order after `after`, filtered (a status is read at `now`). */
export async function selectMemberPage(q: Queryable, orgId: string, f: MemberFilter, after: string | null, limit: number, now: Date): Promise<MemberRow[]> {
  return q.query<MemberRow>(
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
    [orgId, after, f.email, f.status, f.roleId, f.teamId, f.permission, limit, now],
  );
}

export interface NewInvitation {
  id: string;
  organizationId: string;
  email: string;
  permissions: Permission[];
  tokenHash: string;
  expiresAt: Date;
  note: string | null;
  name: string | null;
  roleIds: string[];
  teamIds: string[];
}

/** SQLSTATE of an invitation over its organization's quota, raised by orgs_refuse (migration 014). */
const OVER_QUOTA = "OQ429";

/** What the invitation's statement did: the member written, the member or invitation already there, or a refusal over the quota. */
export type InvitationOutcome =
  | { member: MemberRow & QuotaCount }
  | { existing: { id: string; email: string; joined_at: Date | null } }
  | { overQuota: QuotaCount }
  /** The email was invited by a transaction that committed after this statement began: nothing was written, and a new statement sees it. */
  | { raced: true };

/**
 * One statement writes the invitation: the member, its roles and teams, its mail (`mail`: the
 * outbox mailer's row; null when SMTP sends after the commit), its audit event and its count
 * against the quota, each only when the member was inserted; it returns the member as a read would
 * (role_permissions and has_admin_role from the roles named, which exist already) with the quota's
 * count, or the member that has the email already. Over the quota (`quota`: the organization's
 * limit per 24 hours) the statement itself fails, so nothing of it commits: it may be the
 * transaction's last (`opts.last`, its COMMIT sent with it). Invited by the caller, at ctx.now.
 */
export async function insertInvitation(
  q: Queryable,
  ctx: AuditSource & { caller: { accountId: string } },
  inv: NewInvitation,
  writes: { mail: Mail | null; event: AuditInput; quota: number },
  opts?: StatementOpts,
): Promise<InvitationOutcome> {
  const s = new Statement();
  const roleParam = s.p(inv.roleIds);
  const org = s.p(inv.organizationId);
  const email = s.p(inv.email);
  type Row = Partial<MemberRow & QuotaCount> & { existing_id: string | null; existing_email: string | null; existing_joined_at: Date | null };
  let row: Row | undefined;
  try {
    [row] = await q.query<Row>(
      `WITH m AS (
         INSERT INTO members (id, organization_id, email, email_normalized, permissions, invitation_token_hash, invitation_expires_at,
                              invited_by_account_id, invitation_note, invitation_name, invitation_sent_count, created_at)
         VALUES (${s.p(inv.id)}, ${org}, ${email}, lower(${email}), ${s.p(inv.permissions)}, ${s.p(inv.tokenHash)},
                 ${s.p(inv.expiresAt)}, ${s.p(ctx.caller.accountId)}, ${s.p(inv.note)}, ${s.p(inv.name)}, 1, ${s.p(ctx.now)})
         ON CONFLICT (organization_id, email_normalized) DO NOTHING RETURNING *),
       r AS (INSERT INTO member_roles (member_id, role_id, organization_id) SELECT m.id, unnest(${roleParam}::text[]), m.organization_id FROM m ON CONFLICT DO NOTHING),
       t AS (INSERT INTO team_members (team_id, member_id, created_at, organization_id)
             SELECT unnest(${s.p(inv.teamIds)}::text[]), m.id, m.created_at, m.organization_id FROM m ON CONFLICT DO NOTHING),
       ${writes.mail ? `mail AS (${outboxInsert(s, writes.mail, "m")}),` : ""}
       event AS (${auditInsert(s, ctx, writes.event, "m")}),
       ${quotaCtes(s, inv.organizationId, ctx.now, "m")}
       SELECT m.id, m.organization_id, m.email, m.account_id, m.permissions,
              ARRAY(SELECT DISTINCT x FROM unnest(${roleParam}::text[]) x ORDER BY x) AS role_ids,
              ARRAY(SELECT DISTINCT x FROM unnest(${s.p(inv.teamIds)}::text[]) x ORDER BY x) AS team_ids,
              ${ROLE_PERMISSIONS_OF_IDS(`${roleParam}::text[]`)} AS role_permissions, ${HOLDS_ADMIN_ROLE_OF_IDS(`${roleParam}::text[]`)} AS has_admin_role,
              false AS is_owner, m.invitation_expires_at, m.invited_by_account_id, m.invitation_note, m.invitation_name, m.invitation_sent_count,
              false AS two_factor_enabled, m.joined_at, m.created_at, m.version, quota.sent, quota.oldest,
              CASE WHEN quota.sent > ${s.p(writes.quota)} THEN orgs_refuse('${OVER_QUOTA}', json_build_object('sent', quota.sent, 'oldest', quota.oldest)::text) END AS refused,
              ex.id AS existing_id, ex.email AS existing_email, ex.joined_at AS existing_joined_at
         FROM (VALUES (1)) one
         LEFT JOIN (m CROSS JOIN quota) ON true
         LEFT JOIN LATERAL (SELECT x.id, x.email, x.joined_at FROM members x
                             WHERE m.id IS NULL AND x.organization_id = ${org} AND x.email_normalized = lower(${email})) ex ON true`,
      s.values,
      opts,
    );
  } catch (err) {
    if ((err as { code?: unknown }).code !== OVER_QUOTA) throw err;
    const { sent, oldest } = JSON.parse((err as Error).message) as { sent: number; oldest: string };
    return { overQuota: { sent, oldest: new Date(oldest) } };
  }
  const { refused: _refused, existing_id, existing_email, existing_joined_at, ...member } = row! as Row & { refused?: unknown };
  if (member.id) return { member: member as MemberRow & QuotaCount };
  if (existing_id) return { existing: { id: existing_id, email: existing_email!, joined_at: existing_joined_at } };
  return { raced: true };
}

/**
 * One statement writes a member's change: the roles and teams replaced (those given), the
 * permissions (when given) and the version, checked against `version` (the one the change was
 * decided on), and the audit event. The new version; none if the version moved, and then nothing
 * is written (every part is conditioned on the versioned update). `opts` is the statement's
 * (`last`: the transaction commits with it).
 */
export async function updateMemberSets(
  q: Queryable,
  ctx: AuditSource,
  m: { id: string; organizationId: string; version: number },
  set: { roleIds?: string[]; teamIds?: string[]; permissions?: Permission[] },
  event: AuditInput,
  opts?: StatementOpts,
): Promise<number | undefined> {
  const s = new Statement();
  const id = s.p(m.id);
  const parts = [
    `u AS (UPDATE members SET ${set.permissions ? `permissions = ${s.p(set.permissions)}, ` : ""}version = version + 1
              WHERE id = ${id} AND version = ${s.p(m.version)} RETURNING version)`,
  ];
  // Every parameter must be used (PostgreSQL cannot type one that is not): the organization only with a role or team change.
  const org = set.roleIds || set.teamIds ? s.p(m.organizationId) : "";
  if (set.roleIds) {
    const r = s.p(set.roleIds);
    parts.push(
      `rd AS (DELETE FROM member_roles WHERE member_id = ${id} AND NOT (role_id = ANY(${r}::text[])) AND EXISTS (SELECT 1 FROM u))`,
      `ri AS (INSERT INTO member_roles (member_id, role_id, organization_id) SELECT ${id}, unnest(${r}::text[]), ${org} FROM u ON CONFLICT DO NOTHING)`,
    );
  }
  if (set.teamIds) {
    const t = s.p(set.teamIds);
    parts.push(
      `td AS (DELETE FROM team_members WHERE member_id = ${id} AND NOT (team_id = ANY(${t}::text[])) AND EXISTS (SELECT 1 FROM u))`,
      `ti AS (INSERT INTO team_members (team_id, member_id, created_at, organization_id)
              SELECT unnest(${t}::text[]), ${id}, ${s.p(ctx.now)}, ${org} FROM u ON CONFLICT DO NOTHING)`,
    );
  }
  parts.push(`event AS (${auditInsert(s, ctx, event, "u")})`);
  const [u] = await q.query<{ version: number }>(`WITH ${parts.join(",\n     ")} SELECT version FROM u`, s.values, opts);
  return u?.version;
}

export async function insertMemberRole(q: Queryable, memberId: string, roleId: string): Promise<void> {
  await q.query("INSERT INTO member_roles (member_id, role_id) VALUES ($1, $2)", [memberId, roleId]);
}

export async function deleteMemberRole(q: Queryable, memberId: string, roleId: string): Promise<void> {
  await q.query("DELETE FROM member_roles WHERE member_id = $1 AND role_id = $2", [memberId, roleId]);
}

export async function deleteMember(q: Queryable, memberId: string): Promise<void> {
  await q.query("DELETE FROM members WHERE id = $1", [memberId]);
}

/** The invitee's side of an invitation: the pending member its token's hash names, locked, with what accepting checks of its organization. */
export interface PendingInvitationRow {
  id: string;
  organization_id: string;
  email: string;
  joined_at: Date | null;
  invitation_expires_at: Date | null;
  require_two_factor: boolean;
  slug: string;
}

export async function lockInvitationByTokenHash(q: Queryable, hash: string): Promise<PendingInvitationRow | undefined> {
  const [row] = await q.query<PendingInvitationRow>(
    `SELECT m.id, m.organization_id, m.email, m.joined_at, m.invitation_expires_at, o.require_two_factor, o.slug
         FROM members m JOIN organizations o ON o.id = m.organization_id
        WHERE m.invitation_token_hash = $1 FOR UPDATE OF m`,
    [hash],
  );
  return row;
}

/** The account's member ID in the organization, if it has one. */
export async function selectMemberIdOfAccount(q: Queryable, orgId: string, accountId: string): Promise<string | undefined> {
  const [row] = await q.query<{ id: string }>("SELECT id FROM members WHERE organization_id = $1 AND account_id = $2", [orgId, accountId]);
  return row?.id;
}

/** A page of the pending invitations addressed to `email`, within `orgIds` when given (a restricted token's), with their organizations' slug and name. */
export async function selectInvitationsTo(
  q: Queryable,
  email: string,
  orgIds: string[] | null,
  after: string | null,
  limit: number,
): Promise<(MemberRow & { organization_slug: string; organization_name: string })[]> {
  return q.query<MemberRow & { organization_slug: string; organization_name: string }>(
    `SELECT ${MEMBER_COLUMNS}, o.slug AS organization_slug, o.name AS organization_name FROM ${MEMBER_FROM}
        WHERE m.email_normalized = lower($1) AND m.joined_at IS NULL AND ($2::text IS NULL OR m.id > $2)
          AND ($4::text[] IS NULL OR m.organization_id = ANY($4))
        ORDER BY m.id LIMIT $3`,
    [email, after, limit, orgIds],
  );
}

/** What a member's project access is computed from: its account, its own and its roles' permissions, and whether it holds ADMIN. */
export async function selectMemberStanding(
  q: Queryable,
  orgId: string,
  memberId: string,
): Promise<{ id: string; account_id: string | null; permissions: string[]; is_admin: boolean } | undefined> {
  const [m] = await q.query<{ id: string; account_id: string | null; permissions: string[]; is_admin: boolean }>(
    `SELECT m.id, m.account_id,
              m.permissions || coalesce(${ROLE_PERMISSIONS_OF_M}, '{}') AS permissions, ${HOLDS_ADMIN_ROLE_OF_M} AS is_admin
         FROM members m WHERE m.id = $1 AND m.organization_id = $2`,
    [memberId, orgId],
  );
  return m;
}

/** A new organization's owner as its first, active member. */
export async function insertOwnerMember(q: Queryable, m: { id: string; orgId: string; email: string; accountId: string }, now: Date): Promise<void> {
  await q.query(
    "INSERT INTO members (id, organization_id, email, email_normalized, account_id, joined_at, created_at) VALUES ($1, $2, $3, lower($3), $4, $5, $5)",
    [m.id, m.orgId, m.email, m.accountId, now],
  );
}

/** The member, locked, with its account (null while invited). */
export async function lockMemberAccount(
  q: Queryable,
  orgId: string,
  memberId: string,
): Promise<{ id: string; account_id: string | null; email: string } | undefined> {
  const [row] = await q.query<{ id: string; account_id: string | null; email: string }>(
    "SELECT id, account_id, email FROM members WHERE id = $1 AND organization_id = $2 FOR UPDATE",
    [memberId, orgId],
  );
  return row;
}

/** Takes every role of the member. */
export async function deleteMemberRoles(q: Queryable, memberId: string): Promise<void> {
  await q.query("DELETE FROM member_roles WHERE member_id = $1", [memberId]);
}

/** Gives the member the roles `roleIds`. */
export async function insertMemberRoles(q: Queryable, memberId: string, roleIds: string[]): Promise<void> {
  await q.query("INSERT INTO member_roles (member_id, role_id) SELECT $1, unnest($2::text[])", [memberId, roleIds]);
}
