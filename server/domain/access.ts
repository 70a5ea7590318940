// Who the caller is in an organization, and the authorization matrix of org-api.md §4.
import { PERMISSIONS, type Permission } from "../../api/common";
import type { Caller, Ctx } from "../context";
import type { TokenCheck } from "./tokens";
import { fail } from "../errors";
import { notFoundOrDeleted } from "./deleted";
import { selectOrgStanding, type OrgRow } from "../store/organizations";

export interface OrgAccess {
  org: OrgRow;
  /** The caller's active membership, or null for an outsider (only with allowOutsider). */
  memberId: string | null;
  isOwner: boolean;
  isAdmin: boolean;
  /** Direct and role permissions; the owner and ADMIN hold all. */
  permissions: Set<Permission>;
}

/** Whether the caller's token may see `orgId` at all: a restricted token sees only its organizations. */
export const tokenMaySee = (caller: Caller, orgId: string): boolean => !caller.tokenOrgIds || caller.tokenOrgIds.includes(orgId);

/**
 * 403 for a token restricted to some organizations: what reaches beyond them (the account's other
 * tokens, its two-factor authentication, new organizations, joining another) needs an unrestricted token.
 */
export function requireUnrestrictedToken(caller: Caller, what: string): void {
  if (caller.tokenOrgIds) fail("forbidden", `this token is restricted to some organizations and cannot ${what}: use a token without organization_ids`);
}

/**
 * Resolves `{org}` for the caller, with the caller's membership in the same query (and, when the
 * request still owes its token check, the token's row: one statement instead of two). Outsiders
 * get 404 (the org's existence is not revealed); members of an org that requires 2FA get 403
 * two_factor_required until they enrol.
 */
export async function orgAccess(
  ctx: Pick<Ctx, "q" | "caller"> & { token?: TokenCheck | null },
  ref: string,
  opts: { forUpdate?: boolean; allowOutsider?: boolean; lockMember?: string } = {},
): Promise<OrgAccess> {
  const check = ctx.token ?? null;
  const { org: row, token } = await selectOrgStanding(ctx.q, {
    ref,
    accountId: (ctx.caller as Caller).accountId,
    forUpdate: opts.forUpdate,
    lockMember: opts.lockMember,
    tokenHash: check?.take(),
  });
  // The token's row is read whether or not the organization exists: a bad token is a 401 before any 404.
  const caller = check ? check.settle(token) : (ctx.caller as Caller);
  const notFound = (): never => fail("not_found", `organization ${ref} not found`);
  if (!row) return ref.startsWith("org_") ? notFoundOrDeleted(ctx, "organization", ref, `organization ${ref} not found`) : notFound();
  const { member_id: memberId, member_permissions, role_permissions, is_admin, ...org } = row;
  if (!tokenMaySee(caller, org.id)) notFound();
  if (!memberId) {
    if (opts.allowOutsider) return { org, memberId: null, isOwner: false, isAdmin: false, permissions: new Set() };
    notFound();
  }
  if (org.require_two_factor && !caller.twoFactorEnabled) {
    fail("two_factor_required", `organization ${org.slug} requires two-factor authentication: enrol at POST /v1/me/two-factor`);
  }
  const isOwner = org.owner_account_id === caller.accountId;
  const isAdmin = isOwner || is_admin;
  const permissions = new Set<Permission>(isAdmin ? PERMISSIONS : [...(member_permissions ?? []), ...(role_permissions ?? [])]);
  return { org, memberId, isOwner, isAdmin, permissions };
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
