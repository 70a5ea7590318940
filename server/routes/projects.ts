// Projects and their environments: create, read, rename, delete, and transfer between organizations.
// A project lives at a flat URL, so its ID and its environment IDs survive a transfer.
import type { Ctx, Handlers } from "../context";
import { authorize, orgAccess, tokenMaySee, type OrgAccess } from "../domain/access";
import { audit, diffFields, newValues } from "../domain/audit";
import { checkIfMatch } from "../http/etag";
import { decodeCursor, pageOf } from "../http/pages";
import { notFoundOrDeleted, recordDeletion } from "../domain/deleted";
import { newId } from "../domain/ids";
import { canView, effectiveAccess, projectFor, subjectOf, toProject } from "../domain/projects";
import {
  anyVisibleProject,
  countGrantsByType,
  deleteProject,
  insertEnvironments,
  insertProject,
  selectProject,
  selectVisibleProjectPage,
} from "../store/projects";
import { fail } from "../errors";
import { reply } from "../http/reply";
import { nameHolder } from "../store/names";
import { updateVersioned } from "../store/versioned";

/**
 * 409 when another project of the org `a` already has this name (compared case-insensitively).
 * The other project is named, with existing_id, only to a caller who may view it, and the
 * organization's slug only to its members (org-api.md §4 notes 7 and 8).
 */
async function ensureNameFree(ctx: Pick<Ctx, "q" | "caller">, a: OrgAccess, name: string, o: { exceptId?: string; field?: string; advice?: string } = {}) {
  const { exceptId = "", field = "/name", advice = "pick another name" } = o;
  const other = await nameHolder(ctx.q, "project", name, { orgId: a.org.id, exceptId });
  if (!other) return;
  const where = a.memberId ? a.org.slug : "the organization";
  if (await canView(ctx.q, a, ctx.caller!.accountId, other)) {
    fail("already_exists", `${where} already has a project named ${other.name}: ${advice}`, {
      existing_id: other.id,
      errors: [{ field, code: "already_exists", message: `${where} already has a project named ${other.name}` }],
    });
  }
  fail("already_exists", `${where} already has a project with that name, which you cannot view: ${advice}`, {
    errors: [{ field, code: "already_exists", message: `is taken by a project you cannot view` }],
  });
}

const target = (p: { id: string; name: string }) => ({ type: "project", id: p.id, display_name: p.name });

