// The set resources' inputs and outputs: orgs.Members (an organization's whole membership, keyed
// by email) and orgs.ProjectAccessSet (a project's whole set of grants). Each entry's fields take
// their rules from the set endpoints' request fields (api/sets.ts), so check() refuses at preview
// what the server would refuse at `up`.
import { z } from "zod";
import { Email, MemberId, Name, OrgId, Permission, ProjectId, RoleId, Slug, TeamId, uniqueSet } from "./common";
import { ENVIRONMENT_ROLES, MemberStatus, PROJECT_ROLES } from "./resources";
import { MAX_SET_ENTRIES } from "./sets";

const refOf = (idSchema: z.ZodType<string>, prefix: string, other: z.ZodType<string>) =>
  z.string().superRefine((v, ctx) => {
    const r = (v.startsWith(prefix) ? idSchema : other).safeParse(v);
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
  });
const OrgRef = refOf(OrgId, "org_", Slug).describe("The organization: its ID (org_…) or slug.");

/** A map keyed by email: duplicate emails (compared case-insensitively) are refused, at most MAX_SET_ENTRIES. */
const byEmail = <T extends z.ZodType>(entry: T) =>
  z.record(z.string(), entry).superRefine((m, ctx) => {
    const keys = Object.keys(m);
    if (keys.length > MAX_SET_ENTRIES) ctx.addIssue({ code: "custom", message: `at most ${MAX_SET_ENTRIES} entries` });
    const seen = new Map<string, string>();
    for (const k of keys) {
      if (!Email.safeParse(k).success) ctx.addIssue({ code: "custom", path: [k], message: `${k} is not an email address` });
      const low = k.toLowerCase();
      if (seen.has(low)) ctx.addIssue({ code: "custom", path: [k], message: `${k} is listed already as ${seen.get(low)}` });
      seen.set(low, k);
    }
  });

export const MembersEntryInputs = z
  .strictObject({
    roles: uniqueSet(refOf(RoleId, "role_", Name))
      .min(1, "must hold at least one role")
      .optional()
      .describe("Roles by ID (role_…) or name, case-insensitively; at least one. Left out: DEFAULT for an invitation, not managed for an existing member."),
    teams: uniqueSet(refOf(TeamId, "team_", Name))
      .min(1, "must hold at least one team")
      .optional()
      .describe("Teams by ID (team_…) or name; at least one. Left out: the default team for an invitation, not managed for an existing member."),
    permissions: uniqueSet(Permission).optional().describe("Direct permissions: billing, plans, projects:create, members. Left out: not managed."),
    note: z.string().max(1000).optional().describe("Added to the invitation mail (sent once)."),
  })
  .meta({ title: "MembersEntry" });

export const MembersInputs = z.strictObject({
  organization: OrgRef.describe("The organization: its ID (org_…) or slug. Another organization replaces the resource."),
  members: byEmail(MembersEntryInputs).describe(
    'The organization\'s members, keyed by email (compared case-insensitively): { "alice@acme.example": { roles: ["Developer"], teams: ["Platform"] } }.',
  ),
  prune: z
    .boolean()
    .optional()
    .describe(
      "Remove members (and revoke invitations) the map does not list. Default false: they are left, listed in `unmanaged`. The owner is never removed.",
    ),
  maxRemovals: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Refuse an update that would remove more members than this (a truncated file must not empty the organization)."),
});

export const MembersOutputs = z.object({
  ...MembersInputs.shape,
  members: z
    .record(
      z.string(),
      MembersEntryInputs.extend({ id: MemberId.describe("The member's ID (mem_…)."), status: MemberStatus.describe("invited, active or expired.") }).meta({
        title: "MembersEntry",
      }),
    )
    .describe("Each member as declared, with its ID and status; after a refresh, every member the server holds (the owner only when declared)."),
  organizationId: z.string().describe("ID of the organization (org_…)."),
  unmanaged: z.array(z.string()).describe("Emails of the members the server holds and the map does not list (never the owner)."),
  membershipVersion: z.string().describe("The version of the membership the last apply or refresh saw."),
});

// A grant's per-environment roles, the same type in ProjectAccess and ProjectAccessSet.
export const EnvironmentRolesInput = z
  .strictObject({
    sandbox: z.enum(ENVIRONMENT_ROLES).nullable().optional().describe("Role in the sandbox environment: admin, contributor, viewer, or null for none."),
    live: z.enum(ENVIRONMENT_ROLES).nullable().optional().describe("Role in the live environment: admin, contributor, viewer, or null for none."),
  })
  .meta({ title: "EnvironmentRoles" })
  .describe("Per-environment roles (admin, contributor, viewer or null); default derives from level.");

const Grant = z
  .strictObject({
    level: z.enum(PROJECT_ROLES).describe("admin or viewer."),
    environmentRoles: EnvironmentRolesInput.optional(),
  })
  .meta({ title: "AccessSetGrant" });
const byName = z.record(z.string(), Grant);

export const ProjectAccessSetInputs = z.strictObject({
  project: ProjectId.describe("Project ID (prj_…)."),
  members: byEmail(Grant).optional().describe("Grants to members of the project's organization, keyed by email."),
  roles: byName.optional().describe("Grants to everyone holding a role, keyed by the role's name or ID."),
  teams: byName.optional().describe("Grants to teams, keyed by the team's name or ID."),
  accounts: byName.optional().describe("Grants to outside accounts, keyed by account ID (acct_…)."),
  prune: z.boolean().optional().describe("Revoke grants the maps do not list. Default false: they are left, listed in `unmanaged`."),
  maxRemovals: z.number().int().min(0).optional().describe("Refuse an update that would revoke more grants than this."),
});

export const ProjectAccessSetOutputs = z.object({
  ...ProjectAccessSetInputs.shape,
  organizationId: z.string().describe("ID of the organization that owns the project."),
  unmanaged: z.array(z.string()).describe("Grants the project holds and the maps do not list, as type/name (members/bob@acme.example)."),
  accessVersion: z.string().describe("The version of the project's grants the last apply or refresh saw."),
});

export type MembersInputs = z.input<typeof MembersInputs>;
export type MembersOutputs = z.output<typeof MembersOutputs>;
export type ProjectAccessSetInputs = z.input<typeof ProjectAccessSetInputs>;
export type ProjectAccessSetOutputs = z.output<typeof ProjectAccessSetOutputs>;
