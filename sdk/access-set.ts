// The ProjectAccessSet resource class (the provider is provider/access-set.ts): a project's whole
// set of grants as one resource.
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/access-set");
import type { EnvironmentRolesArgs } from "./project-access";

export interface AccessSetGrantArgs {
  /** admin or viewer. */
  level: pulumi.Input<"admin" | "viewer">;
  /** Per-environment roles; the default derives from level (project admins are admin everywhere). */
  environmentRoles?: pulumi.Input<EnvironmentRolesArgs>;
}

export interface ProjectAccessSetArgs {
  /** Project ID (prj_…). */
  project: pulumi.Input<string>;
  /** Grants to members of the project's organization, keyed by email. */
  members?: pulumi.Input<Record<string, pulumi.Input<AccessSetGrantArgs>>>;
  /** Grants to everyone holding a role, keyed by the role's name or ID. */
  roles?: pulumi.Input<Record<string, pulumi.Input<AccessSetGrantArgs>>>;
  /** Grants to teams, keyed by the team's name or ID. */
  teams?: pulumi.Input<Record<string, pulumi.Input<AccessSetGrantArgs>>>;
  /** Grants to outside accounts, keyed by account ID (acct_…). */
  accounts?: pulumi.Input<Record<string, pulumi.Input<AccessSetGrantArgs>>>;
  /** Revoke grants the maps do not list. Default false: they are left, listed in `unmanaged`. */
  prune?: pulumi.Input<boolean>;
  /** Refuse an update that would revoke more grants than this. */
  maxRemovals?: pulumi.Input<number>;
}

/** A project's whole set of grants, planned and applied by the server as one set. Do not manage one grant with both this and ProjectAccess. */
export class ProjectAccessSet extends DynamicResource {
  declare public readonly project: pulumi.Output<string>;
  declare public readonly members: pulumi.Output<Record<string, AccessSetGrantArgs> | undefined>;
  declare public readonly roles: pulumi.Output<Record<string, AccessSetGrantArgs> | undefined>;
  declare public readonly teams: pulumi.Output<Record<string, AccessSetGrantArgs> | undefined>;
  declare public readonly accounts: pulumi.Output<Record<string, AccessSetGrantArgs> | undefined>;
  declare public readonly prune: pulumi.Output<boolean | undefined>;
  declare public readonly maxRemovals: pulumi.Output<number | undefined>;
  /** ID of the organization that owns the project. */
  declare public readonly organizationId: pulumi.Output<string>;
  /** Grants the project holds and the maps do not list, as type/name (members/bob@acme.example). */
  declare public readonly unmanaged: pulumi.Output<string[]>;
  /** The version of the project's grants the last apply or refresh saw. */
  declare public readonly accessVersion: pulumi.Output<string>;

  constructor(name: string, args: ProjectAccessSetArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        members: undefined,
        roles: undefined,
        teams: undefined,
        accounts: undefined,
        prune: undefined,
        maxRemovals: undefined,
        ...args,
        organizationId: undefined,
        unmanaged: undefined,
        accessVersion: undefined,
      },
      opts,
      "orgs",
      "ProjectAccessSet",
    );
  }
}
