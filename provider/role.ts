// The Role resource: a custom role of an organization. ID org_…/role_…; a change of organization
// replaces it. Built-in roles (DEFAULT, ADMIN) are outputs of Organization, never managed here.
import { RoleInputs } from "../api/pulumi";
import type { Role } from "../api/resources";
import * as c from "./common";
import { namedProvider } from "./named";

export { configure } from "./common";

export const { check, diff, create, read, update, delete: del } = namedProvider<Role>({
  kind: "role",
  token: "orgs:index:Role",
  inputs: RoleInputs,
  idOutput: "roleId",
  extraRules: [{ key: "permissions", eq: c.sameSet }],
  extraInputs: (r) => ({ permissions: r.permissions }),
  extraCreateBody: (inputs) => ({ permissions: inputs.permissions ?? [] }),
  refuseAdopt(found, what) {
    if (found.builtin) throw new Error(`${what} is the built-in ${found.name} role, which cannot be changed: use the Organization's defaultRoleId or adminRoleId instead of a Role resource`);
  },
  deleteAdvice: (code) =>
    code === "role_in_use" ? "members or project grants this stack does not declare still use it: reassign or revoke them, then run pulumi again" : undefined,
  api: {
    create: (org, body, w) => c.call("createRole", { params: { org }, body: body as { name: string } }, w),
    list: (org) => c.api().listAll("listRoles", { params: { org } }),
    get: (org, id, w) => c.call("getRole", { params: { org, role_id: id } }, w),
    getOrGone: (org, id, w) => c.callOrGone("getRole", { params: { org, role_id: id } }, w),
    update: (org, id, patch, ifMatch, w) => c.call("updateRole", { params: { org, role_id: id }, body: patch, ifMatch }, w),
    delete: (org, id, ifMatch, w) => c.call("deleteRole", { params: { org, role_id: id }, ifMatch }, w),
  },
});
export { del as delete };
