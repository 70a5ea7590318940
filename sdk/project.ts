// The Project resource class (the provider is provider/project.ts). Generated from api/ by `npm run generate`: do not edit.
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/project");

export interface ProjectArgs {
  /** The organization that owns the project: ID or slug. Renaming the organization, or naming it by ID instead, is no change; another organization transfers the project (an update, never a replacement). */
  organization: pulumi.Input<string>;
  /** Project name, unique in the organization (case-insensitive). */
  name: pulumi.Input<string>;
  /** Free text. */
  description?: pulumi.Input<string>;
  /** Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false. */
  adopt?: pulumi.Input<boolean>;
}

/** A project with its sandbox and live environments. Moving it to another organization is a transfer, not a replacement. */
export class Project extends DynamicResource {
  /** The organization that owns the project: ID or slug. Renaming the organization, or naming it by ID instead, is no change; another organization transfers the project (an update, never a replacement). */
  declare public readonly organization: pulumi.Output<string>;
  /** Project name, unique in the organization (case-insensitive). */
  declare public readonly name: pulumi.Output<string>;
  /** Free text (the server's value, declared or not). */
  declare public readonly description: pulumi.Output<string>;
  /** Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false. */
  declare public readonly adopt: pulumi.Output<boolean | undefined>;
  /** ID of the owning organization. */
  declare public readonly organizationId: pulumi.Output<string>;
  /** ID of the sandbox environment; stable for life, across transfers. */
  declare public readonly sandboxEnvironmentId: pulumi.Output<string>;
  /** ID of the live environment; stable for life, across transfers. */
  declare public readonly liveEnvironmentId: pulumi.Output<string>;
  /** The server's version of the object, sent as If-Match on updates. */
  declare public readonly version: pulumi.Output<number>;

  constructor(name: string, args: ProjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        description: undefined,
        adopt: undefined,
        ...args,
        organizationId: undefined,
        sandboxEnvironmentId: undefined,
        liveEnvironmentId: undefined,
        version: undefined,
      },
      opts,
      "orgs",
      "Project",
    );
  }
}
