// organization:user:sync — an organization's whole membership from a YAML file, without Pulumi:
// the same server plan as orgs.Members (POST …/members:plan), printed as a table, then applied
// with the plan's membership_version (POST …/members:apply, If-Match), so a change made between
// the two is refused rather than overwritten.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { Email, Permission } from "../../api/common";
import type { MemberSetPlan, MemberSetRequest } from "../../api/sets";
import { bulkTimeoutMs } from "../../client";
import { command, type CommandDef } from "../command";
import { UsageError } from "../errors";

// The file of examples/gitops (members.yaml): access, projects and adopt are the Pulumi program's and are ignored here.
const File = z.object({
  organization: z.string().min(1).optional(),
  prune: z.boolean().optional(),
  max_removals: z.number().int().min(0).optional(),
  members: z.array(
    z.object({
      email: Email,
      roles: z.array(z.string().min(1)).optional(),
      teams: z.array(z.string().min(1)).optional(),
      permissions: z.array(Permission).optional(),
      note: z.string().optional(),
    }),
  ),
});

/** The plan's rows for a table: one per change, removals and members left unmanaged included. */
function rows(p: MemberSetPlan) {
  const list = (v: unknown) => (Array.isArray(v) ? v.join(", ") : String(v));
  return [
    ...p.invite.map((i) => ({ action: "invite", email: i.email, changes: `roles ${i.role_ids.length}, teams ${i.team_ids.length}` })),
    ...p.update.map((u) => ({
      action: "update",
      email: u.email,
      changes: Object.entries(u.changes)
        .map(([k, [a, b]]) => `${k}: ${list(a)} → ${list(b)}`)
        .join("; "),
    })),
    ...p.remove.map((r) => ({ action: "remove", email: r.email, changes: r.status })),
    ...p.unmanaged.map((r) => ({ action: "unmanaged", email: r.email, changes: `${r.status} (not in the file; --prune removes it)` })),
  ];
}

export const memberSyncCommands: CommandDef[] = [
  command({
    name: "organization:user:sync",
    summary: "Make the organization's members what a YAML file says (the server's plan, then its apply)",
    description:
      "The file lists members (email, roles, teams, permissions, note), as examples/gitops/members.yaml does. The plan is printed as a table; " +
      "without --dry-run it is applied in one transaction, if the membership did not change since the plan. --prune removes members the file " +
      "does not list (never the owner); --max-removals refuses a plan that removes more. --dry-run --exit-code exits 1 when the organization " +
      "differs from the file, like git diff --exit-code.",
    args: [{ name: "file", description: "The members file (YAML)" }],
    flags: {
      org: { type: "string", short: "o", description: "Organization slug or ID (default: $ORGS_ORG, then the file's organization)", placeholder: "slug" },
      prune: { type: "boolean", description: "Remove members the file does not list (default: the file's prune)" },
      "max-removals": { type: "string", description: "Refuse a plan that removes more members than this", placeholder: "n" },
      "dry-run": { type: "boolean", description: "Print the plan and change nothing" },
      "exit-code": { type: "boolean", description: "With --dry-run: exit 1 when there is anything to change" },
      yes: { type: "boolean", short: "y", description: "Do not ask before removing members" },
    },
    examples: [
      "orgs organization:user:sync members.yaml --org acme --dry-run",
      "orgs organization:user:sync members.yaml --org acme --prune --max-removals 5",
      "orgs organization:user:sync members.yaml --org acme --dry-run --exit-code   # a drift check for CI",
    ],
    async run(ctx) {
      let text: string;
      try {
        text = readFileSync(ctx.args.file, "utf8");
      } catch (e) {
        throw new UsageError(`cannot read ${ctx.args.file}: ${(e as Error).message}`);
      }
      let doc: z.infer<typeof File>;
      try {
        const parsed = File.safeParse(parse(text));
        if (!parsed.success) {
          const i = parsed.error.issues[0]!;
          throw new UsageError(`${ctx.args.file}: ${i.path.join(".") || "(top)"}: ${i.message}`);
        }
        doc = parsed.data;
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`${ctx.args.file} is not valid YAML: ${(e as Error).message}`);
      }
      const org = ctx.flags.org || ctx.env.ORGS_ORG || doc.organization;
      if (!org) throw new UsageError("no organization given", "pass --org <slug>, set ORGS_ORG, or write organization: in the file");
      const maxFlag = ctx.flags["max-removals"];
      if (maxFlag !== undefined && !/^\d+$/.test(maxFlag)) throw new UsageError(`--max-removals takes a number, not ${maxFlag}`);
      if (ctx.flags["exit-code"] && !ctx.flags["dry-run"]) throw new UsageError("--exit-code goes with --dry-run");
      const maxRemovals = maxFlag !== undefined ? Number(maxFlag) : doc.max_removals;
      const body: MemberSetRequest = {
        members: doc.members.map((m) => ({
          email: m.email,
          ...(m.roles ? { role_ids: m.roles } : {}),
          ...(m.teams ? { team_ids: m.teams } : {}),
          ...(m.permissions ? { permissions: m.permissions } : {}),
          ...(m.note !== undefined ? { note: m.note } : {}),
        })),
        prune: ctx.flags.prune || doc.prune === true,
        ...(maxRemovals !== undefined ? { max_removals: maxRemovals } : {}),
      };
      const client = ctx.client();
      const { body: plan } = await client.call("planMembers", { params: { org }, body, timeoutMs: bulkTimeoutMs(body.members.length) });
      const changes = plan.invite.length + plan.update.length + plan.remove.length;
      if (ctx.out.format === "json") ctx.out.json(plan);
      else
        ctx.out.list(
          rows(plan),
          [
            ["Action", "action"],
            ["Email", "email"],
            ["Changes", "changes"],
          ],
          "Nothing to change.",
        );
      const summary = `${plan.invite.length} to invite, ${plan.update.length} to update, ${plan.remove.length} to remove, ${plan.unchanged} unchanged, ${plan.unmanaged.length} not in the file`;
      if (ctx.flags["dry-run"]) {
        ctx.out.note(`${org}: ${summary} (dry run: nothing changed)`);
        if (ctx.flags["exit-code"] && changes) throw new Error(`${org} differs from ${ctx.args.file}: ${changes} change${changes === 1 ? "" : "s"}`);
        return;
      }
      if (!changes) return ctx.out.note(`${org}: nothing to change (${plan.unchanged} unchanged)`);
      if (plan.remove.length) await ctx.confirm(`Remove ${plan.remove.length} member${plan.remove.length === 1 ? "" : "s"} from ${org}?`);
      // One transaction for the whole file, whatever its size: the timeout grows with the set.
      const size = plan.invite.length + plan.update.length + plan.remove.length + plan.unchanged + plan.unmanaged.length;
      await client.call("applyMembers", { params: { org }, body, ifMatch: `"${plan.membership_version}"`, timeoutMs: bulkTimeoutMs(size) });
      ctx.out.note(`${org}: applied: ${summary}`);
    },
  }),
];
