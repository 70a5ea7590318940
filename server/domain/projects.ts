// Projects, environments and access grants: row mapping, and who may see or manage a project.
// Effective access is the most permissive of direct grants, role grants, team grants, account
// grants and the implicit rights (owner, ADMIN, creator holding projects:create) of org-api.md §4.
import type { PrincipalType, Project, ProjectAccess } from "../../api/resources";
import type { Ctx } from "../context";
import { fail } from "../errors";
import type { Queryable } from "../store/db";
import {
  deleteGrantsTo,
  selectGrantsApplying,
  selectProject,
  type EnvironmentRoles,
  type EnvRole,
  type GrantRow,
  type ProjectRole,
  type ProjectRow,
  type Subject,
} from "../store/projects";
import { orgAccess, tokenMaySee, type OrgAccess } from "./access";
import { audit } from "./audit";
import { notFoundOrDeleted } from "./deleted";
import { iso } from "./rows";

export type { EnvironmentRoles, EnvRole, GrantRow, ProjectRole, ProjectRow, Subject };
export function toProject(r: ProjectRow): Project {
  return {
    id: r.id,
    organization_id: r.organization_id,
    name: r.name,
    description: r.description,
    environments: r.environments ?? [],
    created_by_account_id: r.created_by_account_id,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    version: r.version,
  };
}

/** `projectAdmin`: the caller manages the project's grants, so an account grant says who the account is. */
export function toProjectAccess(r: GrantRow, projectAdmin = false): ProjectAccess {
  return {
    project_id: r.project_id,
    organization_id: r.organization_id,
    principal_type: r.principal_type,
    principal_id: r.principal_id,
    role: r.role,
    environment_roles: { sandbox: r.sandbox_role, live: r.live_role },
    external: r.external,
    account: projectAdmin ? (r.account ?? null) : null,
    created_at: iso(r.created_at)!,
    version: r.version,
  };
}

/** Environment roles a grant gets when the request leaves them out. */
export function defaultEnvironmentRoles(role: ProjectRole): EnvironmentRoles {
  return role === "admin" ? { sandbox: "admin", live: "admin" } : { sandbox: "viewer", live: "viewer" };
}

const ENV_RANK: Record<string, number> = { viewer: 1, contributor: 2, admin: 3 };
const maxEnv = (a: EnvRole, b: EnvRole): EnvRole => ((ENV_RANK[b ?? ""] ?? 0) > (ENV_RANK[a ?? ""] ?? 0) ? b : a);

export const subjectOf = (a: OrgAccess, accountId: string): Subject => ({
  accountId,
  memberId: a.memberId,
  isOwner: a.isOwner,
  isAdmin: a.isAdmin,
  canCreate: a.memberId !== null && a.permissions.has("projects:create"),
});

export interface Effective {
  role: ProjectRole;
  environment_roles: EnvironmentRoles;
  sources: string[];
}

/** The subject's effective access to each of `projects` (absent: no access). */
export async function effectiveAccess(q: Queryable, s: Subject, projects: Pick<ProjectRow, "id" | "created_by_account_id">[]): Promise<Map<string, Effective>> {
  const out = new Map<string, Effective>();
  if (!projects.length) return out;
  const grants = await selectGrantsApplying(
    q,
    projects.map((p) => p.id),
    s,
  );
  const add = (projectId: string, source: string, role: ProjectRole, env: EnvironmentRoles) => {
    const e = out.get(projectId) ?? { role: "viewer", environment_roles: { sandbox: null, live: null }, sources: [] };
    if (role === "admin") e.role = "admin";
    e.environment_roles = { sandbox: maxEnv(e.environment_roles.sandbox, env.sandbox), live: maxEnv(e.environment_roles.live, env.live) };
    e.sources.push(source);
    out.set(projectId, e);
  };
  const allAdmin = defaultEnvironmentRoles("admin");
  for (const p of projects) {
    if (s.isOwner) add(p.id, "owner", "admin", allAdmin);
    else if (s.isAdmin) add(p.id, "admin", "admin", allAdmin);
    if (!s.isAdmin && s.canCreate && s.accountId && p.created_by_account_id === s.accountId) add(p.id, "creator", "admin", allAdmin);
  }
  for (const g of grants) {
    const source =
      g.principal_type === "members" ? "member" : g.principal_type === "accounts" ? "account" : `${g.principal_type.slice(0, -1)}:${g.principal_id}`;
    add(g.project_id, source, g.role, { sandbox: g.sandbox_role, live: g.live_role });
  }
  return out;
}

/** Whether the caller (`a`, their standing in the project's org) may view the project. */
export async function canView(q: Queryable, a: OrgAccess, accountId: string, p: Pick<ProjectRow, "id" | "created_by_account_id">): Promise<boolean> {
  return a.isAdmin || (await effectiveAccess(q, subjectOf(a, accountId), [p])).has(p.id);
}

export interface ProjectAccessCheck {
  project: ProjectRow;
  org: OrgAccess;
  /** The caller is the project's admin (owner, ADMIN, a grant, its creator): it manages its grants. */
  admin: boolean;
}

/**
 * Resolves a project for the caller and checks they may `need` it. Nobody learns a project exists
 * without access to it or membership of its org (404); members lacking access get 403.
 */
export async function projectFor(
  ctx: Pick<Ctx, "q" | "caller">,
  projectId: string,
  need: "view" | "admin",
  opts: { lock?: "update" | "share" } = {},
): Promise<ProjectAccessCheck> {
  const notFound = (): never => fail("not_found", `project ${projectId} not found`);
  if (!projectId.startsWith("prj_")) notFound();
  const project = await selectProject(ctx.q, projectId, opts.lock);
  if (!project) return notFoundOrDeleted(ctx, "project", projectId, `project ${projectId} not found`);
  // A token restricted to other organizations sees no project of this one, not even its organization's ID.
  if (!tokenMaySee(ctx.caller!, project.organization_id)) notFound();
  const org = await orgAccess(ctx, project.organization_id, { allowOutsider: true });
  // The owner and ADMIN members are project admins everywhere in their org: no grants to look at.
  if (org.isAdmin) return { project, org, admin: true };
  const access = (await effectiveAccess(ctx.q, subjectOf(org, ctx.caller!.accountId), [project])).get(project.id);
  if (!access) {
    if (!org.memberId) notFound();
    // By ID: the name is what a grant would let them read (org-api.md §4 note 7).
    fail("forbidden", `you have no access to project ${project.id}: ask an admin of ${org.org.slug} or one of the project's admins for a grant`);
  }
  if (need === "admin" && access.role !== "admin") {
    fail("forbidden", `this needs project admin access to ${project.name}; you have ${access.role} access`);
  }
  return { project, org, admin: access.role === "admin" };
}

/**
 * Drops every grant to one principal (a member, role or team being deleted), each with a
 * project_access.revoked event. For the members and teams handlers.
 */
export async function revokeGrantsOf(
  ctx: Pick<Ctx, "q" | "caller" | "ip" | "userAgent" | "requestId" | "now">,
  organizationId: string,
  principalType: PrincipalType,
  principalId: string,
  displayName: string | null,
) {
  const gone = await deleteGrantsTo(ctx.q, organizationId, principalType, principalId);
  for (const g of gone) {
    await audit(ctx, {
      organizationId,
      action: "project_access.revoked",
      projectId: g.project_id,
      target: { type: "project_access", id: `${g.project_id}/${principalType}/${principalId}`, display_name: displayName },
      changes: { role: [g.role, null] },
    });
  }
}
