// What the API returns: every resource of org-api.md §1, as zod schemas.
import { z } from "zod";
import {
  AccountId,
  Description,
  Email,
  EnvironmentId,
  EventId,
  MemberId,
  OrgId,
  Permission,
  ProjectId,
  Region,
  RoleId,
  Slug,
  TeamId,
  Timestamp,
  TokenId,
  Version,
  page,
} from "./common";

const ro = <T extends z.ZodType>(s: T) => s.meta({ readOnly: true });
const immutable = <T extends z.ZodType>(s: T) => s.meta({ "x-immutable": true });

export const Account = z.object({
  id: ro(AccountId),
  email: Email,
  name: z.string(),
  two_factor_enabled: ro(z.boolean()),
  created_at: ro(Timestamp),
});
export type Account = z.infer<typeof Account>;

export const Organization = z.object({
  id: ro(OrgId),
  slug: Slug,
  name: z.string().describe("Display label, 1-64 characters."),
  website_url: z.string().nullable().describe("https URL of the organization's website, or null."),
  region: immutable(Region),
  plan: z.string().describe("Pricing plan; free by default."),
  require_two_factor: z.boolean().describe("When true, members without 2FA are refused on this organization's calls."),
  owner_account_id: ro(AccountId),
  owner_member_id: ro(MemberId),
  default_team_id: ro(TeamId).describe('The team "My Team" created with the organization.'),
  default_role_id: ro(RoleId).describe("The built-in DEFAULT role."),
  admin_role_id: ro(RoleId).describe("The built-in ADMIN role."),
  created_at: ro(Timestamp),
  updated_at: ro(Timestamp),
  version: ro(Version),
});
export type Organization = z.infer<typeof Organization>;

export const BillingAddress = z.object({
  country: z.string().max(2).nullable(),
  name_line: z.string().max(255).nullable(),
  premise: z.string().max(255).nullable(),
  sub_premise: z.string().max(255).nullable(),
  thoroughfare: z.string().max(255).nullable(),
  administrative_area: z.string().max(255).nullable(),
  locality: z.string().max(255).nullable(),
  dependent_locality: z.string().max(255).nullable(),
  postal_code: z.string().max(32).nullable(),
  version: ro(Version),
});
export type BillingAddress = z.infer<typeof BillingAddress>;

export const BillingProfile = z.object({
  company_name: z.string().max(255).nullable(),
  vat_number: z.string().max(64).nullable(),
  billing_contact_email: Email.nullable(),
  security_contact_email: Email.nullable(),
  version: ro(Version),
});
export type BillingProfile = z.infer<typeof BillingProfile>;

export const Subscription = z.object({
  id: z.string(),
  plan: z.string(),
  status: z.enum(["active"]),
  project_id: ProjectId.nullable(),
  started_at: Timestamp,
});

export const MEMBER_STATUSES = ["invited", "active", "expired"] as const;
export const MemberStatus = z.enum(MEMBER_STATUSES);

export const Invitation = z.object({
  expires_at: Timestamp,
  invited_by_account_id: AccountId.nullable(),
  name: z
    .string()
    .nullable()
    .describe(
      "The invitee's display name as the inviter gave it (null when none was given). Once they accept, the member has no invitation and the account's own name applies.",
    ),
  note: z.string().nullable().describe("The inviter's message, as sent in the invitation mail."),
  sent_count: z.number().int(),
});

export const Member = z.object({
  id: ro(MemberId),
  organization_id: ro(OrgId),
  email: immutable(Email),
  account_id: ro(AccountId.nullable()),
  status: ro(MemberStatus),
  role_ids: z.array(RoleId),
  team_ids: z.array(TeamId),
  permissions: z.array(Permission),
  effective_permissions: ro(z.array(Permission)),
  is_owner: ro(z.boolean()),
  invitation: ro(Invitation.nullable()),
  two_factor_enabled: ro(z.boolean()),
  joined_at: ro(Timestamp.nullable()),
  created_at: ro(Timestamp),
  version: ro(Version),
});
export type Member = z.infer<typeof Member>;

/** An invitation as its invitee sees it: the member, and the organization by name (which an invitee cannot read yet). */
export const MyInvitation = Member.extend({
  organization_slug: ro(Slug).describe("The inviting organization's slug."),
  organization_name: ro(z.string()).describe("The inviting organization's display name."),
});

export const Role = z.object({
  id: ro(RoleId),
  organization_id: ro(OrgId),
  name: z.string(),
  description: Description,
  builtin: ro(z.boolean()),
  permissions: z.array(Permission),
  admin_page: ro(z.boolean()),
  created_at: ro(Timestamp),
  version: ro(Version),
});
export type Role = z.infer<typeof Role>;

export const Team = z.object({
  id: ro(TeamId),
  organization_id: ro(OrgId),
  name: z.string(),
  description: Description,
  is_default: ro(z.boolean()),
  member_count: ro(z.number().int()),
  created_at: ro(Timestamp),
  version: ro(Version),
});
export type Team = z.infer<typeof Team>;

export const TEAM_ROLES = ["member", "maintainer"] as const;
export const TeamMembership = z.object({
  team_id: TeamId,
  member_id: MemberId,
  email: Email,
  role: z.enum(TEAM_ROLES),
  created_at: Timestamp,
});
export type TeamMembership = z.infer<typeof TeamMembership>;

