// The Pulumi resources' inputs and outputs (camelCase), built from the API's schemas. The provider's
// check() validates with them, the SDK's Args types are derived from them, and schema.json is
// generated from them: one declaration each.
import { z } from "zod";
import { Email, Permission, Region, SLUG_PATTERN, uniqueSet } from "./common";
import { ENVIRONMENT_ROLES, PROJECT_ROLES } from "./resources";
import * as Q from "./requests";

const OrgRef = z.string().min(1).max(255).describe("The organization: its ID (org_…) or slug. Changing it replaces the resource.");
const Adopt = z
  .boolean()
  .optional()
  .describe("Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false.");
const ServerVersion = z.number().int().describe("The server's version of the object, sent as If-Match on updates.");
const OrganizationId = z.string().describe("ID of the organization (org_…).");
const FreeText = z.string().max(1024).optional().describe("Free text.");

export const OrganizationInputs = z.strictObject({
  slug: z.string().regex(SLUG_PATTERN, "must be 1-39 lowercase letters, digits or hyphens").describe("URL name, globally unique, lowercase. Renaming is an update."),
  name: Q.OrganizationCreate.shape.name.describe("Display name, 1-64 characters."),
  region: Region.describe("Data-center region, us or eu. Fixed at creation: a change replaces the organization (which fails safely while it has projects)."),
  websiteUrl: z.string().url().nullable().optional().describe("https URL of the organization's website."),
  plan: z.string().min(1).max(32).optional().describe("Pricing plan. Default free."),
  requireTwoFactor: z.boolean().optional().describe("Refuse members without two-factor authentication. Never removes anyone. Default false."),
  adopt: Adopt,
});

export const OrganizationOutputs = OrganizationInputs.extend({
  ownerAccountId: z.string().describe("The owner's account ID."),
  ownerMemberId: z.string().describe("The owner's member ID."),
  defaultTeamId: z.string().describe("ID of the team \"My Team\" created with the organization."),
  defaultRoleId: z.string().describe("ID of the built-in DEFAULT role."),
  adminRoleId: z.string().describe("ID of the built-in ADMIN role."),
  version: z.number().int().describe("The server's version of the organization, sent as If-Match on updates."),
});

export const ProjectInputs = z.strictObject({
  organization: OrgRef.describe("The organization that owns the project: ID or slug. Changing it transfers the project (an update, never a replacement)."),
  name: Q.ProjectCreate.shape.name.describe("Project name, unique in the organization (case-insensitive)."),
  description: z.string().max(1024).optional().describe("Free text."),
  adopt: Adopt,
});
export const ProjectOutputs = ProjectInputs.extend({
  organizationId: z.string().describe("ID of the owning organization."),
  sandboxEnvironmentId: z.string().describe("ID of the sandbox environment; stable for life, across transfers."),
  liveEnvironmentId: z.string().describe("ID of the live environment; stable for life, across transfers."),
  version: ServerVersion,
});

export const RoleInputs = z.strictObject({
  organization: OrgRef,
  name: Q.RoleCreate.shape.name.describe("Role name, unique in the organization (case-insensitive)."),
  description: FreeText,
  permissions: uniqueSet(Permission).optional().describe("Organization permissions the role confers: billing, plans, projects:create, members."),
  adopt: Adopt,
});
export const RoleOutputs = RoleInputs.extend({
  organizationId: OrganizationId,
  roleId: z.string().describe("The role's ID (role_…), as used in Member roles and ProjectAccess role."),
  version: ServerVersion,
});

export const TeamInputs = z.strictObject({
  organization: OrgRef,
  name: Q.TeamCreate.shape.name.describe("Team name, unique in the organization (case-insensitive)."),
  description: FreeText,
  adopt: Adopt,
});
export const TeamOutputs = TeamInputs.extend({
  organizationId: OrganizationId,
  teamId: z.string().describe("The team's ID (team_…), as used in Member teams and ProjectAccess team."),
  version: ServerVersion,
});

export const MemberInputs = z.strictObject({
  organization: OrgRef,
  email: Email.describe("The person's email. Compared case-insensitively: a change of case only is no change; another address replaces the member."),
  roles: uniqueSet(z.string()).min(1).optional().describe("Role IDs; at least one. Default: the DEFAULT role."),
  teams: uniqueSet(z.string()).min(1).optional().describe("Team IDs; at least one. Default: the organization's default team."),
  permissions: uniqueSet(Permission).optional().describe("Direct organization permissions. Replaces the whole set."),
  note: z.string().max(1000).optional().describe("Message added to the invitation email."),
  resendExpiredInvitation: z.boolean().optional().describe("Re-send an expired invitation on the next update. Default true."),
  adopt: Adopt,
});
export const MemberOutputs = MemberInputs.extend({
  organizationId: OrganizationId,
  memberId: z.string().describe("The member's ID (mem_…), as used in ProjectAccess member."),
  status: z.enum(["invited", "active", "expired"]).describe("invited until accepted, then active; expired when the invitation lapsed (re-sent by the next update)."),
  accountId: z.string().nullable().describe("The account that accepted the invitation."),
  invitationExpiresAt: z.string().nullable().describe("When the pending invitation expires."),
  isOwner: z.boolean().describe("True for the organization's owner."),
  version: ServerVersion,
});

