// The Team resource class (the provider is provider/team.ts).
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/team");
import { idPart } from "./ids";

export interface TeamArgs {
  /** The organization: its ID (org_…) or slug. Renaming it, or naming it by ID instead, is no change; another organization replaces the team. */
  organization: pulumi.Input<string>;
  /** Team name, unique in the organization (case-insensitive), 1-64 characters. */
  name: pulumi.Input<string>;
  /** Free text, up to 1024 characters. */
  description?: pulumi.Input<string>;
  /** Adopt a team of that name that already exists instead of failing. Default false. */
  adopt?: pulumi.Input<boolean>;
}

/** A team of members; project access can be granted to a team. */
export class Team extends DynamicResource {
  /** The organization reference as declared (ID or slug). */
  declare public readonly organization: pulumi.Output<string>;
  /** Team name. */
  declare public readonly name: pulumi.Output<string>;
  /** Description (the server's, declared or not: "" when none). */
  declare public readonly description: pulumi.Output<string>;
  /** Whether an existing team was allowed to be adopted. */
  declare public readonly adopt: pulumi.Output<boolean | undefined>;
  /** ID of the organization (org_…). */
  declare public readonly organizationId: pulumi.Output<string>;
  /** The team's ID (team_…), as used in Member teams and ProjectAccess team. */
  declare public readonly teamId: pulumi.Output<string>;
  /** The server's version of the team, sent as If-Match on updates. */
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
