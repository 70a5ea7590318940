// Audit events' SQL: written in the same transaction as the change they record, often folded into
// that change's own statement (a CTE of it).
import type { AuditEvent } from "../../api/resources";
import type { Ctx } from "../context";
import { newId } from "../domain/ids";
import type { Queryable } from "./db";
import { Statement } from "./statement";

export interface AuditInput {
  organizationId: string;
  action: string;
  target: { type: string; id: string; display_name?: string | null };
  projectId?: string | null;
  /** {field: [old, new]}; only fields that changed. */
  changes?: Record<string, [unknown, unknown]> | null;
}

/** Who and where an event comes from: the request's caller, address and IDs. */
export type AuditSource = Pick<Ctx, "caller" | "ip" | "userAgent" | "requestId" | "now">;

/** The event's actor: the caller (by token or session), or the system. */
const actorOf = (c: AuditSource["caller"]) =>
  c
    ? { type: c.tokenId ? "token" : "account", account_id: c.accountId, email: c.email, token_id: c.tokenId }
    : { type: "system", account_id: null, email: null, token_id: null };

/**
 * The INSERT of one audit event, as a part of `s`: rows from `from` when given (a CTE of the
 * same statement, e.g. only when a member was inserted), else one row.
 */
export function auditInsert(s: Statement, ctx: AuditSource, e: AuditInput, from?: string): string {
  const actor = actorOf(ctx.caller);
  const values = [
    s.p(newId("evt", ctx.now.getTime())),
    s.p(e.organizationId),
    s.p(ctx.now),
    s.p(e.action),
    `${s.p(JSON.stringify(actor))}::jsonb`,
    s.p(ctx.ip),
    s.p(ctx.userAgent),
    s.p(ctx.requestId),
    `${s.p(JSON.stringify({ type: e.target.type, id: e.target.id, display_name: e.target.display_name ?? null }))}::jsonb`,
    s.p(e.projectId ?? null),
    `${s.p(e.changes && Object.keys(e.changes).length ? JSON.stringify(e.changes) : null)}::jsonb`,
  ];
  return `INSERT INTO audit_events (id, organization_id, occurred_at, action, actor, source_ip, user_agent, request_id, target, project_id, changes)
     SELECT ${values.join(", ")}${from ? ` FROM ${from}` : ""}`;
}

/** One audit event, in a statement of its own. */
export async function insertAuditEvent(q: Queryable, ctx: AuditSource, e: AuditInput): Promise<void> {
  const s = new Statement();
  await q.query(auditInsert(s, ctx, e), s.values);
}

/** One audit event per change, as auditInsert writes them, in one statement. */
export async function auditMany(ctx: AuditSource & Pick<Ctx, "q">, events: AuditInput[]): Promise<void> {
  if (!events.length) return;
  const actor = actorOf(ctx.caller);
  const rows = events.map((e) => ({
    id: newId("evt", ctx.now.getTime()),
    org: e.organizationId,
    action: e.action,
    target: { type: e.target.type, id: e.target.id, display_name: e.target.display_name ?? null },
    project_id: e.projectId ?? null,
    changes: e.changes && Object.keys(e.changes).length ? e.changes : null,
  }));
  await ctx.q.query(
    `INSERT INTO audit_events (id, organization_id, occurred_at, action, actor, source_ip, user_agent, request_id, target, project_id, changes)
     SELECT v.id, v.org, $2, v.action, $3, $4, $5, $6, v.target, v.project_id, v.changes
       FROM jsonb_to_recordset($1::jsonb) AS v(id text, org text, action text, target jsonb, project_id text, changes jsonb)`,
    [JSON.stringify(rows), ctx.now, JSON.stringify(actor), ctx.ip, ctx.userAgent, ctx.requestId],
  );
}

export interface EventRow {
  id: string;
  organization_id: string;
  occurred_at: Date;
  action: string;
  actor: AuditEvent["actor"];
  source_ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  target: AuditEvent["target"];
  project_id: string | null;
  changes: AuditEvent["changes"];
}
const EVENT_COLUMNS = "id, organization_id, occurred_at, action, actor, source_ip, user_agent, request_id, target, project_id, changes";

/** The audit log's filters; `action` matches a name (member.added) or a family (member). `before`/`after`: IDs (newest first). */
export interface EventFilter {
  before: string | null;
  after: string | null;
  since: string | null;
  until: string | null;
  action: string | null;
  actorId: string | null;
  targetType: string | null;
  targetId: string | null;
  projectId: string | null;
}

/** A page of the organization's audit events, newest first. */
export async function selectAuditEventPage(q: Queryable, orgId: string, f: EventFilter, limit: number): Promise<EventRow[]> {
  return q.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM audit_events
        WHERE organization_id = $1 AND ($2::text IS NULL OR id < $2) AND ($3::text IS NULL OR id > $3)
          AND ($4::timestamptz IS NULL OR occurred_at >= $4) AND ($5::timestamptz IS NULL OR occurred_at < $5)
          AND ($6::text IS NULL OR action = $6 OR action LIKE $6 || '.%')
          AND ($7::text IS NULL OR actor->>'account_id' = $7)
          AND ($8::text IS NULL OR target->>'type' = $8) AND ($9::text IS NULL OR target->>'id' = $9)
          AND ($10::text IS NULL OR project_id = $10)
        ORDER BY id DESC LIMIT $11`,
    [orgId, f.before, f.after, f.since, f.until, f.action, f.actorId, f.targetType, f.targetId, f.projectId, limit],
  );
}

export async function selectAuditEvent(q: Queryable, orgId: string, id: string): Promise<EventRow | undefined> {
  const [row] = await q.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM audit_events WHERE organization_id = $1 AND id = $2`, [orgId, id]);
  return row;
}
