// organization:user:* and invitation:* — people in an organization, from invitation to removal.
import { PERMISSIONS } from "../../api/common";
import { Member, MEMBER_STATUSES } from "../../api/resources";
import { command, type CommandDef, type FlagDef, type RunCtx } from "../command";
import { UsageError } from "../errors";
import { schemaColumns, type Column } from "../output";
import { findMember, findRole, findTeam, listRoles, listTeams, roleIds, teamIds, unique } from "../resolve";

const PERMISSION_FLAG = {
  type: "string",
  multiple: true,
  description: `Permissions, comma-separated: ${PERMISSIONS.join(", ")}`,
  values: PERMISSIONS,
  placeholder: "list",
} as const satisfies FlagDef;
const ROLE_FLAG = {
  type: "string",
  multiple: true,
  description: "Roles by name or ID, comma-separated or repeated",
  placeholder: "role",
} as const satisfies FlagDef;
const TEAM_FLAG = {
  type: "string",
  multiple: true,
  description: "Teams by name or ID, comma-separated or repeated",
  placeholder: "team",
} as const satisfies FlagDef;

/** Role and team names by ID, to show members by names instead of IDs (two list calls). */
async function namesOf(ctx: RunCtx): Promise<{ roles(m: Member): string[]; teams(m: Member): string[] }> {
  const [roles, teams] = await Promise.all([listRoles(ctx), listTeams(ctx)]);
  const roleName = new Map(roles.map((r) => [r.id, r.name]));
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  return { roles: (m) => m.role_ids.map((id) => roleName.get(id) ?? id), teams: (m) => m.team_ids.map((id) => teamName.get(id) ?? id) };
}

async function memberColumns(ctx: RunCtx): Promise<Column<Member>[]> {
  const names = await namesOf(ctx);
  return [
    ["ID", "id"],
    ["Email", "email"],
    ["Status", "status"],
    ["Roles", (m) => [...(m.is_owner ? ["owner"] : []), ...names.roles(m)]],
    ["Teams", names.teams],
    ["Permissions", "permissions"],
  ];
}

/** One member: the API object as JSON; otherwise every property, roles and teams by name. */
async function showMember(ctx: RunCtx, m: Member) {
  if (ctx.out.format === "json") return ctx.out.json(m);
  const names = await namesOf(ctx);
  ctx.out.item(m, schemaColumns(Member, { role_ids: [["roles", names.roles]], team_ids: [["teams", names.teams]] }));
}

