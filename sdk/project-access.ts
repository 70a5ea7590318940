// The ProjectAccess resource class (the provider is provider/project-access.ts).
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/project-access");
import { idPart } from "./ids";

/** A role in one environment, or null for none. */
export type EnvironmentRole = "admin" | "contributor" | "viewer" | null;

export interface EnvironmentRolesArgs {
  /** Role in the sandbox environment: admin, contributor, viewer, or null for none. */
  sandbox?: pulumi.Input<EnvironmentRole>;
  /** Role in the live environment: admin, contributor, viewer, or null for none. */
  live?: pulumi.Input<EnvironmentRole>;
}

/** Set `project`, `level` and exactly one of `member`, `role`, `team` or `account`. */
export interface ProjectAccessArgs {
  /** Project ID (prj_…). Changing it replaces the grant. */
  project: pulumi.Input<string>;
  /** Grant to a member: the Member's `id` (org_…/mem_…), its `memberId` (mem_…) or its email. Changing the grantee replaces the grant; naming it another way does not. */
  member?: pulumi.Input<string>;
  /** Grant to everyone holding a role: the Role's `id` (org_…/role_…), its `roleId` (role_…) or its name. */
  role?: pulumi.Input<string>;
  /** Grant to a team: the Team's `id` (org_…/team_…), its `teamId` (team_…) or its name. */
  team?: pulumi.Input<string>;
  /** Grant to an external account that is not a member (account ID, acct_…). */
  account?: pulumi.Input<string>;
  /** `admin` or `viewer`. A change is an update. */
  level: pulumi.Input<"admin" | "viewer">;
  /** Per-environment roles; an environment left out gets the default for the level. */
  environmentRoles?: pulumi.Input<EnvironmentRolesArgs>;
  /** Adopt a grant to this principal that already exists instead of failing. Default false. */
  adopt?: pulumi.Input<boolean>;
}

/** Access to a project for exactly one member, role, team or external account, at a level (admin or viewer). */
export class ProjectAccess extends DynamicResource {
  /** Project ID. */
  declare public readonly project: pulumi.Output<string>;
  /** The member granted, when the grantee is a member, as the program names it. */
  declare public readonly member: pulumi.Output<string | undefined>;
  /** The role granted, when the grantee is a role. */
  declare public readonly role: pulumi.Output<string | undefined>;
  /** The team granted, when the grantee is a team. */
  declare public readonly team: pulumi.Output<string | undefined>;
  /** The account granted, when the grantee is an account. */
  declare public readonly account: pulumi.Output<string | undefined>;
  /** `admin` or `viewer`. */
  declare public readonly level: pulumi.Output<"admin" | "viewer">;
  /** The environment roles the server holds (declared, or derived from the level). */
  declare public readonly environmentRoles: pulumi.Output<{ sandbox: EnvironmentRole; live: EnvironmentRole }>;
  /** ID of the organization that owns the project (org_…); it changes when the project is transferred. */
  declare public readonly organizationId: pulumi.Output<string>;
  /** Whether an existing grant was allowed to be adopted. */
  declare public readonly adopt: pulumi.Output<boolean | undefined>;
  /** Kind of grantee: members, roles, teams or accounts. */
  declare public readonly principalType: pulumi.Output<"members" | "roles" | "teams" | "accounts">;
  /** ID of the grantee. */
  declare public readonly principalId: pulumi.Output<string>;
  /** True when the account is not a member of the project's organization. */
  declare public readonly external: pulumi.Output<boolean>;
  /** The server's version of the grant, sent as If-Match on updates. */
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
    this.principalType = idPart(this.id, 1) as pulumi.Output<"members" | "roles" | "teams" | "accounts">;
    this.principalId = idPart(this.id, 2);
  }
}
