// Who the caller is in an organization, and the authorization matrix of org-api.md §4.
import { PERMISSIONS, type Permission } from "../../api/common";
import type { Caller, Ctx } from "../context";
import type { TokenCheck } from "./tokens";
import { callerTokenSql, type CallerTokenRow } from "../store/tokens";
import { fail } from "../errors";
import { notFoundOrDeleted } from "./deleted";
import type { Queryable } from "../store/db";
import { HOLDS_ADMIN_ROLE_OF_M, ROLE_PERMISSIONS_OF_M } from "../store/permissions";
import { type OrgRow, ORG_COLUMNS } from "./rows";
import { Statement } from "../store/statement";

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

/** SQL condition on organizations `o`: the org that the parameter `p` (holding `ref`) names, by ID or by slug. */
const orgNamedBy = (p: string, ref: string) => (ref.startsWith("org_") ? `o.id = ${p}` : `o.slug = lower(${p})`);

/** Finds an org by ID or slug. */
export async function findOrg(q: Queryable, ref: string): Promise<OrgRow | undefined> {
  const [row] = await q.query<OrgRow>(`SELECT ${ORG_COLUMNS} FROM organizations o WHERE ${orgNamedBy("$1", ref)}`, [ref]);
  return row;
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
  const s = new Statement();
  const named = s.p(ref);
  const accountId = s.p((ctx.caller as Caller).accountId);
  // A member the request is about to change, locked in the same statement (its row is read
  // after this one, so what is read is what the lock holds).
  const lock = opts.lockMember
    ? `, (SELECT true FROM members lm WHERE lm.id = ${s.p(opts.lockMember)} AND lm.organization_id = o.id FOR UPDATE) AS member_locked`
    : "";
  const access = `SELECT ${ORG_COLUMNS}, m.id AS member_id, m.permissions AS member_permissions,
            ${ROLE_PERMISSIONS_OF_M} AS role_permissions, ${HOLDS_ADMIN_ROLE_OF_M} AS is_admin${lock}
       FROM organizations o LEFT JOIN members m ON m.organization_id = o.id AND m.account_id = ${accountId} AND m.joined_at IS NOT NULL
      WHERE ${orgNamedBy(named, ref)}${opts.forUpdate ? " FOR UPDATE OF o" : ""}`;
  type Row = OrgRow & {
    member_id: string | null;
    member_permissions: Permission[] | null;
    role_permissions: Permission[] | null;
    is_admin: boolean;
    member_locked?: boolean | null;
  };
  let row: Row | undefined;
  let caller = ctx.caller as Caller;
  if (check) {
    // The token's row whether or not the organization exists: a bad token is a 401 before any 404.
    const [r] = await ctx.q.query<Row & { token: CallerTokenRow | null }>(
      `SELECT (SELECT row_to_json(tok) FROM (${callerTokenSql(s.p(check.take()))}) tok) AS token, x.*
         FROM (VALUES (1)) one LEFT JOIN (${access}) x ON true`,
      s.values,
    );
    const { token, ...rest } = r!;
    caller = check.settle(token);
    row = rest.id === null ? undefined : rest;
  } else {
    [row] = await ctx.q.query<Row>(access, s.values);
  }
  if (row) delete row.member_locked;
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
