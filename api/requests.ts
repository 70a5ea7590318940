// What the API takes: request bodies and queries. Bodies are strict: an unknown field is an error,
// so a typo never silently does nothing.
import { z } from "zod";
import {
  AccountId,
  Description,
  Email,
  EventId,
  MemberId,
  Name,
  OrgId,
  PageQuery,
  Permission,
  ProjectId,
  Region,
  RoleId,
  Slug,
  TeamId,
  Timestamp,
  uniqueSet,
} from "./common";
import { BillingAddress, BillingProfile, EnvironmentRoles, MemberStatus, PrincipalType, ProjectRole, TEAM_ROLES } from "./resources";

export const HttpsUrl = z
  .string()
  .max(2048)
  .url("must be a URL")
  .refine((u) => u.startsWith("https://"), "must be an https URL");

export const OrganizationCreate = z.strictObject({
  slug: Slug,
  name: Name,
  region: Region,
  website_url: HttpsUrl.nullable().optional(),
  plan: z.string().min(1).max(32).optional(),
  require_two_factor: z.boolean().optional(),
});
export type OrganizationCreate = z.infer<typeof OrganizationCreate>;

export const OrganizationUpdate = z.strictObject({
  slug: Slug.optional(),
  name: Name.optional(),
  website_url: HttpsUrl.nullable().optional(),
  plan: z.string().min(1).max(32).optional(),
  require_two_factor: z.boolean().optional(),
  region: Region.optional().describe("Accepted only when unchanged: the region is fixed at creation."),
});
export type OrganizationUpdate = z.infer<typeof OrganizationUpdate>;

export const OrganizationListQuery = PageQuery.extend({ slug: z.string().max(64).optional() });

export const OwnershipTransfer = z.strictObject({
  new_owner_member_id: MemberId,
  previous_owner_role_ids: uniqueSet(RoleId).min(1).optional(),
});

export const BillingAddressUpdate = BillingAddress.omit({ version: true }).partial().strict();
export const BillingProfileUpdate = BillingProfile.omit({ version: true }).partial().strict();

export const MemberCreate = z.strictObject({
  email: Email,
  role_ids: uniqueSet(RoleId).min(1, "must hold at least one role").optional(),
  team_ids: uniqueSet(TeamId).min(1, "must hold at least one team").optional(),
  permissions: uniqueSet(Permission).optional(),
  name: Name.optional().describe(
    "The invitee's display name, as the inviter knows it: it greets them in the invitation mail and names them on the invitation until they accept (then their account's own name applies).",
  ),
  note: z.string().max(1000).optional().describe("A message from the inviter, added to the invitation mail and shown to admins on the invitation."),
});
export type MemberCreate = z.infer<typeof MemberCreate>;

export const MemberUpdate = z.strictObject({
  role_ids: uniqueSet(RoleId).optional(),
  team_ids: uniqueSet(TeamId).optional(),
  permissions: uniqueSet(Permission).optional(),
});
export type MemberUpdate = z.infer<typeof MemberUpdate>;

export const MemberListQuery = PageQuery.extend({
  email: z.string().max(254).optional(),
  status: MemberStatus.optional(),
  role_id: RoleId.optional(),
  team_id: TeamId.optional(),
  permission: Permission.optional(),
});

export const AccountFind = z.strictObject({
  email: Email.describe("The account's email, exactly (compared case-insensitively): no search, no listing."),
});

export const InvitationAccept = z.strictObject({ token: z.string().min(1).max(200) });

export const RoleCreate = z.strictObject({
  name: Name,
  description: Description.optional(),
  permissions: uniqueSet(Permission).default([]),
});
export const RoleUpdate = z.strictObject({
  name: Name.optional(),
  description: Description.optional(),
  permissions: uniqueSet(Permission).optional(),
});

export const TeamCreate = z.strictObject({ name: Name, description: Description.optional() });
export const TeamUpdate = z.strictObject({ name: Name.optional(), description: Description.optional() });
export const TeamMembershipPut = z.strictObject({ role: z.enum(TEAM_ROLES).default("member") });

export const ProjectCreate = z.strictObject({ name: Name, description: Description.optional() });
export const ProjectUpdate = z.strictObject({ name: Name.optional(), description: Description.optional() });
export const ProjectListQuery = PageQuery.extend({ name: z.string().max(64).optional() });
export const ProjectTransfer = z.strictObject({ target_organization_id: z.union([OrgId, Slug]) });

export const ProjectAccessPut = z.strictObject({
  role: ProjectRole,
  environment_roles: EnvironmentRoles.partial().strict().optional(),
});
export const ProjectAccessListQuery = PageQuery.extend({ principal_type: PrincipalType.optional() });

export const AccountCreate = z.strictObject({ email: Email, name: Name });
export const AccountUpdate = z.strictObject({ name: Name.optional() });

export const TokenCreate = z.strictObject({
  name: Name,
  expires_at: Timestamp.pipe(z.iso.datetime({ offset: true })),
  organization_ids: uniqueSet(OrgId).min(1).nullable().optional(),
});

export const TwoFactorCode = z.strictObject({ code: z.string().regex(/^\d{6}$/, "must be 6 digits") });

export const AuditEventQuery = PageQuery.extend({
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  action: z.string().max(64).optional(),
  actor_id: AccountId.optional(),
  target_type: z.string().max(32).optional(),
  target_id: z.string().max(255).optional(),
  project_id: ProjectId.optional(),
  after: EventId.optional().describe("Only events newer than this one (for following the log)."),
});

export { OrgId };
