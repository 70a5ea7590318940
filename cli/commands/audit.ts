// audit:list (with --follow) and outbox:list — what happened, and what mail was sent.
import { setTimeout as sleep } from "node:timers/promises";
import type { AuditEvent } from "../../api/resources";
import { command, type CommandDef, type FlagDef, type RunCtx } from "../command";
import { UsageError } from "../errors";
import { text, type Column } from "../output";
import { findMember, findProject } from "../resolve";
import { parseWhen } from "./account";

const EVENT_COLUMNS: Column<AuditEvent>[] = [
  ["Time", "occurred_at"],
  ["Action", "action"],
  ["Actor", (e) => e.actor.email ?? e.actor.account_id ?? e.actor.type],
  ["Target", (e) => `${e.target.type} ${e.target.display_name ?? e.target.id}`],
  ["Changes", (e) => (e.changes ? Object.keys(e.changes) : [])],
];

const AUDIT_FLAGS = {
  since: { type: "string", description: "Only events at or after this time (date or duration ago)", placeholder: "when" },
  until: { type: "string", description: "Only events before this time", placeholder: "when" },
  action: { type: "string", description: "Only this action, e.g. member.added" },
  actor: { type: "string", description: "Only events by this person (email or acct_ ID)", placeholder: "who" },
  "target-type": { type: "string", description: "Only events on this kind of target, e.g. member", placeholder: "type" },
  target: { type: "string", description: "Only events on this target ID", placeholder: "id" },
  project: { type: "string", description: "Only events of this project (ID, or name with --org)", placeholder: "project" },
  limit: { type: "string", description: "At most this many events (with --follow: how many to show first, default 20)", placeholder: "n" },
  follow: { type: "boolean", short: "f", description: "Keep polling for new events" },
  interval: { type: "string", description: "Seconds between polls with --follow (default 2)", placeholder: "s" },
} as const satisfies Record<string, FlagDef>;

async function auditQuery(ctx: RunCtx<typeof AUDIT_FLAGS>) {
  const since = ctx.flags.since;
  const until = ctx.flags.until;
  const actor = ctx.flags.actor;
  const project = ctx.flags.project;
  let actor_id: string | undefined;
  if (actor) {
    if (actor.startsWith("acct_")) actor_id = actor;
    else {
      const m = await findMember(ctx, actor);
      if (!m.account_id) throw new UsageError(`${actor} has not joined yet, so has no events`);
      actor_id = m.account_id;
    }
  }
  return {
    since: since ? parseWhen("since", since, -1) : undefined,
    until: until ? parseWhen("until", until, -1) : undefined,
    action: ctx.flags.action,
    actor_id,
    target_type: ctx.flags["target-type"],
    target_id: ctx.flags.target,
    project_id: project ? (await findProject(ctx, project)).id : undefined,
  };
}

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} must be a whole number above 0, not "${v}"`);
  return n;
}

export const auditCommands: CommandDef[] = [
  command({
    name: "audit:list",
    summary: "List audit events, newest first; --follow prints new ones as they happen",
    description:
      "--since/--until take a date or a duration ago (30m, 2h, 7d). With --follow, events print oldest first and polling continues until Ctrl-C; --format json then prints one object per line.",
    org: true,
    flags: AUDIT_FLAGS,
    examples: ["orgs audit:list --org acme --since 7d --action member.added", "orgs audit:list --org acme --follow --format json"],
    async run(ctx) {
      const limit = positiveInt("limit", ctx.flags.limit);
      const interval = positiveInt("interval", ctx.flags.interval) ?? 2;
      const query = await auditQuery(ctx);
      const params = { org: ctx.org() };
      const c = ctx.client();
      if (!ctx.flags.follow) {
        const p = ctx.progress("Fetching audit events");
        const events: AuditEvent[] = [];
        try {
          for await (const e of c.paginate("listAuditEvents", { params, query }, p.update)) {
            events.push(e);
            if (limit && events.length >= limit) break;
          }
        } finally {
          p.done();
        }
        return ctx.out.list(events, EVENT_COLUMNS, "No audit events match.");
      }
      await follow(ctx, params, query, limit ?? 20, interval);
    },
  }),
  command({
    name: "outbox:list",
    summary: "List the mail the server's embedded mailer sent (operator only)",
    examples: ["orgs outbox:list --to alice@example.com --token omt_…"],
    flags: { to: { type: "string", description: "Only mail to this address", placeholder: "email" } },
    async run(ctx) {
      const items = await ctx.fetchAll("Fetching mail", "listOutbox", { query: { to: ctx.flags.to } });
      ctx.out.list(
        items,
        [
          ["ID", "id"],
          ["To", "to"],
          ["Subject", "subject"],
          ["Invitation token", "invitation_token"],
          // The link a mail carries (an admin-page sign-in or invitation), so the outbox works as a mail client.
          ["Link", (m: { text: string }) => /https?:\/\/\S+#token=\S+/.exec(m.text)?.[0] ?? ""],
          ["Sent", "created_at"],
        ],
        "No mail.",
      );
    },
  }),
];

/** Prints the latest events, then polls with `after` for newer ones until interrupted. */
async function follow(ctx: RunCtx, params: { org: string }, query: Record<string, string | undefined>, first: number, intervalS: number) {
  const c = ctx.client();
  const print = streamPrinter(ctx);
  const initial = (await c.call("listAuditEvents", { params, query: { ...query, limit: Math.min(first, 100) } })).body.items;
  let last = initial[0]?.id;
  for (const e of chronological(initial)) print(e);
  await ctx.io.untilInterrupted(async (signal) => {
    while (!signal.aborted) {
      await sleep(intervalS * 1000, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) break;
      // With nothing seen yet, everything that appears is new.
      const fresh = await c.listAll("listAuditEvents", { params, query: { ...query, after: last } });
      for (const e of chronological(fresh)) print(e);
      if (fresh.length) last = chronological(fresh).at(-1)!.id;
    }
  });
}

const chronological = (events: AuditEvent[]) => [...events].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Streams can't align columns to rows not yet seen: fixed-width lines, NDJSON, or CSV rows. */
function streamPrinter(ctx: RunCtx): (e: AuditEvent) => void {
  const cell = (e: AuditEvent, get: Column<AuditEvent>[1]) => text(typeof get === "function" ? get(e) : e[get as keyof AuditEvent]);
  if (ctx.out.format === "json") return (e) => ctx.out.line(JSON.stringify(e));
  if (ctx.out.format === "csv") {
    ctx.out.csv([EVENT_COLUMNS.map(([h]) => h.toLowerCase())]);
    return (e) => ctx.out.csv([EVENT_COLUMNS.map(([, g]) => cell(e, g))]);
  }
  const widths = [24, 28, 26, 30];
  return (e) =>
    ctx.out.line(
      EVENT_COLUMNS.map(([, g], i) => (i < widths.length ? cell(e, g).padEnd(widths[i]!) : cell(e, g)))
        .join("  ")
        .trimEnd(),
    );
}
