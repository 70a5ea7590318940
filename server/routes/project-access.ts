// Project access grants (PUT to a natural key, so they are idempotent and importable) and a
// member's effective access across the org's projects.
import { PRINCIPAL_TYPES, type PrincipalType } from "../../api/resources";
import type { Ctx, Handlers } from "../context";
import { authorize, orgAccess } from "../domain/access";
import { audit, diffFields } from "../domain/audit";
import { checkIfMatch, matchesEtag } from "../http/etag";
import { decodeCursor, encodeCursor } from "../http/pages";
import { deleteGrant, insertGrant, selectGrant, selectGrantPage, selectPrincipalName, selectProjectsVisibleTo } from "../store/projects";
import { selectAccountByEmailWithMembership } from "../store/accounts";
import { selectMemberStanding } from "../store/members";
import { defaultEnvironmentRoles, effectiveAccess, projectFor, subjectOf, toProjectAccess, type EnvironmentRoles, type Subject } from "../domain/projects";
import { fail, invalid } from "../errors";
import { reply } from "../http/reply";
import type { Queryable } from "../store/db";
import { updateVersioned } from "../store/versioned";

/** Unknown principal types are unknown paths. */
function principalType(t: string): PrincipalType {
  if (!(PRINCIPAL_TYPES as readonly string[]).includes(t)) fail("not_found", `no principal type ${t}: use ${PRINCIPAL_TYPES.join(", ")}`);
  return t as PrincipalType;
}

/**
 * The principal's display name. It must exist (members, roles, teams: in the project's org); the
 * row is share-locked so it cannot be deleted while the grant is written.
 */
async function principalName(q: Queryable, type: PrincipalType, id: string, orgId: string, lock: boolean): Promise<string | null> {
  const name = await selectPrincipalName(q, type, id, orgId, lock);
  if (name !== undefined || !lock) return name ?? null;
  if (type === "accounts") {
    return invalid("principal_id", `no account ${id}: outside collaborators are granted by account ID (acct_…)`, "account_not_found");
  }
  return invalid("principal_id", `${type.slice(0, -1)} ${id} does not belong to this project's organization`, "principal_not_in_organization");
}

/** The request's environment roles over the defaults of its level. Project admins are admin everywhere. */
function environmentRoles(ctx: Ctx<"putProjectAccess">): EnvironmentRoles {
  const { role, environment_roles: given = {} } = ctx.body;
  const env = { ...defaultEnvironmentRoles(role), ...given };
  if (role === "admin") {
    for (const t of ["sandbox", "live"] as const) {
      if (env[t] !== "admin")
        invalid(
          `/environment_roles/${t}`,
          "project admins are admin on every environment: leave environment_roles out, or give viewer access with environment roles",
        );
    }
  }
  return env;
}

const grantTarget = (projectId: string, type: string, id: string, name: string | null) => ({
  type: "project_access",
  id: `${projectId}/${type}/${id}`,
  display_name: name,
});

