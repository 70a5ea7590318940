// project:* and project:access:* — projects, their environments and who may use them.
import { ENVIRONMENT_ROLES, PRINCIPAL_TYPES, PROJECT_ROLES, type PrincipalType, type Project, type ProjectAccess } from "../../api/resources";
import { command, type CommandDef, type FlagDef, type RunCtx } from "../command";
import { UsageError } from "../errors";
import type { Column } from "../output";
import { findMember, findProject, findRole, findTeam, listRoles, listTeams } from "../resolve";

const PROJECT_COLUMNS: Column<Project>[] = [
  ["ID", "id"],
  ["Name", "name"],
  ["Organization", "organization_id"],
  ["Description", "description"],
  ["Created", "created_at"],
];
const PROJECT_ARG = { name: "project", description: "Project ID (prj_…), or its name with --org" };

/** The same context, with the project's own organization for resolving names in it. */
const inProjectOrg = (ctx: RunCtx, p: Project): RunCtx => ({ ...ctx, org: () => p.organization_id });

export const projectCommands: CommandDef[] = [
  command({
    name: "project:create",
    summary: "Create a project, with its sandbox and live environments",
    examples: ['orgs project:create web --org acme --description "The public website"'],
    org: true,
    args: [{ name: "name", description: "Project name, unique in the organization" }],
    flags: { description: { type: "string", description: "What the project is for" } },
    async run(ctx) {
      const { body } = await ctx
        .client()
        .call("createProject", { params: { org: ctx.org() }, body: { name: ctx.args.name, description: ctx.flags.description } });
      ctx.out.changed(`Created project ${body.name} (${body.id}).`, body);
    },
  }),
  command({
    name: "project:list",
    summary: "List the projects you can see in an organization",
    examples: ["orgs project:list --org acme", "orgs project:list --org acme --name web --format json"],
    org: true,
    flags: { name: { type: "string", description: "Only the project with this name" } },
    async run(ctx) {
      const items = await ctx.fetchAll("Fetching projects", "listProjects", { params: { org: ctx.org() }, query: { name: ctx.flags.name } });
      ctx.out.list(items, PROJECT_COLUMNS, "No projects.");
    },
  }),
  command({
    name: "project:get",
    summary: "Show a project",
    examples: ["orgs project:get web --org acme", "orgs project:get prj_…"],
    org: true,
    args: [PROJECT_ARG],
    async run(ctx) {
      ctx.out.item(await findProject(ctx, ctx.args.project));
    },
  }),
  command({
    name: "project:update",
    summary: "Rename a project or change its description",
    examples: ['orgs project:update web --org acme --name website --description "The public website"'],
    org: true,
    args: [PROJECT_ARG],
    flags: { name: { type: "string", description: "New name" }, description: { type: "string", description: "New description" } },
    async run(ctx) {
      const name = ctx.flags.name;
      const description = ctx.flags.description;
      if (name === undefined && description === undefined) throw new UsageError("nothing to change", "pass --name or --description");
      const p = await findProject(ctx, ctx.args.project);
      const { body } = await ctx.client().call("updateProject", { params: { project_id: p.id }, body: { name, description }, ifMatch: p.version });
      ctx.out.changed(`Updated project ${body.name}.`, body);
    },
  }),
  command({
    name: "project:delete",
    summary: "Delete a project that has no access grants",
    examples: ["orgs project:delete web --org acme --yes"],
    org: true,
    destructive: true,
    args: [PROJECT_ARG],
    async run(ctx) {
      const p = await findProject(ctx, ctx.args.project);
      await ctx.confirm(`Delete project ${p.name} (${p.id}) and its environments?`);
      await ctx.client().call("deleteProject", { params: { project_id: p.id }, ifMatch: p.version });
      ctx.out.removed(`Deleted project ${p.name}.`, p);
    },
  }),
  command({
    name: "project:transfer",
    summary: "Move a project to another organization",
    examples: ["orgs project:transfer web --org acme --to globex"],
    description: "Its URL and environment IDs stay; account grants carry over; role and team grants must be revoked first.",
    org: true,
    destructive: true,
    args: [PROJECT_ARG],
    flags: { to: { type: "string", description: "Target organization (slug or ID)", placeholder: "org" } },
    async run(ctx) {
      const to = ctx.flags.to;
      if (!to) throw new UsageError("missing --to", "name the organization that will own the project: --to <slug>");
      const p = await findProject(ctx, ctx.args.project);
      await ctx.confirm(`Transfer project ${p.name} (${p.id}) to ${to}?`);
      const { body } = await ctx.client().call("transferProject", { params: { project_id: p.id }, body: { target_organization_id: to } });
      ctx.out.changed(`Project ${body.name} now belongs to ${body.organization_id}.`, body);
    },
  }),
  command({
    name: "project:environments",
    summary: "List a project's environments",
    examples: ["orgs project:environments web --org acme"],
    org: true,
    args: [PROJECT_ARG],
    async run(ctx) {
      const p = await findProject(ctx, ctx.args.project);
      const items = await ctx.client().listAll("listEnvironments", { params: { project_id: p.id } });
      ctx.out.list(items, [
        ["ID", "id"],
        ["Type", "type"],
        ["Project", "project_id"],
      ]);
    },
  }),
];

const PRINCIPAL_FLAGS = {
  member: { type: "string", description: "A member, by email or mem_ ID", placeholder: "email" },
  role: { type: "string", description: "Everyone holding a role, by name or ID", placeholder: "role" },
  team: { type: "string", description: "A team, by name or ID", placeholder: "team" },
  account: { type: "string", description: "An outside account, by acct_ ID", placeholder: "acct_id" },
} as const satisfies Record<string, FlagDef>;
const ENV_VALUES = [...ENVIRONMENT_ROLES, "none"] as const;