export const ENVIRONMENT_TYPES = ["sandbox", "live"] as const;
export const Environment = z.object({
  id: ro(EnvironmentId),
  project_id: ro(ProjectId),
  type: z.enum(ENVIRONMENT_TYPES),
});
export type Environment = z.infer<typeof Environment>;

export const Project = z.object({
  id: ro(ProjectId),
  organization_id: ro(OrgId),
  name: z.string(),
  description: Description,
  environments: ro(z.array(Environment)),
  created_by_account_id: ro(AccountId.nullable()),
  created_at: ro(Timestamp),
  updated_at: ro(Timestamp),
  version: ro(Version),
});
export type Project = z.infer<typeof Project>;

export const PRINCIPAL_TYPES = ["members", "roles", "teams", "accounts"] as const;
export const PrincipalType = z.enum(PRINCIPAL_TYPES);
export type PrincipalType = z.infer<typeof PrincipalType>;
export const PROJECT_ROLES = ["admin", "viewer"] as const;
export const ProjectRole = z.enum(PROJECT_ROLES);
export const ENVIRONMENT_ROLES = ["admin", "contributor", "viewer"] as const;
export const EnvironmentRole = z.enum(ENVIRONMENT_ROLES).nullable();
export const EnvironmentRoles = z.object({ sandbox: EnvironmentRole, live: EnvironmentRole });

/** The account of an `accounts` grant, as the project's admins see it. */
export const GranteeAccount = z.object({
  id: AccountId,
  email: z.string().describe("The account's email, as it is now (not versioned with the grant)."),
  name: z.string().describe("The account's display name, as it is now."),
});

export const ProjectAccess = z.object({
  project_id: ro(ProjectId),
  organization_id: ro(OrgId).describe("The organization that owns the project (changes when the project is transferred)."),
  principal_type: immutable(PrincipalType),
  principal_id: immutable(z.string()),
  role: ProjectRole,
  environment_roles: EnvironmentRoles,
  external: ro(z.boolean()),
  account: ro(GranteeAccount.nullable()).describe(
    "For an `accounts` grant, who the account is: answered to the callers who manage the project's grants (its project admins: the owner, ADMIN members, admins by grant, its creator). Null for other principals (a member's email is on the member), and for callers with view access only, so an outside collaborator's address is not shown to the project's other viewers.",
  ),
  created_at: ro(Timestamp),
  version: ro(Version),
});
export type ProjectAccess = z.infer<typeof ProjectAccess>;

/** An account found by email, to grant it access to a project (POST …/access:find-account). */
export const AccountMatch = z.object({
  id: AccountId.describe("The account ID: grant with PUT …/access/accounts/{id}."),
  email: z.string(),
  name: z.string(),
  member_id: MemberId.nullable().describe("The account's member ID in the project's organization, or null when it is not a member."),
  external: z.boolean().describe("True when the account is not a member of the project's organization: a grant to it is an outside collaborator's."),
});

export const EffectiveProjectAccess = z.object({
  project_id: ProjectId,
  project_name: z.string(),
  role: ProjectRole,
  environment_roles: EnvironmentRoles,
  sources: z.array(z.string()).describe("Where the access comes from: member, role:<id>, team:<id>, owner, admin, creator."),
});

export const MemberProjectAccessPage = page(EffectiveProjectAccess).extend({
  hidden_count: z.number().int().min(0).describe("Projects the member has access to that the caller may not view: counted, never listed or named."),
});

export const ApiToken = z.object({
  id: ro(TokenId),
  name: z.string(),
  organization_ids: immutable(z.array(OrgId).nullable()),
  expires_at: immutable(Timestamp),
  last4: ro(z.string()),
  created_at: ro(Timestamp),
  last_used_at: ro(Timestamp.nullable()),
});
export const ApiTokenCreated = ApiToken.extend({ token: z.string().describe("The secret, shown once.") });

export const Me = Account.extend({
  memberships: z.array(z.object({ organization_id: OrgId, organization_slug: Slug, member_id: MemberId, is_owner: z.boolean() })),
});

export const TwoFactorEnrollment = z.object({
  secret: z.string().describe("Base32 TOTP secret (RFC 6238, SHA-1, 6 digits, 30 s)."),
  otpauth_url: z.string(),
});

export const AuditEvent = z.object({
  id: EventId,
  organization_id: OrgId,
  occurred_at: Timestamp,
  action: z.string(),
  actor: z.object({
    type: z.enum(["account", "token", "system"]),
    account_id: AccountId.nullable(),
    email: z.string().nullable(),
    token_id: TokenId.nullable(),
  }),
  source_ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  request_id: z.string().nullable(),
  target: z.object({ type: z.string(), id: z.string(), display_name: z.string().nullable() }),
  project_id: ProjectId.nullable(),
  changes: z
    .record(z.string(), z.tuple([z.unknown(), z.unknown()]).describe("[old, new]"))
    .nullable()
    .describe("What changed, as {field: [old, new]}, secrets redacted."),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const OutboxMessage = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  invitation_token: z.string().nullable().describe("The token the message carries, for scripted acceptance."),
  created_at: Timestamp,
});
