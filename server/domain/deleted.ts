// "Not found" for an organization or project ID, told apart from "deleted". IDs are never reused
// and every deletion leaves an audit event, so a lookup by ID that finds nothing can say which:
// 404 `deleted` when the object was deleted, 404 `not_found` otherwise (never existed, or not
// visible to the caller). Only IDs are answered this way: a slug can be taken again.
import type { Queryable } from "../store/db";
import { fail } from "../errors";

/** When the organization or project with this ID was deleted, if it was. */
export async function deletedAt(q: Queryable, id: string): Promise<Date | undefined> {
  // The action is a literal, not a parameter, so the partial index (migration 005) applies to
  // the statement prepared once per connection.
  const action = id.startsWith("org_") ? "organization.deleted" : id.startsWith("prj_") ? "project.deleted" : undefined;
  if (!action) return undefined;
  const [row] = await q.query<{ occurred_at: Date }>(`SELECT occurred_at FROM audit_events WHERE (target->>'id') = $1 AND action = '${action}' LIMIT 1`, [id]);
  return row ? new Date(row.occurred_at) : undefined;
}

/** Fails with 404: `deleted` when `id` names a deleted organization or project, else `not_found` with `detail`. */
export async function notFoundOrDeleted(q: Queryable, kind: "organization" | "project", id: string, detail: string): Promise<never> {
  const at = await deletedAt(q, id);
  if (at) fail("deleted", `${kind} ${id} was deleted at ${at.toISOString()}`, { deleted_at: at.toISOString() });
  return fail("not_found", detail);
}
