// role:* and team:* — the org's permission presets and its groups of people.
import { PERMISSIONS } from "../../api/common";
import { TEAM_ROLES, type Role, type Team } from "../../api/resources";
import { command, type CommandDef } from "../command";
import { UsageError } from "../errors";
import type { Column } from "../output";
import { findMember, findRole, findTeam, unique } from "../resolve";

const ROLE_COLUMNS: Column<Role>[] = [
  ["ID", "id"],
  ["Name", "name"],
  ["Built-in", (r) => (r.builtin ? "yes" : "")],
  ["Permissions", "permissions"],
  ["Description", "description"],
];
const TEAM_COLUMNS: Column<Team>[] = [
  ["ID", "id"],
  ["Name", "name"],
  ["Members", "member_count"],
  ["Default", (t) => (t.is_default ? "yes" : "")],
  ["Description", "description"],
];
const PERMISSION_FLAG = {
  type: "string",
  multiple: true,
  description: `Permissions the role confers, comma-separated: ${PERMISSIONS.join(", ")}`,
  values: PERMISSIONS,
  placeholder: "list",
} as const;
const ROLE_ARG = { name: "role", description: "Role name or ID" };
const TEAM_ARG = { name: "team", description: "Team name or ID" };

export const roleCommands: CommandDef[] = [
  command({
    name: "role:create",
    summary: "Create a custom role",
    org: true,
    args: [{ name: "name", description: "Role name, unique in the organization" }],
    flags: { permission: PERMISSION_FLAG, description: { type: "string", description: "What the role is for" } },
    examples: ["orgs role:create billing-admins --org acme --permission=billing,plans"],
    async run(ctx) {
      const permissions = unique(ctx.flags.permission) ?? [];
      const { body } = await ctx
        .client()
        .call("createRole", { params: { org: ctx.org() }, body: { name: ctx.args.name, permissions, description: ctx.flags.description } });
      ctx.out.changed(`Created role ${body.name} (${body.id}).`, body);
    },
  }),
  command({
    name: "role:list",
    summary: "List roles, built-ins included",
    examples: ["orgs role:list --org acme"],
    org: true,
    async run(ctx) {
      const roles = await ctx.fetchAll("Fetching roles", "listRoles", { params: { org: ctx.org() } });
      ctx.out.list(roles, ROLE_COLUMNS);
    },
  }),
  command({
    name: "role:get",
    summary: "Show a role",
    examples: ["orgs role:get ADMIN --org acme"],
    org: true,
    args: [ROLE_ARG],
    async run(ctx) {
      ctx.out.item(await findRole(ctx, ctx.args.role));
    },
  }),
  command({
    name: "role:update",
    summary: "Rename a custom role or replace its permissions",
    examples: ["orgs role:update billing-admins --org acme --permission=billing,plans,members"],
    org: true,
    args: [ROLE_ARG],
    flags: { name: { type: "string", description: "New name" }, description: { type: "string", description: "New description" }, permission: PERMISSION_FLAG },
    async run(ctx) {
      const permissions = unique(ctx.flags.permission);
      const name = ctx.flags.name;
      const description = ctx.flags.description;
      if (!permissions && name === undefined && description === undefined)
        throw new UsageError("nothing to change", "pass --name, --description or --permission");
      const role = await findRole(ctx, ctx.args.role);
      const { body } = await ctx
        .client()
        .call("updateRole", { params: { org: ctx.org(), role_id: role.id }, body: { name, description, permissions }, ifMatch: role.version });
      ctx.out.changed(`Updated role ${body.name}.`, body);
    },
  }),
  command({
    name: "role:delete",
    summary: "Delete a custom role no one holds",
    examples: ["orgs role:delete billing-admins --org acme"],
    org: true,
    destructive: true,
    args: [ROLE_ARG],
    async run(ctx) {
      const role = await findRole(ctx, ctx.args.role);
      await ctx.confirm(`Delete role ${role.name} (${role.id})?`);
      await ctx.client().call("deleteRole", { params: { org: ctx.org(), role_id: role.id }, ifMatch: role.version });
      ctx.out.removed(`Deleted role ${role.name}.`, role);
    },
  }),
];

