// Audit events' SQL: written in the same transaction as the change they record, often folded into
// that change's own statement (a CTE of it).
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
