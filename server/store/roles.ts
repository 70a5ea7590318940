// Roles' SQL.
import type { Permission } from "../../api/common";
import type { Queryable } from "./db";

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
