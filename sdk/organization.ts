// The Organization resource class (the provider is provider/organization.ts). Generated from api/ by `npm run generate`: do not edit.
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/organization");
import type { Region } from "./types";

export interface OrganizationArgs {
  /** URL name, globally unique, lowercase (1-39 letters, digits or hyphens). Renaming is an update. */
  slug: pulumi.Input<string>;
  /** Display name, 1-64 characters. */
  name: pulumi.Input<string>;
  /** Data-center region, us or eu. Fixed at creation: a change makes a new organization, refused at preview unless allowRegionChange is set. */
  region: pulumi.Input<Region>;
  /** https URL of the organization's website; null removes it. */
  websiteUrl?: pulumi.Input<string | null>;
  /** Pricing plan. Default free. */
  plan?: pulumi.Input<string>;
  /** Refuse members without two-factor authentication. Never removes anyone. Default false. */
  requireTwoFactor?: pulumi.Input<boolean>;
  /** Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false. */
  adopt?: pulumi.Input<boolean>;
  /** Allow a change of region, which makes a new organization: a new ID, every member invited again, every team, role and grant made again, and its projects moved out or deleted first. Default false: a region change fails the preview. */
  allowRegionChange?: pulumi.Input<boolean>;
}

/** An organization: the container of projects, members, roles and teams, with its own plan and region. The creator becomes its owner. */
export class Organization extends DynamicResource {
  /** URL name, globally unique, lowercase (1-39 letters, digits or hyphens). Renaming is an update. */
  declare public readonly slug: pulumi.Output<string>;
  /** Display name, 1-64 characters. */
  declare public readonly name: pulumi.Output<string>;
  /** Data-center region, us or eu. Fixed at creation: a change makes a new organization, refused at preview unless allowRegionChange is set. */
  declare public readonly region: pulumi.Output<Region>;
  /** https URL of the organization's website, or null (the server's value, declared or not). */
  declare public readonly websiteUrl: pulumi.Output<string | null>;
  /** Pricing plan (the server's value, declared or not: free by default). */
  declare public readonly plan: pulumi.Output<string>;
  /** Whether two-factor authentication is required (the server's value, declared or not). */
  declare public readonly requireTwoFactor: pulumi.Output<boolean>;
  /** Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false. */
  declare public readonly adopt: pulumi.Output<boolean | undefined>;
  /** Allow a change of region, which makes a new organization: a new ID, every member invited again, every team, role and grant made again, and its projects moved out or deleted first. Default false: a region change fails the preview. */
  declare public readonly allowRegionChange: pulumi.Output<boolean | undefined>;
  /** The owner's account ID. */
  declare public readonly ownerAccountId: pulumi.Output<string>;
  /** The owner's member ID. */
  declare public readonly ownerMemberId: pulumi.Output<string>;
  /** ID of the team "My Team" created with the organization. */
  declare public readonly defaultTeamId: pulumi.Output<string>;
  /** ID of the built-in DEFAULT role. */
  declare public readonly defaultRoleId: pulumi.Output<string>;
  /** ID of the built-in ADMIN role. */
  declare public readonly adminRoleId: pulumi.Output<string>;
  /** The server's version of the organization, sent as If-Match on updates. */
  declare public readonly version: pulumi.Output<number>;

  constructor(name: string, args: OrganizationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        websiteUrl: undefined,
        plan: undefined,
        requireTwoFactor: undefined,
        adopt: undefined,
        allowRegionChange: undefined,
        ...args,
        ownerAccountId: undefined,
        ownerMemberId: undefined,
        defaultTeamId: undefined,
        defaultRoleId: undefined,
        adminRoleId: undefined,
        version: undefined,
      },
      opts,
      "orgs",
      "Organization",
    );
  }
}
