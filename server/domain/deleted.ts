// "Not found" for an organization or project ID, told apart from "deleted" for those who could
// see the object. IDs are never reused, and the transaction that deletes an organization or a
// project records who could see it then (recordDeletion): its organization's active members.
// A lookup by ID that finds nothing answers 404 `deleted` to them (with the token allowed in that
// organization), which lets a client that managed the object tell "gone" from "not visible to me";
// everyone else gets the `not_found` of an ID that never existed. Only IDs are answered this way:
// a slug can be taken again.
import type { Caller, Ctx } from "../context";
import type { Queryable } from "../store/db";
import { insertDeletionViewers, selectDeletionSeenBy } from "../store/deletion-viewers";
import { fail } from "../errors";

/**
 * Records who may learn that the object was deleted: every active member of `organizationId`
 * (a project's grants are all revoked before it can be deleted, and an organization's projects
 * are gone before it can be, so no outside grantee could see it at that point).
 */
export async function recordDeletion(ctx: Pick<Ctx, "q" | "now">, objectId: string, organizationId: string): Promise<void> {
  await insertDeletionViewers(ctx.q, objectId, organizationId, ctx.now);
}

/** When the organization or project with this ID was deleted, if the caller could see it then (and its token may see that organization). */
export async function deletedAt(q: Queryable, caller: Caller | null, id: string): Promise<Date | undefined> {
  if (!caller || !(id.startsWith("org_") || id.startsWith("prj_"))) return undefined;
  const row = await selectDeletionSeenBy(q, id, caller.accountId);
  if (!row || (caller.tokenOrgIds && !caller.tokenOrgIds.includes(row.organization_id))) return undefined;
  return new Date(row.deleted_at);
}

/** Fails with 404: `deleted` when `id` names an organization or project the caller saw deleted, else `not_found` with `detail`. */
export async function notFoundOrDeleted(ctx: Pick<Ctx, "q" | "caller">, kind: "organization" | "project", id: string, detail: string): Promise<never> {
  const at = await deletedAt(ctx.q, ctx.caller, id);
  if (at) fail("deleted", `${kind} ${id} was deleted at ${at.toISOString()}`, { deleted_at: at.toISOString() });
  return fail("not_found", detail);
}