export const teamCommands: CommandDef[] = [
  command({
    name: "team:create",
    summary: "Create a team",
    examples: ['orgs team:create Backend --org acme --description "API and database"'],
    org: true,
    args: [{ name: "name", description: "Team name, unique in the organization" }],
    flags: { description: { type: "string", description: "What the team is for" } },
    async run(ctx) {
      const { body } = await ctx.client().call("createTeam", { params: { org: ctx.org() }, body: { name: ctx.args.name, description: ctx.flags.description } });
      ctx.out.changed(`Created team ${body.name} (${body.id}).`, body);
    },
  }),
  command({
    name: "team:list",
    summary: "List teams",
    examples: ["orgs team:list --org acme"],
    org: true,
    async run(ctx) {
      const teams = await ctx.fetchAll("Fetching teams", "listTeams", { params: { org: ctx.org() } });
      ctx.out.list(teams, TEAM_COLUMNS);
    },
  }),
  command({
    name: "team:get",
    summary: "Show a team",
    examples: ["orgs team:get Backend --org acme"],
    org: true,
    args: [TEAM_ARG],
    async run(ctx) {
      ctx.out.item(await findTeam(ctx, ctx.args.team));
    },
  }),
  command({
    name: "team:update",
    summary: "Rename a team or change its description",
    examples: ['orgs team:update Backend --org acme --name "Platform team"'],
    org: true,
    args: [TEAM_ARG],
    flags: { name: { type: "string", description: "New name" }, description: { type: "string", description: "New description" } },
    async run(ctx) {
      const name = ctx.flags.name;
      const description = ctx.flags.description;
      if (name === undefined && description === undefined) throw new UsageError("nothing to change", "pass --name or --description");
      const team = await findTeam(ctx, ctx.args.team);
      const { body } = await ctx
        .client()
        .call("updateTeam", { params: { org: ctx.org(), team_id: team.id }, body: { name, description }, ifMatch: team.version });
      ctx.out.changed(`Updated team ${body.name}.`, body);
    },
  }),
  command({
    name: "team:delete",
    summary: "Delete a team (its project grants go with it; its members stay in the organization)",
    examples: ["orgs team:delete Backend --org acme"],
    org: true,
    destructive: true,
    args: [TEAM_ARG],
    async run(ctx) {
      const team = await findTeam(ctx, ctx.args.team);
      await ctx.confirm(`Delete team ${team.name} (${team.id}) and its project grants?`);
      await ctx.client().call("deleteTeam", { params: { org: ctx.org(), team_id: team.id }, ifMatch: team.version });
      ctx.out.removed(`Deleted team ${team.name}.`, team);
    },
  }),
  command({
    name: "team:member:add",
    summary: "Add a member to a team, or change their team role",
    examples: ["orgs team:member:add Backend alice@example.com --org acme --role maintainer"],
    org: true,
    args: [TEAM_ARG, { name: "email", description: "Member email (or mem_ ID)" }],
    flags: { role: { type: "string", description: "Role in the team (default member)", values: TEAM_ROLES } },
    async run(ctx) {
      const team = await findTeam(ctx, ctx.args.team);
      const m = await findMember(ctx, ctx.args.email);
      const role = ctx.flags.role ?? "member";
      const { body } = await ctx.client().call("putTeamMember", { params: { org: ctx.org(), team_id: team.id, member_id: m.id }, body: { role } });
      ctx.out.changed(`${m.email} is a ${body.role} of team ${team.name}.`, body);
    },
  }),
  command({
    name: "team:member:remove",
    summary: "Take a member out of a team",
    examples: ["orgs team:member:remove Backend alice@example.com --org acme"],
    org: true,
    destructive: true,
    args: [TEAM_ARG, { name: "email", description: "Member email (or mem_ ID)" }],
    async run(ctx) {
      const team = await findTeam(ctx, ctx.args.team);
      const m = await findMember(ctx, ctx.args.email);
      await ctx.confirm(`Remove ${m.email} from team ${team.name}?`);
      await ctx.client().call("deleteTeamMember", { params: { org: ctx.org(), team_id: team.id, member_id: m.id } });
      ctx.out.removed(`Removed ${m.email} from team ${team.name}.`, { team_id: team.id, member_id: m.id, email: m.email });
    },
  }),
  command({
    name: "team:member:list",
    summary: "List a team's members",
    examples: ["orgs team:member:list Backend --org acme"],
    org: true,
    args: [TEAM_ARG],
    async run(ctx) {
      const team = await findTeam(ctx, ctx.args.team);
      const items = await ctx.fetchAll("Fetching team members", "listTeamMembers", { params: { org: ctx.org(), team_id: team.id } });
      ctx.out.list(
        items,
        [
          ["Member", "member_id"],
          ["Email", "email"],
          ["Role", "role"],
          ["Added", "created_at"],
        ],
        `Team ${team.name} has no members.`,
      );
    },
  }),
];