export const memberCommands: CommandDef[] = [
  command({
    name: "organization:user:add",
    summary: "Invite a person to the organization by email",
    description: "The person gets an email with an invitation valid 7 days; roles, teams and permissions take effect when they accept.",
    org: true,
    args: [{ name: "email", description: "Email to invite" }],
    flags: {
      permission: PERMISSION_FLAG,
      role: ROLE_FLAG,
      team: TEAM_FLAG,
      name: { type: "string", description: "The invitee's display name: the mail greets them by it, admins see it until they accept" },
      note: { type: "string", description: "A message added to the invitation email" },
    },
    examples: [
      "orgs organization:user:add alice@example.com --org acme --permission=members,billing --team Backend",
      'orgs organization:user:add alice@example.com --org acme --name "Alice Liddell" --note "Welcome to Backend"',
    ],
    async run(ctx) {
      const permissions = unique(ctx.flags.permission);
      const email = ctx.args.email;
      const [role_ids, team_ids] = [await roleIds(ctx, ctx.flags.role), await teamIds(ctx, ctx.flags.team)];
      const { body } = await ctx.client().call("createMember", {
        params: { org: ctx.org() },
        body: { email, permissions, role_ids, team_ids, name: ctx.flags.name, note: ctx.flags.note },
      });
      ctx.out.note(`Invited ${body.email} to ${ctx.org()}; the invitation expires ${body.invitation?.expires_at ?? "in 7 days"}.`);
      await showMember(ctx, body);
    },
  }),
  command({
    name: "organization:user:list",
    summary: "List members and pending invitations",
    examples: [
      "orgs organization:user:list --org acme",
      "orgs organization:user:list --org acme --status invited --format csv",
      "orgs organization:user:list --org acme --permission billing",
    ],
    org: true,
    flags: {
      status: { type: "string", description: "Only members in this state", values: MEMBER_STATUSES },
      role: { type: "string", description: "Only holders of this role (name or ID)", placeholder: "role" },
      team: { type: "string", description: "Only members of this team (name or ID)", placeholder: "team" },
      permission: { type: "string", description: "Only members holding this permission directly or by role", values: PERMISSIONS },
    },
    async run(ctx) {
      const { status, permission, role: roleRef, team: teamRef } = ctx.flags;
      const query = {
        status,
        permission,
        role_id: roleRef ? (await findRole(ctx, roleRef)).id : undefined,
        team_id: teamRef ? (await findTeam(ctx, teamRef)).id : undefined,
      };
      const members = await ctx.fetchAll("Fetching members", "listMembers", { params: { org: ctx.org() }, query });
      ctx.out.list(members, ctx.out.format === "json" ? [] : await memberColumns(ctx), "No members match.");
    },
  }),
  command({
    name: "organization:user:get",
    summary: "Show one member (or invitation) by email",
    examples: ["orgs organization:user:get alice@example.com --org acme"],
    org: true,
    args: [{ name: "email", description: "Member email (or mem_ ID)" }],
    async run(ctx) {
      await showMember(ctx, await findMember(ctx, ctx.args.email));
    },
  }),
  command({
    name: "organization:user:update",
    summary: "Replace a member's permissions, roles or teams",
    description: "Each flag given replaces that whole set: --permission= (empty) removes every direct permission. Flags not given are left as they are.",
    org: true,
    args: [{ name: "email", description: "Member email (or mem_ ID)" }],
    flags: { permission: PERMISSION_FLAG, role: ROLE_FLAG, team: TEAM_FLAG },
    examples: ["orgs organization:user:update alice@example.com --org acme --permission=members,projects:create"],
    async run(ctx) {
      const permissions = unique(ctx.flags.permission);
      const roles = ctx.flags.role;
      const teams = ctx.flags.team;
      if (!permissions && !roles && !teams) throw new UsageError("nothing to change", "pass --permission, --role or --team (each replaces the whole set)");
      const m = await findMember(ctx, ctx.args.email);
      const body = { permissions, role_ids: await roleIds(ctx, roles), team_ids: await teamIds(ctx, teams) };
      const res = await ctx.client().call("updateMember", { params: { org: ctx.org(), member_id: m.id }, body, ifMatch: m.version });
      ctx.out.note(`Updated ${m.email}.`);
      await showMember(ctx, res.body);
    },
  }),
  command({
    name: "organization:user:delete",
    summary: "Remove a member, or revoke a pending invitation",
    examples: ["orgs organization:user:delete alice@example.com --org acme", "orgs organization:user:delete alice@example.com -o acme --yes"],
    description: "Their team memberships, roles and direct project grants in this organization go with them.",
    org: true,
    destructive: true,
    args: [{ name: "email", description: "Member email (or mem_ ID)" }],
    async run(ctx) {
      const m = await findMember(ctx, ctx.args.email);
      const what = m.status === "active" ? `Remove ${m.email} from ${ctx.org()}` : `Revoke the invitation of ${m.email} to ${ctx.org()}`;
      await ctx.confirm(`${what}?`);
      await ctx.client().call("deleteMember", { params: { org: ctx.org(), member_id: m.id }, ifMatch: m.version });
      ctx.out.removed(m.status === "active" ? `Removed ${m.email}.` : `Revoked the invitation of ${m.email}.`, m);
    },
  }),
  command({
    name: "invitation:resend",
    summary: "Send a pending invitation again, with a new 7-day expiry",
    examples: ["orgs invitation:resend alice@example.com --org acme"],
    org: true,
    args: [{ name: "email", description: "Invited email (or mem_ ID)" }],
    async run(ctx) {
      const m = await findMember(ctx, ctx.args.email);
      const { body } = await ctx.client().call("resendInvitation", { params: { org: ctx.org(), member_id: m.id } });
      ctx.out.note(`Sent the invitation to ${body.email} again; it expires ${body.invitation?.expires_at}.`);
      await showMember(ctx, body);
    },
  }),
  command({
    name: "invitation:accept",
    summary: "Accept an invitation with the token from its email",
    examples: ["orgs invitation:accept inv_…"],
    args: [{ name: "token", description: "The invitation token" }],
    async run(ctx) {
      const c = ctx.client();
      const { body } = await c.call("acceptInvitation", { body: { token: ctx.args.token } });
      // A member now, so the organization can be read, and named.
      const org = (await c.call("getOrganization", { params: { org: body.organization_id } })).body;
      ctx.out.note(`You are now a member of ${org.slug}${org.name === org.slug ? "" : ` (${org.name})`}.`);
      await showMember({ ...ctx, org: () => org.id }, body);
    },
  }),
  command({
    name: "invitation:list",
    summary: "List the invitations addressed to you",
    examples: ["orgs invitation:list"],
    async run(ctx) {
      const items = await ctx.fetchAll("Fetching invitations", "listMyInvitations", {});
      ctx.out.list(
        items,
        [
          ["Member", "id"],
          ["Organization", "organization_slug"],
          ["Name", "organization_name"],
          ["Email", "email"],
          ["Status", "status"],
          ["Expires", (m) => m.invitation?.expires_at],
          ["Note", (m) => m.invitation?.note],
        ],
        "No pending invitations.",
      );
    },
  }),
];
