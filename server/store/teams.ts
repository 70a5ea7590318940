// Teams' SQL.
import type { Queryable } from "./db";

/** The IDs among `ids` that are teams of the organization. */
export async function selectTeamIdsIn(q: Queryable, orgId: string, ids: string[]): Promise<string[]> {
  const rows = await q.query<{ id: string }>("SELECT id FROM teams WHERE organization_id = $1 AND id = ANY($2)", [orgId, ids]);
  return rows.map((r) => r.id);
}