export const projectAccessHandlers = {
  async listProjectAccess(ctx) {
    const { project, admin } = await projectFor(ctx, ctx.params.project_id, "view");
    const limit = ctx.query.limit ?? 30;
    const after = decodeCursor(ctx.query.cursor);
    const [afterType, afterId] = after ? [after.slice(0, after.indexOf("/")), after.slice(after.indexOf("/") + 1)] : [null, null];
    const rows = await selectGrantPage(ctx.q, project.id, { principalType: ctx.query.principal_type ?? null, afterType, afterId }, limit + 1);
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((g) => toProjectAccess(g, admin)),
      next_cursor: more && last ? encodeCursor(`${last.principal_type}/${last.principal_id}`) : null,
    };
  },

  async getProjectAccess(ctx) {
    const { project, admin } = await projectFor(ctx, ctx.params.project_id, "view");
    const type = principalType(ctx.params.principal_type);
    const g = await selectGrant(ctx.q, project.id, type, ctx.params.principal_id);
    if (!g) fail("not_found", `project ${project.name} has no grant to ${type}/${ctx.params.principal_id}`);
    return toProjectAccess(g, admin);
  },

  async putProjectAccess(ctx) {
    const { project: p } = await projectFor(ctx, ctx.params.project_id, "admin", { lock: "share" });
    const type = principalType(ctx.params.principal_type);
    const id = ctx.params.principal_id;
    const name = await principalName(ctx.q, type, id, p.organization_id, true);
    const env = environmentRoles(ctx);
    let prev = await selectGrant(ctx.q, p.id, type, id, true);
    const where = `the grant to ${type}/${id} on ${p.name}`;

    if (!prev) {
      // RFC 9110: If-Match fails when there is nothing to match (e.g. the grant was revoked meanwhile).
      if (ctx.headers["if-match"] !== undefined) fail("precondition_failed", `${where} does not exist (any more): read the project's grants again`);
      // Grant writes on one project run side by side: a PUT of the same grant that committed
      // since the read above makes this one an update of it.
      const created = await insertGrant(ctx.q, { projectId: p.id, type, id, role: ctx.body.role, env }, ctx.now);
      if (created) {
        await audit(ctx, {
          organizationId: p.organization_id,
          action: "project_access.granted",
          projectId: p.id,
          target: grantTarget(p.id, type, id, name),
          changes: { role: [null, ctx.body.role], environment_roles: [null, env] },
        });
        return reply({ status: 201, body: toProjectAccess(created, true), headers: { location: `/v1/projects/${p.id}/access/${type}/${id}` } });
      }
      prev = (await selectGrant(ctx.q, p.id, type, id, true))!;
    }

    if (matchesEtag(ctx.headers["if-none-match"], prev.version)) {
      fail("precondition_failed", `${where} already exists (If-None-Match: * makes this PUT create-only)`, { current_etag: `"${prev.version}"` });
    }
    checkIfMatch(ctx, prev.version, where);
    const before = { role: prev.role, environment_roles: { sandbox: prev.sandbox_role, live: prev.live_role } };
    const changes = diffFields(before, { role: ctx.body.role, environment_roles: env });
    if (!Object.keys(changes).length) return toProjectAccess(prev, true);
    await updateVersioned(
      ctx.q,
      "project_access",
      { project_id: p.id, principal_type: type, principal_id: id },
      { role: ctx.body.role, sandbox_role: env.sandbox, live_role: env.live },
      ctx.now,
    );
    await audit(ctx, {
      organizationId: p.organization_id,
      action: "project_access.updated",
      projectId: p.id,
      target: grantTarget(p.id, type, id, name),
      changes,
    });
    return toProjectAccess((await selectGrant(ctx.q, p.id, type, id))!, true);
  },

  async findAccountForAccess(ctx) {
    // Project admins only: they grant access, so they must learn whom an address names. It tells no
    // more than sign-up does (POST /v1/accounts answers 409 for a taken address), and only for an
    // exact address: nothing is searched or listed.
    const { project: p } = await projectFor(ctx, ctx.params.project_id, "admin");
    const email = ctx.body.email;
    const a = await selectAccountByEmailWithMembership(ctx.q, email, p.organization_id);
    if (!a)
      invalid(
        "/email",
        `no account has the email ${email}: they sign up first (\`orgs auth:signup\`, or "No account yet?" on /admin/sign-in), then grant again`,
        "account_not_found",
      );
    return { id: a.id, email: a.email, name: a.name, member_id: a.member_id, external: a.member_id === null };
  },

  async deleteProjectAccess(ctx) {
    const { project: p } = await projectFor(ctx, ctx.params.project_id, "admin", { lock: "share" });
    const type = principalType(ctx.params.principal_type);
    const id = ctx.params.principal_id;
    const g = await selectGrant(ctx.q, p.id, type, id, true);
    if (!g) fail("not_found", `project ${p.name} has no grant to ${type}/${id}`);
    checkIfMatch(ctx, g.version, `the grant to ${type}/${id} on ${p.name}`);
    const name = await principalName(ctx.q, type, id, p.organization_id, false);
    await deleteGrant(ctx.q, p.id, type, id);
    await audit(ctx, {
      organizationId: p.organization_id,
      action: "project_access.revoked",
      projectId: p.id,
      target: grantTarget(p.id, type, id, name),
      changes: { role: [g.role, null] },
    });
  },

  async listMemberProjectAccess(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const m = await selectMemberStanding(ctx.q, a.org.id, ctx.params.member_id);
    if (!m) fail("not_found", `member ${ctx.params.member_id} not found in ${a.org.slug}`);
    if (m.id !== a.memberId) authorize(a, "admin", "members");
    // An invited member's grants are listed as the access they get on acceptance.
    const isOwner = m.account_id !== null && m.account_id === a.org.owner_account_id;
    const subject: Subject = {
      accountId: m.account_id,
      memberId: m.id,
      isOwner,
      isAdmin: isOwner || m.is_admin,
      canCreate: m.permissions.includes("projects:create"),
    };
    // A user admin sees the member's access to the projects it may view itself, and only a count
    // of the others (org-api.md §4 note 7): their names are not its to read.
    const projects = await selectProjectsVisibleTo(ctx.q, a.org.id, subject, subjectOf(a, ctx.caller.accountId));
    const eff = await effectiveAccess(ctx.q, subject, projects);
    const items = projects.flatMap((p) => {
      const e = eff.get(p.id);
      return e && p.shown ? [{ project_id: p.id, project_name: p.name, role: e.role, environment_roles: e.environment_roles, sources: e.sources }] : [];
    });
    const hidden = projects.filter((p) => !p.shown && eff.has(p.id)).length;
    return { items, next_cursor: null, hidden_count: hidden };
  },
} satisfies Partial<Handlers>;
