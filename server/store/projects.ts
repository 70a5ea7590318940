// Projects' and their access grants' SQL: the rows as every read returns them, which projects a
// subject can see and which grants apply to it, lists, writes, and the counts a delete or transfer checks.
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

/** Whose access to projects is computed: the caller, or (for a member's access listing) a member. */
export interface Subject {
  accountId: string | null;
  memberId: string | null;
  isOwner: boolean;
  isAdmin: boolean;
  canCreate: boolean;
}

/** SQL: the grant `g` applies to the subject (params $acct, $mem are text, possibly null). */
const grantApplies = (acct: string, mem: string) => `(
     (g.principal_type = 'members' AND g.principal_id = ${mem}::text)
  OR (g.principal_type = 'roles' AND g.principal_id IN (SELECT mr.role_id FROM member_roles mr WHERE mr.member_id = ${mem}::text))
  OR (g.principal_type = 'teams' AND g.principal_id IN (SELECT tm.team_id FROM team_members tm WHERE tm.member_id = ${mem}::text))
  OR (g.principal_type = 'accounts' AND g.principal_id = ${acct}::text))`;

/** SQL condition on projects `p`: the subject can see the project. Appends its parameters to `params`. */
function visibleTo(s: Subject, params: unknown[]): string {
  if (s.isAdmin) return "TRUE";
  params.push(s.accountId, s.memberId);
  const [acct, mem] = [`$${params.length - 1}`, `$${params.length}`];
  const creator = s.canCreate ? `p.created_by_account_id = ${acct}::text OR ` : "";
  return `(${creator}EXISTS (SELECT 1 FROM project_access g WHERE g.project_id = p.id AND ${grantApplies(acct, mem)}))`;
}

/** The grants among `projectIds`' that apply to the subject, by principal. */
export async function selectGrantsApplying(q: Queryable, projectIds: string[], s: Pick<Subject, "accountId" | "memberId">): Promise<GrantRow[]> {
  return q.query<GrantRow>(
    `SELECT g.project_id, g.principal_type, g.principal_id, g.role, g.sandbox_role, g.live_role FROM project_access g
      WHERE g.project_id = ANY($1) AND ${grantApplies("$2", "$3")} ORDER BY g.principal_type, g.principal_id`,
    [projectIds, s.accountId, s.memberId],
  );
}

/** A page of the organization's projects the subject can see, after the ID `after`, by name when given. */
export async function selectVisibleProjectPage(
  q: Queryable,
  orgId: string,
  viewer: Subject,
  f: { name: string | null },
  after: string | null,
  limit: number,
): Promise<ProjectRow[]> {
  const params: unknown[] = [orgId, after, f.name, limit];
  const visible = visibleTo(viewer, params);
  return q.query<ProjectRow>(
    `SELECT ${PROJECT_COLUMNS} FROM projects p
        WHERE p.organization_id = $1 AND ($2::text IS NULL OR p.id > $2) AND ($3::text IS NULL OR lower(p.name) = lower($3)) AND ${visible}
        ORDER BY p.id LIMIT $4`,
    params,
  );
}

/** Whether the subject can see any project of the organization. */
export async function anyVisibleProject(q: Queryable, orgId: string, viewer: Subject): Promise<boolean> {
  const p2: unknown[] = [orgId];
  const [any] = await q.query(`SELECT 1 FROM projects p WHERE p.organization_id = $1 AND ${visibleTo(viewer, p2)} LIMIT 1`, p2);
  return any !== undefined;
}

/** The organization's projects `subject` can see, each with whether `viewer` can see it too (`shown`). */
export async function selectProjectsVisibleTo(
  q: Queryable,
  orgId: string,
  subject: Subject,
  viewer: Subject,
): Promise<(Pick<ProjectRow, "id" | "name" | "created_by_account_id"> & { shown: boolean })[]> {
  const params: unknown[] = [orgId];
  return q.query<ProjectRow & { shown: boolean }>(
    `SELECT p.id, p.name, p.created_by_account_id, ${visibleTo(viewer, params)} AS shown
         FROM projects p WHERE p.organization_id = $1 AND ${visibleTo(subject, params)} ORDER BY p.id`,
    params,
  );
}

/** When each of the organization's projects was created, in ID order. */
export async function selectProjectStarts(q: Queryable, orgId: string): Promise<{ id: string; created_at: Date }[]> {
  return q.query<{ id: string; created_at: Date }>("SELECT id, created_at FROM projects WHERE organization_id = $1 ORDER BY id", [orgId]);
}

export async function countProjects(q: Queryable, orgId: string): Promise<number> {
  const [{ n }] = (await q.query<{ n: number }>("SELECT count(*)::int AS n FROM projects WHERE organization_id = $1", [orgId])) as [{ n: number }];
  return n;
}

