// The Member resource class (the provider is provider/member.ts).
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/member");
import { idPart } from "./ids";
import type { Permission } from "./types";

export interface MemberArgs {
  /** The organization: its ID (org_…) or slug. Renaming it, or naming it by ID instead, is no change; another organization replaces the member. */
  organization: pulumi.Input<string>;
  /** The person's email. Compared case-insensitively: a change of case only is no change; another address replaces the member. */
  email: pulumi.Input<string>;
  /** Roles, each by the Role's `id` (org_…/role_…), its `roleId` (role_…) or its name (resolved in the organization, case-insensitively); at least one. Default: the DEFAULT role. Replaces the whole set. */
  roles?: pulumi.Input<pulumi.Input<string>[]>;
  /** Teams, each by the Team's `id` (org_…/team_…), its `teamId` (team_…) or its name (resolved in the organization, case-insensitively); at least one. Default: the organization's default team. Replaces the whole set. */
  teams?: pulumi.Input<pulumi.Input<string>[]>;
  /** Direct organization permissions: billing, plans, projects:create, members. Replaces the whole set. */
  permissions?: pulumi.Input<pulumi.Input<Permission>[]>;
  /** The invitee's display name for the invitation: its mail greets them by it, and admins see it until they accept (then the account's own name applies). Sent once, with the first invitation. */
  name?: pulumi.Input<string>;
  /** Message added to the invitation email (sent once, with the first invitation). */
  note?: pulumi.Input<string>;
  /** Re-send an expired invitation on the next `pulumi up`. Default true. */
  resendExpiredInvitation?: pulumi.Input<boolean>;
  /** Adopt an existing member or pending invitation for this email instead of failing. Default false. */
  adopt?: pulumi.Input<boolean>;
}

/**
 * A person's membership of an organization, from invitation to removal. Creating it sends an
 * invitation; the person becomes active when they accept.
 */
export class Member extends DynamicResource {
  /** The organization reference as declared (ID or slug). */
  declare public readonly organization: pulumi.Output<string>;
  /** The email, as the server holds it. */
  declare public readonly email: pulumi.Output<string>;
  /** The member's roles on the server, named as declared (by name or ID), or by ID when not declared. */
  declare public readonly roles: pulumi.Output<string[]>;
  /** The member's teams on the server, named as declared (by name or ID), or by ID when not declared. */
  declare public readonly teams: pulumi.Output<string[]>;
  /** Direct permissions (the server's, declared or not). */
  declare public readonly permissions: pulumi.Output<Permission[]>;
  /** The invitee's name given with the invitation, when declared. */
  declare public readonly name: pulumi.Output<string | undefined>;
  /** The invitation note, when declared. */
  declare public readonly note: pulumi.Output<string | undefined>;
  /** Whether an expired invitation is re-sent, when declared. */
  declare public readonly resendExpiredInvitation: pulumi.Output<boolean | undefined>;
  /** Whether an existing member was allowed to be adopted. */
  declare public readonly adopt: pulumi.Output<boolean | undefined>;
  /** ID of the organization (org_…). */
  declare public readonly organizationId: pulumi.Output<string>;
  /** The member's ID (mem_…), as used in ProjectAccess member. */
  declare public readonly memberId: pulumi.Output<string>;
  /** IDs of the member's roles (role_…). */
  declare public readonly roleIds: pulumi.Output<string[]>;
  /** IDs of the member's teams (team_…). */
  declare public readonly teamIds: pulumi.Output<string[]>;
  /** `invited` until accepted, then `active`; `expired` when the invitation lapsed (re-sent by the next update). */
  declare public readonly status: pulumi.Output<"invited" | "active" | "expired">;
  /** The account that accepted the invitation (acct_…), or null. */
  declare public readonly accountId: pulumi.Output<string | null>;
  /** When the pending invitation expires (RFC 3339), or null. */
  declare public readonly invitationExpiresAt: pulumi.Output<string | null>;
  /** True for the organization's owner. */
  declare public readonly isOwner: pulumi.Output<boolean>;
  /** The server's version of the member, sent as If-Match on updates. */
  declare public readonly version: pulumi.Output<number>;

  constructor(name: string, args: MemberArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        roles: undefined,
        teams: undefined,
        permissions: undefined,
        name: undefined,
        note: undefined,
        resendExpiredInvitation: undefined,
        adopt: undefined,
        ...args,
        organizationId: undefined,
        memberId: undefined,
        roleIds: undefined,
        teamIds: undefined,
        status: undefined,
        accountId: undefined,
        invitationExpiresAt: undefined,
        isOwner: undefined,
        version: undefined,
      },
      opts,
      "orgs",
      "Member",
    );
    this.organizationId = idPart(this.id, 0);
    this.memberId = idPart(this.id, 1);
  }
}
