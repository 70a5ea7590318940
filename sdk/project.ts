// The Project resource class (the provider is provider/project.ts).
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/project");

export interface ProjectArgs {
  /** The organization that owns the project: its ID (org_…) or slug. Renaming it, or naming it by ID instead, is no change; another organization transfers the project (an update, never a replacement). */
  organization: pulumi.Input<string>;
  /** Project name, unique in the organization (case-insensitive), 1-64 characters. */
  name: pulumi.Input<string>;
  /** Free text, up to 1024 characters. */
  description?: pulumi.Input<string>;
  /** Adopt a project of that name that already exists in the organization instead of failing. Default false. */
  adopt?: pulumi.Input<boolean>;
}

/** A project with its sandbox and live environments. Moving it to another organization is a transfer, not a replacement. */
export class Project extends DynamicResource {
  /** The organization reference as declared (ID or slug). */
  declare public readonly organization: pulumi.Output<string>;
  /** Project name. */
  declare public readonly name: pulumi.Output<string>;
  /** Description (the server's, declared or not: "" when none). */
  declare public readonly description: pulumi.Output<string>;
  /** Whether an existing project was allowed to be adopted. */
  declare public readonly adopt: pulumi.Output<boolean | undefined>;
  /** ID of the owning organization (org_…). */
  declare public readonly organizationId: pulumi.Output<string>;
  /** ID of the sandbox environment (env_…); stable for life, across transfers. */
  declare public readonly sandboxEnvironmentId: pulumi.Output<string>;
  /** ID of the live environment (env_…); stable for life, across transfers. */
  declare public readonly liveEnvironmentId: pulumi.Output<string>;
  /** The server's version of the project, sent as If-Match on updates. */
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
