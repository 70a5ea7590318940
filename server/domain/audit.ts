// Audit events, written in the same transaction as the change they record. Names are copied in
// (display_name) so events stay readable after the target is deleted.
import type { Ctx } from "../context";
import { newId } from "./ids";

export interface AuditInput {
  organizationId: string;
  action: string;
  target: { type: string; id: string; display_name?: string | null };
  projectId?: string | null;
  /** {field: [old, new]}; only fields that changed. */
  changes?: Record<string, [unknown, unknown]> | null;
}

export async function audit(ctx: Pick<Ctx, "q" | "caller" | "ip" | "userAgent" | "requestId" | "now">, e: AuditInput): Promise<void> {
  const c = ctx.caller;
  const actor = c
    ? { type: c.tokenId ? "token" : "account", account_id: c.accountId, email: c.email, token_id: c.tokenId }
    : { type: "system", account_id: null, email: null, token_id: null };
  await ctx.q.query(
    `INSERT INTO audit_events (id, organization_id, occurred_at, action, actor, source_ip, user_agent, request_id, target, project_id, changes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      newId("evt", ctx.now.getTime()),
      e.organizationId,
      ctx.now,
      e.action,
      JSON.stringify(actor),
      ctx.ip,
      ctx.userAgent,
      ctx.requestId,
      JSON.stringify({ type: e.target.type, id: e.target.id, display_name: e.target.display_name ?? null }),
      e.projectId ?? null,
      e.changes && Object.keys(e.changes).length ? JSON.stringify(e.changes) : null,
    ],
  );
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
