// The Pulumi resources' inputs and outputs (camelCase). Each input field takes its rules from the
// API request field it is sent as (check() must refuse at preview whatever the server would refuse
// at `up`); a reference the provider resolves (an organization by slug, a role or team by name)
// has the rules of both forms. The provider's check() validates with these schemas, schema.json is
// generated from them, and the SDK's hand-written Args types are checked against them by a test.
import { z } from "zod";
import { AccountId, Email, MemberId, Name, OrgId, Permission, ProjectId, Region, RoleId, Slug, TeamId, uniqueSet } from "./common";
import { MemberStatus, PROJECT_ROLES } from "./resources";
import * as Q from "./requests";
import { EnvironmentRolesInput, MembersInputs, MembersOutputs, ProjectAccessSetInputs, ProjectAccessSetOutputs } from "./pulumi-sets";

export { EnvironmentRolesInput };

/**
 * A string that is either an ID (when it has the ID's prefix, checked as one) or another form
 * the provider resolves (checked by `other`). One string type in the package schema.
 */
const idOr = (idSchema: z.ZodType<string>, prefix: string, other: z.ZodType<string>) =>
  z.string().superRefine((v, ctx) => {
    const r = (v.startsWith(prefix) ? idSchema : other).safeParse(v);
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
  });

const OrgRef = idOr(OrgId, "org_", Slug).describe(
  "The organization: its ID (org_…) or slug. A slug is resolved by the provider: renaming the organization, or naming it by ID instead, is no change; " +
    "a reference to another organization replaces the resource.",
);
/**
 * A role, team or member: its resource's own ID (org_…/team_…, what `team.id` gives), its bare ID
 * (team_…, what `team.teamId` gives), or its name (a member's: its email). The resource ID is
 * checked part by part; the provider checks that its organization is the right one.
 */
const objectRef = (idSchema: z.ZodType<string>, prefix: string, other: z.ZodType<string>) =>
  z.string().superRefine((v, ctx) => {
    const composite = /^org_[^/]*\//.test(v);
    const parts: [z.ZodType<string>, string][] = composite
      ? [
          [OrgId, v.slice(0, v.indexOf("/"))],
          [idSchema, v.slice(v.indexOf("/") + 1)],
        ]
      : [[v.startsWith(prefix) ? idSchema : other, v]];
    for (const [schema, part] of parts) {
      const r = schema.safeParse(part);
      if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: "custom", message: composite ? `${part}: ${issue.message}` : issue.message });
    }
  });
const RoleRef = objectRef(RoleId, "role_", Name);
const TeamRef = objectRef(TeamId, "team_", Name);
const MemberRef = objectRef(MemberId, "mem_", Email);
const Adopt = z
  .boolean()
  .optional()
  .describe("Adopt an object that already exists instead of failing (pulumi import cannot reach a dynamic provider). Default false.");
const ServerVersion = z.number().int().describe("The server's version of the object, sent as If-Match on updates.");
const OrganizationId = z.string().describe("ID of the organization (org_…).");
const Description = Q.RoleCreate.shape.description;

export const OrganizationInputs = z.strictObject({
  slug: Q.OrganizationCreate.shape.slug.describe("URL name, globally unique, lowercase (1-39 letters, digits or hyphens). Renaming is an update."),
  name: Q.OrganizationCreate.shape.name.describe("Display name, 1-64 characters."),
  region: Region.describe(
    "Data-center region, us or eu. Fixed at creation: a change makes a new organization, refused at preview unless allowRegionChange is set.",
  ),
  websiteUrl: Q.OrganizationCreate.shape.website_url.describe("https URL of the organization's website; null removes it."),
  plan: Q.OrganizationCreate.shape.plan.describe("Pricing plan. Default free."),
  requireTwoFactor: z.boolean().optional().describe("Refuse members without two-factor authentication. Never removes anyone. Default false."),
  adopt: Adopt,
  allowRegionChange: z
    .boolean()
    .optional()
    .describe(
      "Allow a change of region, which makes a new organization: a new ID, every member invited again, every team, role and grant made again, and its projects moved out or deleted first. Default false: a region change fails the preview.",
    ),
});

export const OrganizationOutputs = z.object({
  ...OrganizationInputs.shape,
  websiteUrl: z.string().nullable().describe("https URL of the organization's website, or null (the server's value, declared or not)."),
  plan: z.string().describe("Pricing plan (the server's value, declared or not: free by default)."),
  requireTwoFactor: z.boolean().describe("Whether two-factor authentication is required (the server's value, declared or not)."),
  ownerAccountId: z.string().describe("The owner's account ID."),
  ownerMemberId: z.string().describe("The owner's member ID."),
  defaultTeamId: z.string().describe('ID of the team "My Team" created with the organization.'),
  defaultRoleId: z.string().describe("ID of the built-in DEFAULT role."),
  adminRoleId: z.string().describe("ID of the built-in ADMIN role."),
  version: z.number().int().describe("The server's version of the organization, sent as If-Match on updates."),
});

