// The SQL of the project access sets: a project's grants and the principals a body names, read in
// a few statements; grants written, changed and revoked in one statement each (jsonb rows).
import type { AccessState, GrantStep } from "../domain/access-sets";
import { GRANT_COLUMNS, type GrantRow } from "./projects";
import type { Queryable } from "./db";

/** The project's grants (locked for update when asked: an apply) and its organization's members, roles and teams, and the accounts named. */
export async function loadAccessSet(q: Queryable, projectId: string, orgId: string, accountIds: string[], lock: boolean): Promise<AccessState> {
  const grants = await q.query<GrantRow>(
    `SELECT ${GRANT_COLUMNS} FROM project_access g WHERE g.project_id = $1 ORDER BY g.principal_type, g.principal_id${lock ? " FOR UPDATE OF g" : ""}`,
    [projectId],
  );
  const members = await q.query<{ id: string; email: string }>("SELECT id, email FROM members WHERE organization_id = $1", [orgId]);
  const roles = await q.query<{ id: string; name: string }>("SELECT id, name FROM roles WHERE organization_id = $1", [orgId]);
  const teams = await q.query<{ id: string; name: string }>("SELECT id, name FROM teams WHERE organization_id = $1", [orgId]);
  const named = [...new Set([...accountIds, ...grants.filter((g) => g.principal_type === "accounts").map((g) => g.principal_id)])];
  const accounts = await q.query<{ id: string; email: string }>(`SELECT id, email FROM accounts WHERE id = ANY($1)${lock ? " FOR SHARE" : ""}`, [named]);
  return { grants, members, roles, teams, accounts };
}

const ROWS = "jsonb_to_recordset($1::jsonb) AS v(type text, id text, role text, sandbox text, live text)";
const rowsOf = (steps: GrantStep[]) => JSON.stringify(steps.map((s) => ({ type: s.type, id: s.id, role: s.level, sandbox: s.env.sandbox, live: s.env.live })));

export async function insertGrants(q: Queryable, projectId: string, steps: GrantStep[], now: Date): Promise<number> {
  if (!steps.length) return 0;
  const rows = await q.query(
    `INSERT INTO project_access (project_id, principal_type, principal_id, role, sandbox_role, live_role, created_at)
     SELECT $2, v.type, v.id, v.role, v.sandbox, v.live, $3 FROM ${ROWS} ON CONFLICT DO NOTHING RETURNING principal_id`,
    [rowsOf(steps), projectId, now],
  );
  return rows.length;
}

export async function updateGrants(q: Queryable, projectId: string, steps: GrantStep[]): Promise<void> {
  if (!steps.length) return;
  await q.query(
    `UPDATE project_access g SET role = v.role, sandbox_role = v.sandbox, live_role = v.live, version = g.version + 1
       FROM ${ROWS} WHERE g.project_id = $2 AND g.principal_type = v.type AND g.principal_id = v.id`,
    [rowsOf(steps), projectId],
  );
}

export async function deleteGrants(q: Queryable, projectId: string, grants: GrantRow[]): Promise<void> {
  if (!grants.length) return;
  await q.query(
    `DELETE FROM project_access g USING jsonb_to_recordset($1::jsonb) AS v(type text, id text)
      WHERE g.project_id = $2 AND g.principal_type = v.type AND g.principal_id = v.id`,
    [JSON.stringify(grants.map((g) => ({ type: g.principal_type, id: g.principal_id }))), projectId],
  );
}