export const projectHandlers = {
  async listProjects(ctx) {
    const a = await orgAccess(ctx, ctx.params.org, { allowOutsider: true });
    const limit = ctx.query.limit ?? 30;
    const after = decodeCursor(ctx.query.cursor);
    const rows = await selectVisibleProjectPage(ctx.q, a.org.id, subjectOf(a, ctx.caller.accountId), { name: ctx.query.name ?? null }, after, limit + 1);
    // Outside collaborators see the projects granted to them; anyone else outside learns nothing.
    if (!a.memberId && !rows.length) {
      if (!(await anyVisibleProject(ctx.q, a.org.id, subjectOf(a, ctx.caller.accountId)))) fail("not_found", `organization ${ctx.params.org} not found`);
    }
    return pageOf(rows, limit, (r) => r.id, toProject);
  },

  async createProject(ctx) {
    // The org row lock keeps a concurrent organization delete from missing this project.
    const a = await orgAccess(ctx, ctx.params.org, { forUpdate: true });
    authorize(a, "admin", "projects:create");
    const b = ctx.body;
    await ensureNameFree(ctx, a, b.name);
    const id = newId("prj");
    await insertProject(
      ctx.q,
      { id, organizationId: a.org.id, name: b.name, description: b.description ?? "", createdByAccountId: ctx.caller.accountId },
      ctx.now,
    );
    await insertEnvironments(ctx.q, id, { sandbox: newId("env"), live: newId("env") });
    await audit(ctx, { organizationId: a.org.id, action: "project.created", target: { type: "project", id, display_name: b.name }, projectId: id });
    const project = toProject((await selectProject(ctx.q, id))!);
    return reply({ status: 201, body: project, headers: { location: `/v1/projects/${id}` } });
  },

  async getProject(ctx) {
    return toProject((await projectFor(ctx, ctx.params.project_id, "view")).project);
  },

  async updateProject(ctx) {
    const { project: p, org } = await projectFor(ctx, ctx.params.project_id, "admin", { lock: "update" });
    checkIfMatch(ctx, p.version, `project ${p.name}`);
    const changes = diffFields({ name: p.name, description: p.description }, ctx.body);
    if (!Object.keys(changes).length) return toProject(p);
    if (changes.name) await ensureNameFree(ctx, org, ctx.body.name!, { exceptId: p.id });
    await updateVersioned(ctx.q, "projects", { id: p.id }, newValues(changes), ctx.now);
    await audit(ctx, {
      organizationId: p.organization_id,
      action: "project.updated",
      target: target({ id: p.id, name: ctx.body.name ?? p.name }),
      projectId: p.id,
      changes,
    });
    return toProject((await selectProject(ctx.q, p.id))!);
  },

  async deleteProject(ctx) {
    const { project: p } = await projectFor(ctx, ctx.params.project_id, "admin", { lock: "update" });
    checkIfMatch(ctx, p.version, `project ${p.name}`);
    const grants = await countGrantsByType(ctx.q, p.id);
    const total = grants.members + grants.roles + grants.teams + grants.accounts;
    if (total > 0) {
      fail(
        "project_has_access_grants",
        `project ${p.name} still has ${total} access grant(s): revoke them first (GET /v1/projects/${p.id}/access lists them)`,
        grants,
      );
    }
    await audit(ctx, { organizationId: p.organization_id, action: "project.deleted", target: target(p), projectId: p.id });
    await recordDeletion(ctx, p.id, p.organization_id);
    await deleteProject(ctx.q, p.id);
  },

  async transferProject(ctx) {
    const id = ctx.params.project_id;
    const notFound = (): never => fail("not_found", `project ${id} not found`);
    const p = id.startsWith("prj_") ? await selectProject(ctx.q, id, "update") : undefined;
    if (!p) return id.startsWith("prj_") ? notFoundOrDeleted(ctx, "project", id, `project ${id} not found`) : notFound();
    if (!tokenMaySee(ctx.caller, p.organization_id)) notFound();
    const src = await orgAccess(ctx, p.organization_id, { allowOutsider: true });
    if (!src.memberId) {
      // Outside collaborators know the project, not its organization; they still cannot move it.
      if (!(await effectiveAccess(ctx.q, subjectOf(src, ctx.caller.accountId), [p])).has(p.id)) notFound();
      fail(
        "forbidden",
        `moving project ${p.name} to another organization needs the owner, an ADMIN member or a member with the billing permission of the organization that holds it: a grant on the project is not enough`,
      );
    }
    authorize(src, "admin", "billing");
    // Billing holders move projects they may not view: those are named by ID only (§4 note 7).
    const label = (await canView(ctx.q, src, ctx.caller.accountId, p)) ? `project ${p.name}` : `project ${p.id}`;
    checkIfMatch(ctx, p.version, label);
    // Locked so the target cannot be deleted while the project arrives.
    const dst = await orgAccess(ctx, ctx.body.target_organization_id, { forUpdate: true });
    authorize(dst, "admin", "projects:create");
    if (dst.org.id === src.org.id) return toProject(p);

    const grants = await countGrantsByType(ctx.q, p.id);
    const scoped = grants.members + grants.roles + grants.teams;
    if (scoped > 0) {
      fail(
        "project_has_org_scoped_grants",
        `${label} has ${scoped} grant(s) to members, roles or teams of ${src.org.slug}, which do not exist in ${dst.org.slug}: revoke them first (grants to outside accounts move with the project)`,
        { members: grants.members, roles: grants.roles, teams: grants.teams },
      );
    }
    await ensureNameFree(ctx, dst, p.name, { exceptId: p.id, field: "/target_organization_id", advice: "rename the project before moving it" });
    await updateVersioned(ctx.q, "projects", { id: p.id }, { organization_id: dst.org.id }, ctx.now);
    const changes = { organization_id: [src.org.id, dst.org.id] as [unknown, unknown] };
    await audit(ctx, { organizationId: src.org.id, action: "project.transferred_out", target: target(p), projectId: p.id, changes });
    await audit(ctx, { organizationId: dst.org.id, action: "project.transferred_in", target: target(p), projectId: p.id, changes });
    return toProject((await selectProject(ctx.q, p.id))!);
  },

  async listEnvironments(ctx) {
    const { project } = await projectFor(ctx, ctx.params.project_id, "view");
    return { items: toProject(project).environments, next_cursor: null };
  },

  async getEnvironment(ctx) {
    const { project } = await projectFor(ctx, ctx.params.project_id, "view");
    const env = toProject(project).environments.find((e) => e.id === ctx.params.env_id);
    if (!env) fail("not_found", `environment ${ctx.params.env_id} not found in project ${project.name}`);
    return env;
  },
} satisfies Partial<Handlers>;
