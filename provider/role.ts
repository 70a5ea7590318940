// The Role resource: a custom role of an organization. ID org_…/role_…; another organization
// replaces it. Built-in roles (DEFAULT, ADMIN) are outputs of Organization, never managed here.
import type { z } from "zod";
import { RoleInputs } from "../api/pulumi";
import type { Role } from "../api/resources";
import { call, listAll, readOr404 } from "./call";
import { sameSet } from "./diff";
import { ProviderError } from "./errors";
import { namedProvider } from "./named";
import { inDeclaredOrder } from "./state";

import { configure } from "./config";
import { providerSteps } from "./steps";

/** The module as a dynamic provider: its steps as the engine names them. */
export const provider = namedProvider<Role, z.output<typeof RoleInputs>>({
  kind: "role",
  token: "orgs:index:Role",
  inputs: RoleInputs,
  idOutput: "roleId",
  extraRules: [{ key: "permissions", eq: sameSet }],
  extraInputs: (r, declared) => ({ permissions: inDeclaredOrder(r.permissions, declared?.permissions) }),
  extraCreateBody: (inputs) => ({ permissions: inputs.permissions ?? [] }),
  refuseAdopt(found, what) {
    if (found.builtin)
      throw new ProviderError(
        `${what} is the built-in ${found.name} role, which cannot be changed: use the Organization's defaultRoleId or adminRoleId instead of a Role resource`,
      );
  },
  deleteAdvice: (code) =>
    code === "role_in_use" ? "members or project grants this stack does not declare still use it: reassign or revoke them, then run pulumi again" : undefined,
  api: {
    create: (org, body, w) => call("createRole", { params: { org }, body: body as { name: string } }, w),
    list: (org) => listAll("listRoles", { params: { org } }),
    get: (org, id, w) => call("getRole", { params: { org, role_id: id } }, w),
    getOr404: (org, id, w) => readOr404("getRole", { params: { org, role_id: id } }, w),
    update: (org, id, patch, ifMatch, w) => call("updateRole", { params: { org, role_id: id }, body: patch, ifMatch }, w),
    delete: (org, id, ifMatch, w) => call("deleteRole", { params: { org, role_id: id }, ifMatch }, w),
  },
});

/** The steps as the shell calls them: bounded in time, refusals reported without a stack trace (provider/steps.ts). */
export const steps = providerSteps({ configure, ...provider });