export const EnvironmentRolesInput = z
  .strictObject({
    sandbox: z.enum(ENVIRONMENT_ROLES).nullable().optional().describe("Role in the sandbox environment: admin, contributor, viewer, or null for none."),
    live: z.enum(ENVIRONMENT_ROLES).nullable().optional().describe("Role in the live environment: admin, contributor, viewer, or null for none."),
  })
  .describe("Per-environment roles (admin, contributor, viewer or null); default derives from level.");

export const ProjectAccessInputs = z
  .strictObject({
    project: z.string().min(1).describe("Project ID."),
    member: z.string().optional().describe("Grant to a member (member ID)."),
    role: z.string().optional().describe("Grant to everyone holding a role (role ID)."),
    team: z.string().optional().describe("Grant to a team (team ID)."),
    account: z.string().optional().describe("Grant to an external account that is not a member (account ID)."),
    level: z.enum(PROJECT_ROLES).describe("admin or viewer. A change is an update."),
    environmentRoles: EnvironmentRolesInput.optional(),
    adopt: Adopt,
  })
  .superRefine((v, ctx) => {
    const set = (["member", "role", "team", "account"] as const).filter((k) => v[k] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({ code: "custom", path: set.length ? [set[1]!] : ["member"], message: "set exactly one of member, role, team or account" });
    }
  });
export const ProjectAccessOutputs = z.object({
  ...ProjectAccessInputs.shape,
  principalType: z.enum(["members", "roles", "teams", "accounts"]).describe("Kind of grantee: members, roles, teams or accounts."),
  principalId: z.string().describe("ID of the grantee (member, role, team or account)."),
  external: z.boolean().describe("True when the account is not a member of the project's organization."),
  version: ServerVersion,
});

export interface PulumiResourceSpec {
  description: string;
  inputs: z.ZodType;
  outputs: z.ZodObject;
  /** Input properties whose change replaces the resource. */
  replaceOn: readonly string[];
}

/** The provider's resources, keyed by Pulumi type token. */
export const PULUMI_RESOURCES = {
  "orgs:index:Organization": {
    description: "An organization: the container of projects, members, roles and teams, with its own plan and region. The creator becomes its owner.",
    inputs: OrganizationInputs, outputs: OrganizationOutputs, replaceOn: ["region"],
  },
  "orgs:index:Project": {
    description: "A project with its sandbox and live environments. Moving it to another organization is a transfer, not a replacement.",
    inputs: ProjectInputs, outputs: ProjectOutputs, replaceOn: [],
  },
  "orgs:index:Role": {
    description: "A custom role: a named set of organization permissions, assignable to members and usable in project grants.",
    inputs: RoleInputs, outputs: RoleOutputs, replaceOn: ["organization"],
  },
  "orgs:index:Team": {
    description: "A team of members; project access can be granted to a team.",
    inputs: TeamInputs, outputs: TeamOutputs, replaceOn: ["organization"],
  },
  "orgs:index:Member": {
    description: "A person's membership of an organization, from invitation to removal. Creating it sends an invitation; the person becomes active when they accept.",
    inputs: MemberInputs, outputs: MemberOutputs, replaceOn: ["organization", "email"],
  },
  "orgs:index:ProjectAccess": {
    description: "Access to a project for exactly one member, role, team or external account, at a level (admin or viewer).",
    inputs: ProjectAccessInputs, outputs: ProjectAccessOutputs, replaceOn: ["project", "member", "role", "team", "account"],
  },
} as const satisfies Record<string, PulumiResourceSpec>;

export type PulumiToken = keyof typeof PULUMI_RESOURCES;
export type OrganizationInputs = z.input<typeof OrganizationInputs>;
export type ProjectInputs = z.input<typeof ProjectInputs>;
export type RoleInputs = z.input<typeof RoleInputs>;
export type TeamInputs = z.input<typeof TeamInputs>;
export type MemberInputs = z.input<typeof MemberInputs>;
export type ProjectAccessInputs = z.input<typeof ProjectAccessInputs>;
