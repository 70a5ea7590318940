// Names that must be unique: an organization's slug on the server; a role's, team's or project's
// name within its organization, compared case-insensitively. Unique indexes enforce both; this
// finds the holder first, so the 409 can say who has the name.
import type { Queryable } from "./db";

export type NamedKind = "organization" | "role" | "team" | "project";

// $1 the name, $2 the row to leave out (a rename keeps its own name), $3 the organization.
const HOLDER: Record<NamedKind, string> = {
  organization: "SELECT id, slug AS name, NULL::text AS created_by_account_id FROM organizations WHERE slug = $1 AND id <> $2",
  role: "SELECT id, name, NULL::text AS created_by_account_id FROM roles WHERE lower(name) = lower($1) AND id <> $2 AND organization_id = $3",
  team: "SELECT id, name, NULL::text AS created_by_account_id FROM teams WHERE lower(name) = lower($1) AND id <> $2 AND organization_id = $3",
  project: "SELECT id, name, created_by_account_id FROM projects WHERE lower(name) = lower($1) AND id <> $2 AND organization_id = $3",
};

export interface NameHolder {
  id: string;
  name: string;
  created_by_account_id: string | null;
}

/** The other row that already has `name` (roles, teams, projects: within `orgId`), if one does. */
export async function nameHolder(
  q: Queryable,
  kind: NamedKind,
  name: string,
  where: { orgId: string | null; exceptId?: string },
): Promise<NameHolder | undefined> {
  const params = kind === "organization" ? [name, where.exceptId ?? ""] : [name, where.exceptId ?? "", where.orgId];
  const [row] = await q.query<NameHolder>(HOLDER[kind], params);
  return row;
}
