// Projects' and their access grants' SQL: the rows as every read returns them.
import type { Environment, PrincipalType } from "../../api/resources";
import type { Queryable } from "./db";

export type ProjectRole = "admin" | "viewer";
export type EnvRole = "admin" | "contributor" | "viewer" | null;
export type EnvironmentRoles = { sandbox: EnvRole; live: EnvRole };

export interface ProjectRow {
  id: string;
  organization_id: string;
  name: string;
  description: string;
  created_by_account_id: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  environments: Environment[] | null;
}

/** Environments come sandbox first, then live. */
export const PROJECT_COLUMNS = `p.id, p.organization_id, p.name, p.description, p.created_by_account_id, p.created_at, p.updated_at, p.version,
  (SELECT json_agg(json_build_object('id', e.id, 'project_id', e.project_id, 'type', e.type) ORDER BY e.type = 'live')
     FROM environments e WHERE e.project_id = p.id) AS environments`;

/**
 * A project row. `lock`: "update" for changes to the project itself (rename, transfer, delete);
 * "share" for changes under it (grants), which must not run into a transfer or delete but need
 * not wait for each other.
 */
export async function selectProject(q: Queryable, id: string, lock?: "update" | "share"): Promise<ProjectRow | undefined> {
  const [row] = await q.query<ProjectRow>(`SELECT ${PROJECT_COLUMNS} FROM projects p WHERE p.id = $1${lock ? ` FOR ${lock.toUpperCase()} OF p` : ""}`, [id]);
  return row;
}

export interface GrantRow {
  project_id: string;
  organization_id: string;
  principal_type: PrincipalType;
  principal_id: string;
  role: ProjectRole;
  sandbox_role: EnvRole;
  live_role: EnvRole;
  created_at: Date;
  version: number;
  external: boolean;
  account?: { id: string; email: string; name: string } | null;
}

/** `external`: an account principal that is not a member of the project's organization. */
export const GRANT_COLUMNS = `g.project_id, g.principal_type, g.principal_id, g.role, g.sandbox_role, g.live_role, g.created_at, g.version,
  (SELECT op.organization_id FROM projects op WHERE op.id = g.project_id) AS organization_id,
  (g.principal_type = 'accounts' AND NOT EXISTS (
     SELECT 1 FROM members m JOIN projects gp ON gp.id = g.project_id
      WHERE m.organization_id = gp.organization_id AND m.account_id = g.principal_id)) AS external,
  (SELECT json_build_object('id', a.id, 'email', a.email, 'name', a.name) FROM accounts a
    WHERE g.principal_type = 'accounts' AND a.id = g.principal_id) AS account`;
