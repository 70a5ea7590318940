// Authoritative sets: an organization's whole membership, or a project's whole set of grants,
// planned and applied in one request each (POST …/members:plan and :apply, POST
// /v1/projects/{project_id}/access:plan and :apply). The body is the desired set; the plan says
// what an apply of the same body would invite, update, remove and leave, and carries the version
// of the set it was computed from, which the apply sends back as If-Match.
import { z } from "zod";
import { AccountId, Email, MemberId, Name, Permission, RoleId, TeamId, uniqueSet } from "./common";
import { EnvironmentRoles, MemberStatus, PrincipalType, ProjectRole } from "./resources";

/** The largest set one request takes (a body of that many entries is about 4 MiB). */
export const MAX_SET_ENTRIES = 100_000;
/** Set bodies may be larger than other requests' 1 MiB: 50,000 members are about 4 MiB. */
export const SET_BODY_LIMIT = 32 << 20;

/** A role or team reference: its ID, or its name in the organization (case-insensitive). */
const RoleRef = z.union([RoleId, Name]).describe("A role's ID (role_…) or its name in the organization (case-insensitive).");
const TeamRef = z.union([TeamId, Name]).describe("A team's ID (team_…) or its name in the organization (case-insensitive).");

export const MemberSetEntry = z.strictObject({
  email: Email,
  role_ids: uniqueSet(RoleRef)
    .min(1, "must hold at least one role")
    .optional()
    .describe("Roles by ID or name. Left out: an invitation gets the DEFAULT role, an existing member keeps its roles."),
  team_ids: uniqueSet(TeamRef)
    .min(1, "must hold at least one team")
    .optional()
    .describe("Teams by ID or name. Left out: an invitation joins the default team, an existing member keeps its teams."),
  permissions: uniqueSet(Permission).optional().describe("Direct permissions. Left out: none for an invitation, unchanged for an existing member."),
  note: z.string().max(1000).optional().describe("Added to the invitation mail; ignored for existing members."),
});
export type MemberSetEntry = z.infer<typeof MemberSetEntry>;

const Prune = z
  .boolean()
  .default(false)
  .describe("true: remove members (or revoke invitations) the body does not list. false: leave them, listed as unmanaged. The owner is never removed.");
const MaxRemovals = z
  .number()
  .int()
  .min(0)
  .optional()
  .describe("Refuse (422 too_many_removals, listing them) a plan that would remove more than this many: a guard against a truncated file.");

export const MemberSetRequest = z.strictObject({
  members: z
    .array(MemberSetEntry)
    .max(MAX_SET_ENTRIES)
    .describe("The desired membership, one entry per email (compared case-insensitively; an email listed twice is refused)."),
  prune: Prune,
  max_removals: MaxRemovals,
});
export type MemberSetRequest = z.infer<typeof MemberSetRequest>;

/** {field: [server's value, declared value]} for each field that differs. */
const Changes = z.record(z.string(), z.array(z.unknown()).length(2)).describe("{field: [current, declared]} for each field that differs.");

export const MemberSetPlan = z.object({
  membership_version: z
    .string()
    .describe('The version of the organization\'s membership this plan was computed from; send it as If-Match: "<membership_version>" to apply.'),
  invite: z.array(
    z.object({
      pointer: z.string().describe("JSON pointer of the entry in the request (/members/3)."),
      email: Email,
      role_ids: z.array(RoleId),
      team_ids: z.array(TeamId),
      permissions: z.array(Permission),
    }),
  ),
  update: z.array(z.object({ pointer: z.string(), email: Email, member_id: MemberId, changes: Changes })),
  remove: z.array(z.object({ email: Email, member_id: MemberId, status: MemberStatus })),
  unchanged: z.number().int().describe("Entries that already match."),
  unmanaged: z
    .array(z.object({ email: Email, member_id: MemberId, status: MemberStatus }))
    .describe("Members the body does not list and an apply leaves in place (prune false). Never the owner."),
  invitations: z.object({
    needed: z.number().int().describe("Invitations the apply sends."),
    remaining: z.number().int().describe("What the organization's 24-hour invitation quota has left now."),
  }),
});
export type MemberSetPlan = z.infer<typeof MemberSetPlan>;

export const MemberSetResult = MemberSetPlan.extend({
  membership_version: z.string().describe("The membership's version after the apply (the plan's when nothing changed)."),
  members: z
    .array(
      z.object({
        email: Email,
        id: MemberId,
        status: MemberStatus,
        role_ids: z.array(RoleId),
        team_ids: z.array(TeamId),
        permissions: z.array(Permission),
        is_owner: z.boolean(),
      }),
    )
    .describe("Every member of the organization after the apply, in email order."),
});
export type MemberSetResult = z.infer<typeof MemberSetResult>;

// Project access: one entry per principal.
export const AccessSetEntry = z
  .strictObject({
    member: z.union([MemberId, Email]).optional().describe("A member of the project's organization, by ID or email."),
    role: RoleRef.optional(),
    team: TeamRef.optional(),
    account: AccountId.optional().describe("An outside account, by ID."),
    level: ProjectRole.describe("admin or viewer (a grant's role in the per-grant endpoints)."),
    environment_roles: EnvironmentRoles.partial().strict().optional(),
  })
  .superRefine((v, ctx) => {
    const set = (["member", "role", "team", "account"] as const).filter((k) => v[k] !== undefined);
    if (set.length !== 1)
      ctx.addIssue({ code: "custom", path: set.length ? [set[1]!] : ["member"], message: "set exactly one of member, role, team or account" });
  });
export type AccessSetEntry = z.infer<typeof AccessSetEntry>;

export const AccessSetRequest = z.strictObject({
  grants: z.array(AccessSetEntry).max(MAX_SET_ENTRIES).describe("The project's desired grants, one per principal."),
  prune: Prune.describe("true: revoke grants the body does not list. false: leave them, listed as unmanaged."),
  principal_types: uniqueSet(PrincipalType)
    .min(1)
    .optional()
    .describe("The kinds of principal the set covers (default all): grants to other kinds are neither listed as unmanaged nor revoked."),
  max_removals: MaxRemovals,
});
export type AccessSetRequest = z.infer<typeof AccessSetRequest>;

const GrantRef = z.object({
  principal_type: PrincipalType,
  principal_id: z.string(),
  display_name: z.string().nullable().describe("The member's or account's email, the role's or team's name."),
});
const GrantLevel = z.object({ level: ProjectRole, environment_roles: EnvironmentRoles });

export const AccessSetPlan = z.object({
  access_version: z.string().describe('The version of the project\'s grants this plan was computed from; send it as If-Match: "<access_version>" to apply.'),
  grant: z.array(GrantRef.extend({ pointer: z.string() }).merge(GrantLevel)),
  update: z.array(GrantRef.extend({ pointer: z.string(), changes: Changes })),
  revoke: z.array(GrantRef.merge(GrantLevel)),
  unchanged: z.number().int(),
  unmanaged: z.array(GrantRef.merge(GrantLevel)),
});
export type AccessSetPlan = z.infer<typeof AccessSetPlan>;

export const AccessSetResult = AccessSetPlan.extend({
  grants: z.array(GrantRef.merge(GrantLevel)).describe("Every grant of the project after the apply."),
});
export type AccessSetResult = z.infer<typeof AccessSetResult>;
