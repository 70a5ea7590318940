// Roles: the built-in DEFAULT and ADMIN (unchangeable) and custom roles carrying permissions.
import type { Handlers } from "../context";
import { authorize, orgAccess } from "../domain/access";
import { audit, diffFields } from "../domain/audit";
import { checkIfMatch } from "../http/etag";
import { decodeCursor, pageOf } from "../http/pages";
import { newId } from "../domain/ids";
import { checkNameFree, loadRole, toRole, type RoleRow } from "../domain/roles-teams";
import { countRoleUses, deleteRole, insertRole, selectRolePage } from "../store/roles";
import { fail } from "../errors";
import { reply } from "../http/reply";
import { updateVersioned } from "../store/versioned";

const builtinRefused = (r: RoleRow): never =>
  fail("builtin_role", `${r.name} is a built-in role and cannot be changed or deleted: create a custom role instead`);
const target = (r: Pick<RoleRow, "id" | "name">) => ({ type: "role", id: r.id, display_name: r.name });

export const roleHandlers = {
  async listRoles(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const limit = ctx.query.limit ?? 30;
    const rows = await selectRolePage(ctx.q, a.org.id, decodeCursor(ctx.query.cursor), limit + 1);
    return pageOf(rows, limit, (r) => r.id, toRole);
  },

  async createRole(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin");
    const b = ctx.body;
    await checkNameFree(ctx.q, "role", a.org.id, b.name);
    const id = newId("role");
    await insertRole(ctx.q, { id, organizationId: a.org.id, name: b.name, description: b.description ?? "", permissions: b.permissions }, ctx.now);
    await audit(ctx, {
      organizationId: a.org.id,
      action: "role.created",
      target: { type: "role", id, display_name: b.name },
      changes: { permissions: [null, b.permissions] },
    });
    return reply({ status: 201, body: toRole(await loadRole(ctx.q, a.org.id, id)), headers: { location: `/v1/organizations/${a.org.id}/roles/${id}` } });
  },

  async getRole(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    return toRole(await loadRole(ctx.q, a.org.id, ctx.params.role_id));
  },

  async updateRole(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin");
    const r = await loadRole(ctx.q, a.org.id, ctx.params.role_id, true);
    if (r.builtin) builtinRefused(r);
    checkIfMatch(ctx, r.version, `role ${r.name}`);
    const b = ctx.body;
    const next = { ...b, permissions: b.permissions ? [...b.permissions].sort() : undefined };
    const changes = diffFields({ ...r, permissions: [...r.permissions].sort() } as unknown as Record<string, unknown>, next);
    if (!Object.keys(changes).length) return toRole(r);
    if (changes.name) await checkNameFree(ctx.q, "role", a.org.id, b.name!, r.id);
    await updateVersioned(
      ctx.q,
      "roles",
      { id: r.id },
      { name: b.name ?? r.name, description: b.description ?? r.description, permissions: b.permissions ?? r.permissions },
      ctx.now,
    );
    await audit(ctx, { organizationId: a.org.id, action: "role.updated", target: target({ id: r.id, name: b.name ?? r.name }), changes });
    return toRole(await loadRole(ctx.q, a.org.id, r.id));
  },

  async deleteRole(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin");
    const r = await loadRole(ctx.q, a.org.id, ctx.params.role_id, true);
    if (r.builtin) builtinRefused(r);
    checkIfMatch(ctx, r.version, `role ${r.name}`);
    const use = await countRoleUses(ctx.q, r.id);
    if (use.members || use.grants) {
      fail("role_in_use", `role ${r.name} is held by ${use.members} member(s) and used by ${use.grants} project grant(s): reassign them first`, {
        member_count: use.members,
        grant_count: use.grants,
      });
    }
    await deleteRole(ctx.q, r.id);
    await audit(ctx, { organizationId: a.org.id, action: "role.deleted", target: target(r) });
  },
} satisfies Partial<Handlers>;
