// The Members resource class (the provider is provider/members-set.ts). Generated from api/ by `npm run generate`: do not edit.
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/members-set");
import type { MembersEntryArgs, MembersEntry } from "./types";

export interface MembersArgs {
  /** The organization: its ID (org_…) or slug. Another organization replaces the resource. */
  organization: pulumi.Input<string>;
  /** The organization's members, keyed by email (compared case-insensitively): { "alice@acme.example": { roles: ["Developer"], teams: ["Platform"] } }. */
  members: pulumi.Input<Record<string, pulumi.Input<MembersEntryArgs>>>;
  /** Remove members (and revoke invitations) the map does not list. Default false: they are left, listed in `unmanaged`. The owner is never removed. */
  prune?: pulumi.Input<boolean>;
  /** Refuse an update that would remove more members than this (a truncated file must not empty the organization). */
  maxRemovals?: pulumi.Input<number>;
}

/** An organization's whole membership, keyed by email: planned and applied by the server as one set (members:plan, members:apply). Members the program does not list show in a refresh; prune removes them. Do not manage a member with both Members and Member. */
export class Members extends DynamicResource {
  /** The organization: its ID (org_…) or slug. Another organization replaces the resource. */
  declare public readonly organization: pulumi.Output<string>;
  /** Each member as declared, with its ID and status; after a refresh, every member the server holds (the owner only when declared). */
  declare public readonly members: pulumi.Output<Record<string, MembersEntry>>;
  /** Remove members (and revoke invitations) the map does not list. Default false: they are left, listed in `unmanaged`. The owner is never removed. */
  declare public readonly prune: pulumi.Output<boolean | undefined>;
  /** Refuse an update that would remove more members than this (a truncated file must not empty the organization). */
  declare public readonly maxRemovals: pulumi.Output<number | undefined>;
  /** ID of the organization (org_…). */
  declare public readonly organizationId: pulumi.Output<string>;
  /** Emails of the members the server holds and the map does not list (never the owner). */
  declare public readonly unmanaged: pulumi.Output<string[]>;
  /** The version of the membership the last apply or refresh saw. */
  declare public readonly membershipVersion: pulumi.Output<string>;

  constructor(name: string, args: MembersArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        prune: undefined,
        maxRemovals: undefined,
        ...args,
        organizationId: undefined,
        unmanaged: undefined,
        membershipVersion: undefined,
      },
      opts,
      "orgs",
      "Members",
    );
  }
}
