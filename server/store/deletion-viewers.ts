// Who may learn that an organization or project was deleted (server/domain/deleted.ts): its
// organization's active members at the time, one row each.
import type { Queryable } from "./db";

/** Records every active member of `organizationId` as a viewer of the deletion of `objectId`. */
export async function insertDeletionViewers(q: Queryable, objectId: string, organizationId: string, now: Date): Promise<void> {
  await q.query(
    `INSERT INTO deletion_viewers (object_id, account_id, organization_id, deleted_at)
     SELECT $1, m.account_id, $2, $3 FROM members m WHERE m.organization_id = $2 AND m.account_id IS NOT NULL AND m.joined_at IS NOT NULL
     ON CONFLICT DO NOTHING`,
    [objectId, organizationId, now],
  );
}

/** The deletion of `objectId` as the account saw it, if it did. */
export async function selectDeletionSeenBy(
  q: Queryable,
  objectId: string,
  accountId: string,
): Promise<{ deleted_at: Date; organization_id: string } | undefined> {
  const [row] = await q.query<{ deleted_at: Date; organization_id: string }>(
    "SELECT deleted_at, organization_id FROM deletion_viewers WHERE object_id = $1 AND account_id = $2",
    [objectId, accountId],
  );
  return row;
}
