// Roles' SQL: the row as every read returns it, the list, create, delete, and what holds a role.
import type { Permission } from "../../api/common";
import type { Queryable } from "./db";
import { selectOrgPage } from "./org-pages";

/** What a member's rules need of a role. */
export interface RoleRef {
  id: string;
  builtin: string | null;
  permissions: Permission[];
  name: string;
}

/** The organization's roles among `ids` (an ID of another organization, or none, is left out). */
export async function selectRolesIn(q: Queryable, orgId: string, ids: string[]): Promise<RoleRef[]> {
  return q.query<RoleRef>("SELECT id, builtin, permissions, name FROM roles WHERE organization_id = $1 AND id = ANY($2)", [orgId, ids]);
}

export async function selectRole(q: Queryable, orgId: string, id: string): Promise<RoleRef | undefined> {
  const [row] = await q.query<RoleRef>("SELECT id, builtin, permissions, name FROM roles WHERE id = $1 AND organization_id = $2", [id, orgId]);
  return row;
}

export interface RoleRow {
  id: string;
  organization_id: string;
  name: string;
  description: string;
  builtin: "DEFAULT" | "ADMIN" | null;
  permissions: Permission[];
  created_at: Date;
  version: number;
}
export const ROLE_COLUMNS = "r.id, r.organization_id, r.name, r.description, r.builtin, r.permissions, r.created_at, r.version";

export async function selectRoleRow(q: Queryable, orgId: string, id: string, forUpdate = false): Promise<RoleRow | undefined> {
  const [row] = await q.query<RoleRow>(`SELECT ${ROLE_COLUMNS} FROM roles r WHERE r.id = $1 AND r.organization_id = $2${forUpdate ? " FOR UPDATE" : ""}`, [
    id,
    orgId,
  ]);
  return row;
}

export async function selectRolePage(q: Queryable, orgId: string, after: string | null, limit: number): Promise<RoleRow[]> {
  return selectOrgPage<RoleRow>(q, { table: "roles", alias: "r", columns: ROLE_COLUMNS }, orgId, after, limit);
}

export async function insertRole(
  q: Queryable,
  r: { id: string; organizationId: string; name: string; description: string; permissions: Permission[] },
  now: Date,
) {
  await q.query("INSERT INTO roles (id, organization_id, name, description, permissions, created_at) VALUES ($1, $2, $3, $4, $5, $6)", [
    r.id,
    r.organizationId,
    r.name,
    r.description,
    r.permissions,
    now,
  ]);
}

/** How many members hold the role, and how many project grants name it. */
export async function countRoleUses(q: Queryable, roleId: string): Promise<{ members: number; grants: number }> {
  const [use] = await q.query<{ members: number; grants: number }>(
    `SELECT (SELECT count(*)::int FROM member_roles WHERE role_id = $1) AS members,
            (SELECT count(*)::int FROM project_access WHERE principal_type = 'roles' AND principal_id = $1) AS grants`,
    [roleId],
  );
  return use!;
}

export async function deleteRole(q: Queryable, roleId: string): Promise<void> {
  await q.query("DELETE FROM roles WHERE id = $1", [roleId]);
}

/** A new organization's built-in roles: DEFAULT (no permission) and ADMIN (`permissions`: every one). */
export async function insertBuiltinRoles(
  q: Queryable,
  orgId: string,
  ids: { defaultRole: string; adminRole: string },
  permissions: readonly Permission[],
  now: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO roles (id, organization_id, name, description, builtin, permissions, created_at) VALUES
       ($1, $3, 'DEFAULT', 'Every member: no organization permissions', 'DEFAULT', '{}', $5),
       ($2, $3, 'ADMIN', 'Every permission, the admin page, the audit log and admin on every project', 'ADMIN', $4, $5)`,
    [ids.defaultRole, ids.adminRole, orgId, [...permissions], now],
  );
}

/** The IDs among `ids` that are roles of the organization. */
export async function selectRoleIdsIn(q: Queryable, orgId: string, ids: string[]): Promise<{ id: string }[]> {
  return q.query<{ id: string }>("SELECT id FROM roles WHERE organization_id = $1 AND id = ANY($2)", [orgId, ids]);
}
