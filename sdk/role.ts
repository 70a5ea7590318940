// The Role resource class (the provider is provider/role.ts). Generated from api/ by `npm run generate`: do not edit.
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/role");
import { idPart } from "./ids";
import type { Permission } from "./types";

export interface RoleArgs {
  /** The organization: its ID (org_…) or slug. A slug is resolved by the provider: renaming the organization, or naming it by ID instead, is no change; a reference to another organization replaces the resource. */
  organization: pulumi.Input<string>;
  /** Role name, unique in the organization (case-insensitive). */
  name: pulumi.Input<string>;
  /** Free text. */
  description?: pulumi.Input<string>;
  /** Organization permissions the role confers: billing, plans, projects:create, members. */
  permissions?: pulumi.Input<pulumi.Input<Permission>[]>;
  /** Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false. */
  adopt?: pulumi.Input<boolean>;
}

/** A custom role: a named set of organization permissions, assignable to members and usable in project grants. */
export class Role extends DynamicResource {
  /** The organization: its ID (org_…) or slug. A slug is resolved by the provider: renaming the organization, or naming it by ID instead, is no change; a reference to another organization replaces the resource. */
  declare public readonly organization: pulumi.Output<string>;
  /** Role name, unique in the organization (case-insensitive). */
  declare public readonly name: pulumi.Output<string>;
  /** Free text (the server's value, declared or not). */
  declare public readonly description: pulumi.Output<string>;
  /** Organization permissions the role confers (the server's value, declared or not). */
  declare public readonly permissions: pulumi.Output<Permission[]>;
  /** Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false. */
  declare public readonly adopt: pulumi.Output<boolean | undefined>;
  /** ID of the organization (org_…). */
  declare public readonly organizationId: pulumi.Output<string>;
  /** The role's ID (role_…), as used in Member roles and ProjectAccess role. */
  declare public readonly roleId: pulumi.Output<string>;
  /** The server's version of the object, sent as If-Match on updates. */
  declare public readonly version: pulumi.Output<number>;

  constructor(name: string, args: RoleArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        description: undefined,
        permissions: undefined,
        adopt: undefined,
        ...args,
        organizationId: undefined,
        roleId: undefined,
        version: undefined,
      },
      opts,
      "orgs",
      "Role",
    );
    this.organizationId = idPart(this.id, 0);
    this.roleId = idPart(this.id, 1);
  }
}
