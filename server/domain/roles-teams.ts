// Roles and teams: row mapping shared by their routes.
import { PERMISSIONS, type Permission } from "../../api/common";
import type { Role, Team, TeamMembership } from "../../api/resources";
import { fail } from "../errors";
import type { Queryable } from "../store/db";
import { nameHolder } from "../store/names";
import { iso } from "./rows";

export interface RoleRow {
  id: string;
  organization_id: string;
  name: string;
  description: string;
  builtin: "DEFAULT" | "ADMIN" | null;
  permissions: Permission[];
  created_at: Date;
  version: number;
}
export const ROLE_COLUMNS = "r.id, r.organization_id, r.name, r.description, r.builtin, r.permissions, r.created_at, r.version";

export function toRole(r: RoleRow): Role {
  return {
    id: r.id,
    organization_id: r.organization_id,
    name: r.name,
    description: r.description,
    builtin: r.builtin !== null,
    permissions: PERMISSIONS.filter((p) => r.permissions.includes(p)),
    admin_page: r.builtin === "ADMIN",
    created_at: iso(r.created_at)!,
    version: r.version,
  };
}

export async function loadRole(q: Queryable, orgId: string, id: string, forUpdate = false): Promise<RoleRow> {
  const [row] = await q.query<RoleRow>(`SELECT ${ROLE_COLUMNS} FROM roles r WHERE r.id = $1 AND r.organization_id = $2${forUpdate ? " FOR UPDATE" : ""}`, [
    id,
    orgId,
  ]);
  if (!row) fail("not_found", `role ${id} not found in this organization`);
  return row;
}

export interface TeamRow {
  id: string;
  organization_id: string;
  name: string;
  description: string;
  is_default: boolean;
  member_count: number;
  created_at: Date;
  version: number;
}
export const TEAM_COLUMNS =
  "t.id, t.organization_id, t.name, t.description, t.is_default, (SELECT count(*)::int FROM team_members tm WHERE tm.team_id = t.id) AS member_count, t.created_at, t.version";

export function toTeam(r: TeamRow): Team {
  return {
    id: r.id,
    organization_id: r.organization_id,
    name: r.name,
    description: r.description,
    is_default: r.is_default,
    member_count: r.member_count,
    created_at: iso(r.created_at)!,
    version: r.version,
  };
}

export async function loadTeam(q: Queryable, orgId: string, id: string, forUpdate = false): Promise<TeamRow> {
  if (forUpdate) await q.query("SELECT 1 FROM teams WHERE id = $1 AND organization_id = $2 FOR UPDATE", [id, orgId]);
  const [row] = await q.query<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams t WHERE t.id = $1 AND t.organization_id = $2`, [id, orgId]);
  if (!row) fail("not_found", `team ${id} not found in this organization`);
  return row;
}

export interface TeamMembershipRow {
  team_id: string;
  member_id: string;
  email: string;
  role: "member" | "maintainer";
  created_at: Date;
}
export const toTeamMembership = (r: TeamMembershipRow): TeamMembership => ({
  team_id: r.team_id,
  member_id: r.member_id,
  email: r.email,
  role: r.role,
  created_at: iso(r.created_at)!,
});

/** 409 already_exists naming /name when another role or team of the org has the name, in any case. */
export async function checkNameFree(q: Queryable, kind: "role" | "team", orgId: string, name: string, exceptId = ""): Promise<void> {
  const row = await nameHolder(q, kind, name, { orgId, exceptId });
  if (row) {
    fail("already_exists", `a ${kind} named ${row.name} already exists (${row.id})`, {
      existing_id: row.id,
      errors: [{ field: "/name", code: "already_exists", message: "is taken" }],
    });
  }
}