/** Exactly one of --member/--role/--team/--account, resolved to the API's principal path. */
async function principal(ctx: RunCtx<typeof PRINCIPAL_FLAGS>, p: Project): Promise<{ principal_type: PrincipalType; principal_id: string; label: string }> {
  const given = (["member", "role", "team", "account"] as const).filter((k) => ctx.flags[k] !== undefined);
  if (given.length !== 1)
    throw new UsageError(
      given.length ? `give one principal, not ${given.map((g) => `--${g}`).join(" and ")}` : "missing the principal",
      "pass exactly one of --member <email>, --role <name>, --team <name>, --account <acct_id>",
    );
  const kind = given[0]!;
  const ref = ctx.flags[kind]!;
  const octx = inProjectOrg(ctx, p);
  if (kind === "member") return { principal_type: "members", principal_id: (await findMember(octx, ref)).id, label: ref };
  if (kind === "role") return { principal_type: "roles", principal_id: (await findRole(octx, ref)).id, label: `role ${ref}` };
  if (kind === "team") return { principal_type: "teams", principal_id: (await findTeam(octx, ref)).id, label: `team ${ref}` };
  return { principal_type: "accounts", principal_id: ref, label: `account ${ref}` };
}

/** An environment role flag: "none" is null (no role), absent is undefined (from --level). */
const envRole = (v: (typeof ENV_VALUES)[number] | undefined) => (v === "none" ? null : v);

export const accessCommands: CommandDef[] = [
  command({
    name: "project:access:list",
    summary: "List who has access to a project",
    examples: ["orgs project:access:list web --org acme", "orgs project:access:list web --org acme --type teams"],
    org: true,
    args: [PROJECT_ARG],
    flags: { type: { type: "string", description: "Only grants to this kind of principal", values: PRINCIPAL_TYPES } },
    async run(ctx) {
      const p = await findProject(ctx, ctx.args.project);
      const grants = await ctx.fetchAll("Fetching grants", "listProjectAccess", { params: { project_id: p.id }, query: { principal_type: ctx.flags.type } });
      if (ctx.out.format === "json") return ctx.out.json(grants);
      const names = await principalNames(inProjectOrg(ctx, p), grants);
      ctx.out.list(
        grants,
        [
          ["Type", "principal_type"],
          ["Principal", (g) => names.get(g.principal_id) ?? g.principal_id],
          ["Level", "role"],
          ["Sandbox", (g) => g.environment_roles.sandbox ?? "none"],
          ["Live", (g) => g.environment_roles.live ?? "none"],
          ["External", (g) => (g.external ? "yes" : "")],
        ],
        "No access grants.",
      );
    },
  }),
  command({
    name: "project:access:grant",
    summary: "Grant a member, role, team or outside account access to a project (or change it)",
    org: true,
    args: [PROJECT_ARG],
    flags: {
      ...PRINCIPAL_FLAGS,
      level: { type: "string", description: "Project access level", values: PROJECT_ROLES },
      sandbox: { type: "string", description: "Role on the sandbox environment (default from --level)", values: ENV_VALUES },
      live: { type: "string", description: "Role on the live environment (default from --level)", values: ENV_VALUES },
    },
    examples: ["orgs project:access:grant web --org acme --team Backend --level viewer --sandbox contributor"],
    async run(ctx) {
      const level = ctx.flags.level;
      if (!level) throw new UsageError("missing --level", `choose ${PROJECT_ROLES.join(" or ")}`);
      const p = await findProject(ctx, ctx.args.project);
      const who = await principal(ctx, p);
      const sandbox = envRole(ctx.flags.sandbox);
      const live = envRole(ctx.flags.live);
      const environment_roles = sandbox === undefined && live === undefined ? undefined : { sandbox, live };
      const { status, body } = await ctx.client().call("putProjectAccess", {
        params: { project_id: p.id, principal_type: who.principal_type, principal_id: who.principal_id },
        body: { role: level, environment_roles },
      });
      ctx.out.changed(`${status === 201 ? "Granted" : "Changed"} ${level} access to ${p.name} for ${who.label}.`, body);
    },
  }),
  command({
    name: "project:access:revoke",
    summary: "Revoke a principal's access to a project",
    examples: ["orgs project:access:revoke web --org acme --team Backend", "orgs project:access:revoke web --org acme --member alice@example.com --yes"],
    org: true,
    destructive: true,
    args: [PROJECT_ARG],
    flags: PRINCIPAL_FLAGS,
    async run(ctx) {
      const p = await findProject(ctx, ctx.args.project);
      const who = await principal(ctx, p);
      await ctx.confirm(`Revoke the access of ${who.label} to project ${p.name}?`);
      await ctx.client().call("deleteProjectAccess", { params: { project_id: p.id, principal_type: who.principal_type, principal_id: who.principal_id } });
      ctx.out.removed(`Revoked the access of ${who.label} to ${p.name}.`, {
        project_id: p.id,
        principal_type: who.principal_type,
        principal_id: who.principal_id,
      });
    },
  }),
];

/** Readable names for grant principals: member emails, role and team names (outside accounts stay IDs). */
async function principalNames(ctx: RunCtx, grants: ProjectAccess[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const need = new Set(grants.map((g) => g.principal_type));
  const c = ctx.client();
  const [members, roles, teams] = await Promise.all([
    need.has("members") ? c.listAll("listMembers", { params: { org: ctx.org() } }) : [],
    need.has("roles") ? listRoles(ctx) : [],
    need.has("teams") ? listTeams(ctx) : [],
  ]);
  for (const m of members) names.set(m.id, m.email);
  for (const r of roles) names.set(r.id, r.name);
  for (const t of teams) names.set(t.id, t.name);
  return names;
}
