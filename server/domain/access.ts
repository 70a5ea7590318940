// Who the caller is in an organization, and the authorization matrix of org-api.md §4.
import { PERMISSIONS, type Permission } from "../../api/common";
import type { Caller, Ctx } from "../context";
import { fail } from "../errors";
import type { Queryable } from "../store/db";
import { type OrgRow, ORG_COLUMNS } from "./rows";

export interface OrgAccess {
  org: OrgRow;
  /** The caller's active membership, or null for an outsider (only with allowOutsider). */
  memberId: string | null;
  isOwner: boolean;
  isAdmin: boolean;
  /** Direct and role permissions; the owner and ADMIN hold all. */
  permissions: Set<Permission>;
}

/** Finds an org by ID or slug, with row lock when forUpdate. */
export async function findOrg(q: Queryable, ref: string, forUpdate = false): Promise<OrgRow | undefined> {
  const by = ref.startsWith("org_") ? "o.id = $1" : "o.slug = lower($1)";
  const [row] = await q.query<OrgRow>(`SELECT ${ORG_COLUMNS} FROM organizations o WHERE ${by}${forUpdate ? " FOR UPDATE OF o" : ""}`, [ref]);
  return row;
}

/** What the caller may do in one account's membership of an org (null when not an active member). */
export async function membershipOf(q: Queryable, orgId: string, accountId: string) {
  const [m] = await q.query<{ id: string; permissions: Permission[]; role_permissions: Permission[] | null; is_admin: boolean }>(
    `SELECT m.id, m.permissions,
            (SELECT array_agg(DISTINCT p) FROM member_roles mr JOIN roles r ON r.id = mr.role_id, unnest(r.permissions) p WHERE mr.member_id = m.id) AS role_permissions,
            EXISTS (SELECT 1 FROM member_roles mr JOIN roles r ON r.id = mr.role_id WHERE mr.member_id = m.id AND r.builtin = 'ADMIN') AS is_admin
       FROM members m WHERE m.organization_id = $1 AND m.account_id = $2 AND m.joined_at IS NOT NULL`,
    [orgId, accountId],
  );
  return m;
}

/**
 * Resolves `{org}` for the caller. Outsiders get 404 (the org's existence is not revealed);
 * members of an org that requires 2FA get 403 two_factor_required until they enrol.
 */
export async function orgAccess(ctx: Pick<Ctx, "q" | "caller">, ref: string, opts: { forUpdate?: boolean; allowOutsider?: boolean } = {}): Promise<OrgAccess> {
  const caller = ctx.caller as Caller;
  const org = await findOrg(ctx.q, ref, opts.forUpdate);
  const notFound = (): never => fail("not_found", `organization ${ref} not found`);
  if (!org) return notFound();
  if (caller.tokenOrgIds && !caller.tokenOrgIds.includes(org.id)) notFound();
  const m = await membershipOf(ctx.q, org.id, caller.accountId);
  if (!m) {
    if (opts.allowOutsider) return { org, memberId: null, isOwner: false, isAdmin: false, permissions: new Set() };
    notFound();
  }
  if (org.require_two_factor && !caller.twoFactorEnabled) {
    fail("two_factor_required", `organization ${org.slug} requires two-factor authentication: enrol at POST /v1/me/two-factor`);
  }
  const isOwner = org.owner_account_id === caller.accountId;
  const isAdmin = isOwner || m.is_admin;
  const permissions = new Set<Permission>(isAdmin ? PERMISSIONS : [...m.permissions, ...(m.role_permissions ?? [])]);
  return { org, memberId: m.id, isOwner, isAdmin, permissions };
}

export type Action = Permission | "admin" | "owner";

const DESCRIBE: Record<Action, string> = {
  owner: "only the organization's owner",
  admin: "the owner or a member with the ADMIN role",
  members: "the members permission",
  billing: "the billing permission",
  plans: "the plans permission",
  "projects:create": "the projects:create permission",
};

export function can(a: OrgAccess, action: Action): boolean {
  if (action === "owner") return a.isOwner;
  if (action === "admin") return a.isAdmin;
  return a.permissions.has(action);
}

/** 403 unless the caller may do one of `actions` in this org. */
export function authorize(a: OrgAccess, ...actions: Action[]): void {
  if (actions.some((x) => can(a, x))) return;
  fail("forbidden", `this needs ${actions.map((x) => DESCRIBE[x]).join(" or ")} in ${a.org.slug}`);
}