export const ProjectInputs = z.strictObject({
  organization: OrgRef.describe(
    "The organization that owns the project: ID or slug. Renaming the organization, or naming it by ID instead, is no change; another organization transfers the project (an update, never a replacement).",
  ),
  name: Q.ProjectCreate.shape.name.describe("Project name, unique in the organization (case-insensitive)."),
  description: Description.describe("Free text."),
  adopt: Adopt,
});
export const ProjectOutputs = z.object({
  ...ProjectInputs.shape,
  description: z.string().describe("Free text (the server's value, declared or not)."),
  organizationId: z.string().describe("ID of the owning organization."),
  sandboxEnvironmentId: z.string().describe("ID of the sandbox environment; stable for life, across transfers."),
  liveEnvironmentId: z.string().describe("ID of the live environment; stable for life, across transfers."),
  version: ServerVersion,
});

export const RoleInputs = z.strictObject({
  organization: OrgRef,
  name: Q.RoleCreate.shape.name.describe("Role name, unique in the organization (case-insensitive)."),
  description: Description.describe("Free text."),
  permissions: Q.RoleUpdate.shape.permissions.describe("Organization permissions the role confers: billing, plans, projects:create, members."),
  adopt: Adopt,
});
export const RoleOutputs = z.object({
  ...RoleInputs.shape,
  description: z.string().describe("Free text (the server's value, declared or not)."),
  permissions: z.array(Permission).describe("Organization permissions the role confers (the server's value, declared or not)."),
  organizationId: OrganizationId,
  roleId: z.string().describe("The role's ID (role_…), as used in Member roles and ProjectAccess role."),
  version: ServerVersion,
});

export const TeamInputs = z.strictObject({
  organization: OrgRef,
  name: Q.TeamCreate.shape.name.describe("Team name, unique in the organization (case-insensitive)."),
  description: Description.describe("Free text."),
  adopt: Adopt,
});
export const TeamOutputs = z.object({
  ...TeamInputs.shape,
  description: z.string().describe("Free text (the server's value, declared or not)."),
  organizationId: OrganizationId,
  teamId: z.string().describe("The team's ID (team_…), as used in Member teams and ProjectAccess team."),
  version: ServerVersion,
});

export const MemberInputs = z.strictObject({
  organization: OrgRef,
  email: Q.MemberCreate.shape.email.describe(
    "The person's email. Compared case-insensitively: a change of case only is no change; another address replaces the member.",
  ),
  roles: uniqueSet(RoleRef)
    .min(1, "must hold at least one role")
    .optional()
    .describe(
      "Roles, each by the Role's id (org_…/role_…), its role ID (role_…) or its name (resolved in the organization, case-insensitively); at least one. Default: the DEFAULT role. Replaces the whole set.",
    ),
  teams: uniqueSet(TeamRef)
    .min(1, "must hold at least one team")
    .optional()
    .describe(
      "Teams, each by the Team's id (org_…/team_…), its team ID (team_…) or its name (resolved in the organization, case-insensitively); at least one. Default: the organization's default team. Replaces the whole set.",
    ),
  permissions: Q.MemberCreate.shape.permissions.describe("Direct organization permissions: billing, plans, projects:create, members. Replaces the whole set."),
  note: Q.MemberCreate.shape.note.describe("Message added to the invitation email (sent once, with the first invitation)."),
  resendExpiredInvitation: z.boolean().optional().describe("Re-send an expired invitation on the next update. Default true."),
  adopt: Adopt,
});
export const MemberOutputs = z.object({
  ...MemberInputs.shape,
  roles: z.array(z.string()).describe("The member's roles on the server, as declared (by name or ID), or as IDs when not declared."),
  teams: z.array(z.string()).describe("The member's teams on the server, as declared (by name or ID), or as IDs when not declared."),
  permissions: z.array(Permission).describe("Direct organization permissions (the server's value, declared or not)."),
  organizationId: OrganizationId,
  memberId: z.string().describe("The member's ID (mem_…), as used in ProjectAccess member."),
  roleIds: z.array(z.string()).describe("IDs of the member's roles (role_…)."),
  teamIds: z.array(z.string()).describe("IDs of the member's teams (team_…)."),
  status: MemberStatus.describe("invited until accepted, then active; expired when the invitation lapsed (re-sent by the next update)."),
  accountId: z.string().nullable().describe("The account that accepted the invitation."),
  invitationExpiresAt: z.string().nullable().describe("When the pending invitation expires."),
  isOwner: z.boolean().describe("True for the organization's owner."),
  version: ServerVersion,
});

