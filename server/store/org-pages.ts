// The page query every organization-scoped list without filters shares: the organization's rows
// of one table in ID order, after a cursor's ID (the primary key's order, so each page is an index range).
import type { Queryable } from "./db";

/** A page of `table AS alias` rows of `orgId` after the ID `after`; `table`, `alias` and `columns` are the caller's SQL constants, never input. */
export function selectOrgPage<T>(q: Queryable, from: { table: string; alias: string; columns: string }, orgId: string, after: string | null, limit: number) {
  const { table, alias: t, columns } = from;
  return q.query<T>(`SELECT ${columns} FROM ${table} ${t} WHERE ${t}.organization_id = $1 AND ($2::text IS NULL OR ${t}.id > $2) ORDER BY ${t}.id LIMIT $3`, [
    orgId,
    after,
    limit,
  ]);
}
