// The Team resource class (the provider is provider/team.ts). Generated from api/ by `npm run generate`: do not edit.
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/team");
import { idPart } from "./ids";

export interface TeamArgs {
  /** The organization: its ID (org_…) or slug. A slug is resolved by the provider: renaming the organization, or naming it by ID instead, is no change; a reference to another organization replaces the resource. */
  organization: pulumi.Input<string>;
  /** Team name, unique in the organization (case-insensitive). */
  name: pulumi.Input<string>;
  /** Free text. */
  description?: pulumi.Input<string>;
  /** Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false. */
  adopt?: pulumi.Input<boolean>;
}

/** A team of members; project access can be granted to a team. */
export class Team extends DynamicResource {
  /** The organization: its ID (org_…) or slug. A slug is resolved by the provider: renaming the organization, or naming it by ID instead, is no change; a reference to another organization replaces the resource. */
  declare public readonly organization: pulumi.Output<string>;
  /** Team name, unique in the organization (case-insensitive). */
  declare public readonly name: pulumi.Output<string>;
  /** Free text (the server's value, declared or not). */
  declare public readonly description: pulumi.Output<string>;
  /** Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false. */
  declare public readonly adopt: pulumi.Output<boolean | undefined>;
  /** ID of the organization (org_…). */
  declare public readonly organizationId: pulumi.Output<string>;
  /** The team's ID (team_…), as used in Member teams and ProjectAccess team. */
  declare public readonly teamId: pulumi.Output<string>;
  /** The server's version of the object, sent as If-Match on updates. */
  declare public readonly version: pulumi.Output<number>;

  constructor(name: string, args: TeamArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        description: undefined,
        adopt: undefined,
        ...args,
        organizationId: undefined,
        teamId: undefined,
        version: undefined,
      },
      opts,
      "orgs",
      "Team",
    );
    this.organizationId = idPart(this.id, 0);
    this.teamId = idPart(this.id, 1);
  }
}