const PRINCIPAL_INPUTS = ["member", "role", "team", "account"] as const;
export const ProjectAccessInputs = z
  .strictObject({
    project: ProjectId.describe("Project ID (prj_…)."),
    member: MemberRef.optional().describe(
      "Grant to a member: the Member's id (org_…/mem_…), its member ID (mem_…) or its email (resolved in the project's organization).",
    ),
    role: RoleRef.optional().describe(
      "Grant to everyone holding a role: the Role's id (org_…/role_…), its role ID (role_…) or its name (resolved in the project's organization).",
    ),
    team: TeamRef.optional().describe(
      "Grant to a team: the Team's id (org_…/team_…), its team ID (team_…) or its name (resolved in the project's organization).",
    ),
    account: AccountId.optional().describe("Grant to an external account that is not a member (account ID, acct_…)."),
    level: z.enum(PROJECT_ROLES).describe("admin or viewer. A change is an update."),
    environmentRoles: EnvironmentRolesInput.optional(),
    adopt: Adopt,
  })
  .superRefine((v, ctx) => {
    const set = PRINCIPAL_INPUTS.filter((k) => v[k] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({ code: "custom", path: set.length ? [set[1]!] : ["member"], message: "set exactly one of member, role, team or account" });
    }
  });
export const ProjectAccessOutputs = z.object({
  ...ProjectAccessInputs.shape,
  environmentRoles: EnvironmentRolesInput,
  organizationId: OrganizationId.describe("ID of the organization that owns the project (it changes when the project is transferred)."),
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
  /** The provider module that serves it (provider/<provider>.ts), in dynamic and in plugin mode. */
  provider?: string;
}

/** The provider's resources, keyed by Pulumi type token. */
export const PULUMI_RESOURCES = {
  "orgs:index:Organization": {
    description: "An organization: the container of projects, members, roles and teams, with its own plan and region. The creator becomes its owner.",
    inputs: OrganizationInputs,
    outputs: OrganizationOutputs,
    replaceOn: ["region"],
    provider: "organization",
  },
  "orgs:index:Project": {
    description: "A project with its sandbox and live environments. Moving it to another organization is a transfer, not a replacement.",
    inputs: ProjectInputs,
    outputs: ProjectOutputs,
    replaceOn: [],
    provider: "project",
  },
  "orgs:index:Role": {
    description: "A custom role: a named set of organization permissions, assignable to members and usable in project grants.",
    inputs: RoleInputs,
    outputs: RoleOutputs,
    replaceOn: ["organization"],
    provider: "role",
  },
  "orgs:index:Team": {
    description: "A team of members; project access can be granted to a team.",
    inputs: TeamInputs,
    outputs: TeamOutputs,
    replaceOn: ["organization"],
    provider: "team",
  },
  "orgs:index:Member": {
    description:
      "A person's membership of an organization, from invitation to removal. Creating it sends an invitation; the person becomes active when they accept.",
    inputs: MemberInputs,
    outputs: MemberOutputs,
    replaceOn: ["organization", "email"],
    provider: "member",
  },
  "orgs:index:ProjectAccess": {
    description: "Access to a project for exactly one member, role, team or external account, at a level (admin or viewer).",
    inputs: ProjectAccessInputs,
    outputs: ProjectAccessOutputs,
    replaceOn: ["project", "member", "role", "team", "account"],
    provider: "project-access",
  },
  "orgs:index:Members": {
    description:
      "An organization's whole membership, keyed by email: planned and applied by the server as one set (members:plan, members:apply). " +
      "Members the program does not list show in a refresh; prune removes them. Do not manage a member with both Members and Member.",
    inputs: MembersInputs,
    outputs: MembersOutputs,
    replaceOn: ["organization"],
    provider: "members-set",
  },
  "orgs:index:ProjectAccessSet": {
    description: "A project's whole set of grants (members by email, roles and teams by name, outside accounts by ID), applied by the server as one set.",
    inputs: ProjectAccessSetInputs,
    outputs: ProjectAccessSetOutputs,
    replaceOn: ["project"],
    provider: "access-set",
  },
} as const satisfies Record<string, PulumiResourceSpec>;

export type PulumiToken = keyof typeof PULUMI_RESOURCES;
export type OrganizationInputs = z.input<typeof OrganizationInputs>;
export type ProjectInputs = z.input<typeof ProjectInputs>;
export type RoleInputs = z.input<typeof RoleInputs>;
export type TeamInputs = z.input<typeof TeamInputs>;
export type MemberInputs = z.input<typeof MemberInputs>;
export type ProjectAccessInputs = z.input<typeof ProjectAccessInputs>;
export type OrganizationOutputs = z.output<typeof OrganizationOutputs>;
export type ProjectOutputs = z.output<typeof ProjectOutputs>;
export type RoleOutputs = z.output<typeof RoleOutputs>;
export type TeamOutputs = z.output<typeof TeamOutputs>;
export type MemberOutputs = z.output<typeof MemberOutputs>;
export type ProjectAccessOutputs = z.output<typeof ProjectAccessOutputs>;
