// The ProjectAccess resource class (the provider is provider/project-access.ts). Generated from api/ by `npm run generate`: do not edit.
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/project-access");
import { idPart } from "./ids";
import type { ProjectAccessLevel, EnvironmentRolesArgs, EnvironmentRoles, PrincipalType } from "./types";

export interface ProjectAccessArgs {
  /** Project ID (prj_…). */
  project: pulumi.Input<string>;
  /** Grant to a member: the Member's id (org_…/mem_…), its member ID (mem_…) or its email (resolved in the project's organization). */
  member?: pulumi.Input<string>;
  /** Grant to everyone holding a role: the Role's id (org_…/role_…), its role ID (role_…) or its name (resolved in the project's organization). */
  role?: pulumi.Input<string>;
  /** Grant to a team: the Team's id (org_…/team_…), its team ID (team_…) or its name (resolved in the project's organization). */
  team?: pulumi.Input<string>;
  /** Grant to an external account that is not a member (account ID, acct_…). */
  account?: pulumi.Input<string>;
  /** admin or viewer. A change is an update. */
  level: pulumi.Input<ProjectAccessLevel>;
  /** Per-environment roles (admin, contributor, viewer or null); default derives from level. */
  environmentRoles?: pulumi.Input<EnvironmentRolesArgs>;
  /** Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false. */
  adopt?: pulumi.Input<boolean>;
}

/** Access to a project for exactly one member, role, team or external account, at a level (admin or viewer). */
export class ProjectAccess extends DynamicResource {
  /** Project ID (prj_…). */
  declare public readonly project: pulumi.Output<string>;
  /** Grant to a member: the Member's id (org_…/mem_…), its member ID (mem_…) or its email (resolved in the project's organization). */
  declare public readonly member: pulumi.Output<string | undefined>;
  /** Grant to everyone holding a role: the Role's id (org_…/role_…), its role ID (role_…) or its name (resolved in the project's organization). */
  declare public readonly role: pulumi.Output<string | undefined>;
  /** Grant to a team: the Team's id (org_…/team_…), its team ID (team_…) or its name (resolved in the project's organization). */
  declare public readonly team: pulumi.Output<string | undefined>;
  /** Grant to an external account that is not a member (account ID, acct_…). */
  declare public readonly account: pulumi.Output<string | undefined>;
  /** admin or viewer. A change is an update. */
  declare public readonly level: pulumi.Output<ProjectAccessLevel>;
  /** Per-environment roles (admin, contributor, viewer or null); default derives from level. */
  declare public readonly environmentRoles: pulumi.Output<EnvironmentRoles>;
  /** Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false. */
  declare public readonly adopt: pulumi.Output<boolean | undefined>;
  /** ID of the organization that owns the project (it changes when the project is transferred). */
  declare public readonly organizationId: pulumi.Output<string>;
  /** Kind of grantee: members, roles, teams or accounts. */
  declare public readonly principalType: pulumi.Output<PrincipalType>;
  /** ID of the grantee (member, role, team or account). */
  declare public readonly principalId: pulumi.Output<string>;
  /** True when the account is not a member of the project's organization. */
  declare public readonly external: pulumi.Output<boolean>;
  /** The server's version of the object, sent as If-Match on updates. */
  declare public readonly version: pulumi.Output<number>;

  constructor(name: string, args: ProjectAccessArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        member: undefined,
        role: undefined,
        team: undefined,
        account: undefined,
        environmentRoles: undefined,
        adopt: undefined,
        ...args,
        organizationId: undefined,
        principalType: undefined,
        principalId: undefined,
        external: undefined,
        version: undefined,
      },
      opts,
      "orgs",
      "ProjectAccess",
    );
    this.principalType = idPart(this.id, 1) as pulumi.Output<PrincipalType>;
    this.principalId = idPart(this.id, 2);
  }
}
