// Audit events, written in the same transaction as the change they record. Names are copied in
// (display_name) so events stay readable after the target is deleted.
import type { Ctx } from "../context";
import { newId } from "./ids";
import { Statement } from "../store/statement";

export interface AuditInput {
  organizationId: string;
  action: string;
  target: { type: string; id: string; display_name?: string | null };
  projectId?: string | null;
  /** {field: [old, new]}; only fields that changed. */
  changes?: Record<string, [unknown, unknown]> | null;
}

/**
 * The INSERT of one audit event, as a part of `s`: rows from `from` when given (a CTE of the
 * same statement, e.g. only when a member was inserted), else one row.
 */
export function auditInsert(s: Statement, ctx: Pick<Ctx, "caller" | "ip" | "userAgent" | "requestId" | "now">, e: AuditInput, from?: string): string {
  const c = ctx.caller;
  const actor = c
    ? { type: c.tokenId ? "token" : "account", account_id: c.accountId, email: c.email, token_id: c.tokenId }
    : { type: "system", account_id: null, email: null, token_id: null };
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

export async function audit(ctx: Pick<Ctx, "q" | "caller" | "ip" | "userAgent" | "requestId" | "now">, e: AuditInput): Promise<void> {
  const s = new Statement();
  await ctx.q.query(auditInsert(s, ctx, e), s.values);
}

/** The new values of a diff: what a write sets. */
export const newValues = (changes: Record<string, [unknown, unknown]>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(changes).map(([field, [, value]]) => [field, value]));

/** The fields of `next` that differ from `prev`, as {field: [old, new]}. */
export function diffFields<T extends Record<string, unknown>>(prev: T, next: Partial<T>): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const [k, v] of Object.entries(next)) {
    if (v !== undefined && JSON.stringify(prev[k]) !== JSON.stringify(v)) out[k] = [prev[k], v];
  }
  return out;
}
