// The Member resource class (the provider is provider/member.ts). Generated from api/ by `npm run generate`: do not edit.
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./runtime";
import provider = require("../provider/shells/member");
import { idPart } from "./ids";
import type { Permission, MemberStatus } from "./types";

export interface MemberArgs {
  /** The organization: its ID (org_…) or slug. A slug is resolved by the provider: renaming the organization, or naming it by ID instead, is no change; a reference to another organization replaces the resource. */
  organization: pulumi.Input<string>;
  /** The person's email. Compared case-insensitively: a change of case only is no change; another address replaces the member. */
  email: pulumi.Input<string>;
  /** Roles, each by the Role's id (org_…/role_…), its role ID (role_…) or its name (resolved in the organization, case-insensitively); at least one. Default: the DEFAULT role. Replaces the whole set. */
  roles?: pulumi.Input<pulumi.Input<string>[]>;
  /** Teams, each by the Team's id (org_…/team_…), its team ID (team_…) or its name (resolved in the organization, case-insensitively); at least one. Default: the organization's default team. Replaces the whole set. */
  teams?: pulumi.Input<pulumi.Input<string>[]>;
  /** Direct organization permissions: billing, plans, projects:create, members. Replaces the whole set. */
  permissions?: pulumi.Input<pulumi.Input<Permission>[]>;
  /** The invitee's display name, for the invitation: its mail greets them by it, and admins see it until they accept (then their account's own name applies). Sent once, with the first invitation. */
  name?: pulumi.Input<string>;
  /** Message added to the invitation email (sent once, with the first invitation). */
  note?: pulumi.Input<string>;
  /** Re-send an expired invitation on the next update. Default true. */
  resendExpiredInvitation?: pulumi.Input<boolean>;
  /** Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false. */
  adopt?: pulumi.Input<boolean>;
}

/** A person's membership of an organization, from invitation to removal. Creating it sends an invitation; the person becomes active when they accept. */
export class Member extends DynamicResource {
  /** The organization: its ID (org_…) or slug. A slug is resolved by the provider: renaming the organization, or naming it by ID instead, is no change; a reference to another organization replaces the resource. */
  declare public readonly organization: pulumi.Output<string>;
  /** The person's email. Compared case-insensitively: a change of case only is no change; another address replaces the member. */
  declare public readonly email: pulumi.Output<string>;
  /** The member's roles on the server, as declared (by name or ID), or as IDs when not declared. */
  declare public readonly roles: pulumi.Output<string[]>;
  /** The member's teams on the server, as declared (by name or ID), or as IDs when not declared. */
  declare public readonly teams: pulumi.Output<string[]>;
  /** Direct organization permissions (the server's value, declared or not). */
  declare public readonly permissions: pulumi.Output<Permission[]>;
  /** The invitee's display name, for the invitation: its mail greets them by it, and admins see it until they accept (then their account's own name applies). Sent once, with the first invitation. */
  declare public readonly name: pulumi.Output<string | undefined>;
  /** Message added to the invitation email (sent once, with the first invitation). */
  declare public readonly note: pulumi.Output<string | undefined>;
  /** Re-send an expired invitation on the next update. Default true. */
  declare public readonly resendExpiredInvitation: pulumi.Output<boolean | undefined>;
  /** Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false. */
  declare public readonly adopt: pulumi.Output<boolean | undefined>;
  /** ID of the organization (org_…). */
  declare public readonly organizationId: pulumi.Output<string>;
  /** The member's ID (mem_…), as used in ProjectAccess member. */
  declare public readonly memberId: pulumi.Output<string>;
  /** IDs of the member's roles (role_…). */
  declare public readonly roleIds: pulumi.Output<string[]>;
  /** IDs of the member's teams (team_…). */
  declare public readonly teamIds: pulumi.Output<string[]>;
  /** invited until accepted, then active; expired when the invitation lapsed (re-sent by the next update). */
  declare public readonly status: pulumi.Output<MemberStatus>;
  /** The account that accepted the invitation. */
  declare public readonly accountId: pulumi.Output<string | null>;
  /** When the pending invitation expires. */
  declare public readonly invitationExpiresAt: pulumi.Output<string | null>;
  /** True for the organization's owner. */
  declare public readonly isOwner: pulumi.Output<boolean>;
  /** The server's version of the object, sent as If-Match on updates. */
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
