// The ProjectAccessSet resource class (the provider is provider/access-set.ts). Generated from api/ by `npm run generate`: do not edit.
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/access-set");
import type { AccessSetGrantArgs, AccessSetGrant } from "./types";

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

/** A project's whole set of grants (members by email, roles and teams by name, outside accounts by ID), applied by the server as one set. */
export class ProjectAccessSet extends DynamicResource {
  /** Project ID (prj_…). */
  declare public readonly project: pulumi.Output<string>;
  /** Grants to members of the project's organization, keyed by email. */
  declare public readonly members: pulumi.Output<Record<string, AccessSetGrant> | undefined>;
  /** Grants to everyone holding a role, keyed by the role's name or ID. */
  declare public readonly roles: pulumi.Output<Record<string, AccessSetGrant> | undefined>;
  /** Grants to teams, keyed by the team's name or ID. */
  declare public readonly teams: pulumi.Output<Record<string, AccessSetGrant> | undefined>;
  /** Grants to outside accounts, keyed by account ID (acct_…). */
  declare public readonly accounts: pulumi.Output<Record<string, AccessSetGrant> | undefined>;
  /** Revoke grants the maps do not list. Default false: they are left, listed in `unmanaged`. */
  declare public readonly prune: pulumi.Output<boolean | undefined>;
  /** Refuse an update that would revoke more grants than this. */
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
