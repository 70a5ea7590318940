// POST /v1/projects/{project_id}/access:plan and :apply — a project's whole set of grants. The
// plan writes nothing; the apply runs the same plan in one transaction, with the project
// share-locked (as one grant's PUT does) and its grants locked, all of it or nothing.
import type { Ctx, Handlers } from "../context";
import { accessVersion, planAccess } from "../domain/access-sets";
import type { AuditInput } from "../domain/audit";
import { projectFor, toProjectAccess } from "../domain/projects";
import { fail } from "../errors";
import { auditMany } from "../store/audit-events";
import { deleteGrants, insertGrants, loadAccessSet, updateGrants } from "../store/access-sets";
import { checkSetVersion } from "./member-sets";

const accountIdsOf = (ctx: Ctx<"planProjectAccess" | "applyProjectAccess">) => ctx.body.grants.flatMap((g) => (g.account ? [g.account] : []));
const grantTarget = (projectId: string, type: string, id: string, name: string | null) => ({
  type: "project_access",
  id: `${projectId}/${type}/${id}`,
  display_name: name,
});

export const accessSetHandlers = {
  async planProjectAccess(ctx) {
    const { project: p, org } = await projectFor(ctx, ctx.params.project_id, "view");
    const state = await loadAccessSet(ctx.q, p.id, p.organization_id, accountIdsOf(ctx), false);
    const planned = planAccess(ctx.body, state, p, org.org.slug);
    // Changing the grants needs project admin access, as each grant's PUT does.
    if (planned.grants.length || planned.updates.length || planned.revokes.length) await projectFor(ctx, p.id, "admin");
    return planned.plan;
  },

  async applyProjectAccess(ctx) {
    const { project: p, org } = await projectFor(ctx, ctx.params.project_id, "admin", { lock: "share" });
    const state = await loadAccessSet(ctx.q, p.id, p.organization_id, accountIdsOf(ctx), true);
    checkSetVersion(ctx, accessVersion(state.grants), `the grants of project ${p.name}`);
    const { plan, grants, updates, revokes } = planAccess(ctx.body, state, p, org.org.slug);
    const inserted = await insertGrants(ctx.q, p.id, grants, ctx.now);
    if (inserted !== grants.length) fail("precondition_failed", `the grants of project ${p.name} changed since the plan: plan again`);
    await updateGrants(ctx.q, p.id, updates);
    await deleteGrants(ctx.q, p.id, revokes);
    const base = { organizationId: p.organization_id, projectId: p.id };
    const names = new Map(plan.revoke.map((r) => [`${r.principal_type}/${r.principal_id}`, r.display_name]));
    const events: AuditInput[] = [
      ...grants.map((s) => ({
        ...base,
        action: "project_access.granted",
        target: grantTarget(p.id, s.type, s.id, s.name),
        changes: { role: [null, s.level], environment_roles: [null, s.env] } as Record<string, [unknown, unknown]>,
      })),
      ...updates.map((s) => ({
        ...base,
        action: "project_access.updated",
        target: grantTarget(p.id, s.type, s.id, s.name),
        changes: Object.fromEntries(Object.entries(s.changes!).map(([k, v]) => [k === "level" ? "role" : k, v])) as Record<string, [unknown, unknown]>,
      })),
      ...revokes.map((g) => ({
        ...base,
        action: "project_access.revoked",
        target: grantTarget(p.id, g.principal_type, g.principal_id, names.get(`${g.principal_type}/${g.principal_id}`) ?? null),
        changes: { role: [g.role, null] } as Record<string, [unknown, unknown]>,
      })),
    ];
    await auditMany(ctx, events);
    const after = grants.length || updates.length || revokes.length ? (await loadAccessSet(ctx.q, p.id, p.organization_id, [], false)).grants : state.grants;
    const display = new Map<string, string | null>();
    for (const s of [...grants, ...updates]) display.set(`${s.type}/${s.id}`, s.name);
    for (const u of plan.unmanaged) display.set(`${u.principal_type}/${u.principal_id}`, u.display_name);
    return {
      ...plan,
      access_version: accessVersion(after),
      grants: after.map((g) => {
        const a = toProjectAccess(g);
        return {
          principal_type: a.principal_type,
          principal_id: a.principal_id,
          display_name: display.get(`${a.principal_type}/${a.principal_id}`) ?? null,
          level: a.role,
          environment_roles: a.environment_roles,
        };
      }),
    };
  },
} satisfies Partial<Handlers>;
