// Roles and teams: row mapping shared by their routes.
import { PERMISSIONS } from "../../api/common";
import type { Role, Team, TeamMembership } from "../../api/resources";
import { fail } from "../errors";
import type { Queryable } from "../store/db";
import { nameHolder } from "../store/names";
import { selectRoleRow, type RoleRow } from "../store/roles";
import { selectTeam, type TeamMembershipRow, type TeamRow } from "../store/teams";
import { iso } from "./rows";

export type { RoleRow, TeamMembershipRow, TeamRow };

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
  const row = await selectRoleRow(q, orgId, id, forUpdate);
  if (!row) fail("not_found", `role ${id} not found in this organization`);
  return row;
}

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
  const row = await selectTeam(q, orgId, id, forUpdate);
  if (!row) fail("not_found", `team ${id} not found in this organization`);
  return row;
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
