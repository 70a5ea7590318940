// The Members resource class (the provider is provider/members-set.ts): an organization's whole
// membership as one resource, keyed by email.
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/members-set");
import type { Permission } from "./types";

export interface MembersEntryArgs {
  /** Roles by ID (role_…) or name (case-insensitively); at least one. Left out: DEFAULT for an invitation, not managed for an existing member. */
  roles?: pulumi.Input<pulumi.Input<string>[]>;
  /** Teams by ID (team_…) or name; at least one. Left out: the default team for an invitation, not managed for an existing member. */
  teams?: pulumi.Input<pulumi.Input<string>[]>;
  /** Direct permissions: billing, plans, projects:create, members. Left out: not managed. */
  permissions?: pulumi.Input<pulumi.Input<Permission>[]>;
  /** Added to the invitation mail (sent once). */
  note?: pulumi.Input<string>;
}

export interface MembersArgs {
  /** The organization: its ID (org_…) or slug. Another organization replaces the resource. */
  organization: pulumi.Input<string>;
  /** The members, keyed by email (compared case-insensitively). */
  members: pulumi.Input<Record<string, pulumi.Input<MembersEntryArgs>>>;
  /** Remove members (and revoke invitations) the map does not list. Default false: they are left, listed in `unmanaged`. The owner is never removed. */
  prune?: pulumi.Input<boolean>;
  /** Refuse an update that would remove more members than this: a truncated file must not empty the organization. */
  maxRemovals?: pulumi.Input<number>;
}

export interface MembersEntry {
  roles?: string[];
  teams?: string[];
  permissions?: Permission[];
  note?: string;
  /** The member's ID (mem_…). */
  id: string;
  /** invited, active or expired. */
  status: "invited" | "active" | "expired";
}

/**
 * An organization's whole membership, planned and applied by the server as one set: one resource
 * for any number of members. A member invited by hand shows in `pulumi preview --refresh`; with
 * `prune` the next `up` removes it. Do not manage one member with both Members and Member.
 */
export class Members extends DynamicResource {
  /** The organization reference as declared. */
  declare public readonly organization: pulumi.Output<string>;
  /** Each member as declared, with its ID and status. */
  declare public readonly members: pulumi.Output<Record<string, MembersEntry>>;
  declare public readonly prune: pulumi.Output<boolean | undefined>;
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
      { prune: undefined, maxRemovals: undefined, ...args, organizationId: undefined, unmanaged: undefined, membershipVersion: undefined },
      opts,
      "orgs",
      "Members",
    );
  }
}
