// Audit events, written in the same transaction as the change they record. Names are copied in
// (display_name) so events stay readable after the target is deleted.
import type { Ctx } from "../context";
import { insertAuditEvent, type AuditInput } from "../store/audit-events";

export type { AuditInput };

export async function audit(ctx: Pick<Ctx, "q" | "caller" | "ip" | "userAgent" | "requestId" | "now">, e: AuditInput): Promise<void> {
  await insertAuditEvent(ctx.q, ctx, e);
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