export async function insertProject(
  q: Queryable,
  p: { id: string; organizationId: string; name: string; description: string; createdByAccountId: string },
  now: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO projects (id, organization_id, name, description, created_by_account_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6)`,
    [p.id, p.organizationId, p.name, p.description, p.createdByAccountId, now],
  );
}

/** The project's two environments, with the IDs given. */
export async function insertEnvironments(q: Queryable, projectId: string, ids: { sandbox: string; live: string }): Promise<void> {
  await q.query("INSERT INTO environments (id, project_id, type) VALUES ($1, $3, 'sandbox'), ($2, $3, 'live')", [ids.sandbox, ids.live, projectId]);
}

export async function deleteProject(q: Queryable, id: string): Promise<void> {
  await q.query("DELETE FROM projects WHERE id = $1", [id]);
}

/** The project's grants counted by principal type. */
export async function countGrantsByType(q: Queryable, projectId: string): Promise<{ members: number; roles: number; teams: number; accounts: number }> {
  const rows = await q.query<{ principal_type: string; n: number }>(
    "SELECT principal_type, count(*)::int AS n FROM project_access WHERE project_id = $1 GROUP BY principal_type",
    [projectId],
  );
  const c = { members: 0, roles: 0, teams: 0, accounts: 0 };
  for (const r of rows) c[r.principal_type as keyof typeof c] = r.n;
  return c;
}

/** The project's grant to one principal; locked for a write when `forUpdate`. */
export async function selectGrant(q: Queryable, projectId: string, type: string, id: string, forUpdate = false): Promise<GrantRow | undefined> {
  const [g] = await q.query<GrantRow>(
    `SELECT ${GRANT_COLUMNS} FROM project_access g WHERE g.project_id = $1 AND g.principal_type = $2 AND g.principal_id = $3${forUpdate ? " FOR UPDATE OF g" : ""}`,
    [projectId, type, id],
  );
  return g;
}

/** A page of the project's grants after the principal (`afterType`, `afterId`), of one principal type when given. */
export async function selectGrantPage(
  q: Queryable,
  projectId: string,
  f: { principalType: string | null; afterType: string | null; afterId: string | null },
  limit: number,
): Promise<GrantRow[]> {
  return q.query<GrantRow>(
    `SELECT ${GRANT_COLUMNS} FROM project_access g
        WHERE g.project_id = $1 AND ($2::text IS NULL OR g.principal_type = $2)
          AND ($3::text IS NULL OR (g.principal_type, g.principal_id) > ($3::text, $4::text))
        ORDER BY g.principal_type, g.principal_id LIMIT $5`,
    [projectId, f.principalType, f.afterType, f.afterId, limit],
  );
}

/** A new grant; none when the principal has one on the project already (a concurrent PUT committed it). */
export async function insertGrant(
  q: Queryable,
  g: { projectId: string; type: string; id: string; role: ProjectRole; env: EnvironmentRoles },
  now: Date,
): Promise<GrantRow | undefined> {
  const [created] = await q.query<GrantRow>(
    `INSERT INTO project_access AS g (project_id, principal_type, principal_id, role, sandbox_role, live_role, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING ${GRANT_COLUMNS}`,
    [g.projectId, g.type, g.id, g.role, g.env.sandbox, g.env.live, now],
  );
  return created;
}

export async function deleteGrant(q: Queryable, projectId: string, type: string, id: string): Promise<void> {
  await q.query("DELETE FROM project_access WHERE project_id = $1 AND principal_type = $2 AND principal_id = $3", [projectId, type, id]);
}

/** Drops every grant, on the organization's projects, to one principal; the grants dropped. */
export async function deleteGrantsTo(q: Queryable, orgId: string, type: PrincipalType, id: string): Promise<{ project_id: string; role: string }[]> {
  return q.query<{ project_id: string; role: string }>(
    `DELETE FROM project_access g USING projects p
      WHERE p.id = g.project_id AND p.organization_id = $1 AND g.principal_type = $2 AND g.principal_id = $3
      RETURNING g.project_id, g.role`,
    [orgId, type, id],
  );
}

const PRINCIPAL_NAME_SQL: Record<PrincipalType, string> = {
  members: "SELECT email AS name FROM members WHERE id = $1 AND organization_id = $2",
  roles: "SELECT name FROM roles WHERE id = $1 AND organization_id = $2",
  teams: "SELECT name FROM teams WHERE id = $1 AND organization_id = $2",
  accounts: "SELECT email AS name FROM accounts WHERE id = $1 AND $2::text IS NOT NULL",
};

/**
 * A principal's display name, if it exists (members, roles, teams: in the organization); `lock`
 * share-locks its row, so it cannot be deleted while a grant to it is written.
 */
export async function selectPrincipalName(q: Queryable, type: PrincipalType, id: string, orgId: string, lock: boolean): Promise<string | undefined> {
  const [row] = await q.query<{ name: string }>(`${PRINCIPAL_NAME_SQL[type]}${lock ? " FOR SHARE" : ""}`, [id, orgId]);
  return row?.name;
}
