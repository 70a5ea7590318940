// A project's whole set of grants: the plan of what an apply would grant, change and revoke,
// computed in memory from the project's grants and the principals the body names (read in a few
// statements), with the rules of PUT …/access/{type}/{id}: principals of the project's own
// organization (or existing accounts), project admins admin on every environment.
import { createHash } from "node:crypto";
import type { AccessSetEntry, AccessSetPlan, AccessSetRequest } from "../../api/sets";
import type { PrincipalType } from "../../api/resources";
import { Refusals } from "./member-sets";
import { defaultEnvironmentRoles, type EnvironmentRoles, type GrantRow, type ProjectRole } from "./projects";

export interface AccessState {
  grants: GrantRow[];
  members: { id: string; email: string }[];
  roles: { id: string; name: string }[];
  teams: { id: string; name: string }[];
  /** Accounts the body or the grants name, by ID. */
  accounts: { id: string; email: string }[];
}

export const accessVersion = (grants: GrantRow[]) => {
  const h = createHash("sha256");
  for (const g of [...grants].sort((a, b) => (`${a.principal_type}/${a.principal_id}` < `${b.principal_type}/${b.principal_id}` ? -1 : 1)))
    h.update(`${g.principal_type}/${g.principal_id}:${g.version};`);
  return `a${h.digest("base64url").slice(0, 22)}`;
};

export interface GrantStep {
  index: number;
  type: PrincipalType;
  id: string;
  name: string | null;
  level: ProjectRole;
  env: EnvironmentRoles;
  prev?: GrantRow;
  changes?: Record<string, [unknown, unknown]>;
}

export interface PlannedAccess {
  plan: AccessSetPlan;
  grants: GrantStep[];
  updates: GrantStep[];
  revokes: GrantRow[];
}

const KEYS = { member: "members", role: "roles", team: "teams", account: "accounts" } as const;

export function planAccess(req: AccessSetRequest, state: AccessState, project: { id: string; name: string }, orgSlug: string): PlannedAccess {
  const refusals = new Refusals();
  const index = <T extends { id: string }>(rows: T[], name: (r: T) => string) => {
    const byId = new Map(rows.map((r) => [r.id, r]));
    return { byId, byName: new Map(rows.map((r) => [name(r).toLowerCase(), r])), name: (id: string) => (byId.has(id) ? name(byId.get(id)!) : null) };
  };
  const lookups = {
    members: index(state.members, (m) => m.email),
    roles: index(state.roles, (r) => r.name),
    teams: index(state.teams, (t) => t.name),
    accounts: index(state.accounts, (a) => a.email),
  };
  const nameOf = (type: PrincipalType, id: string) => lookups[type].name(id);
  const current = new Map(state.grants.map((g) => [`${g.principal_type}/${g.principal_id}`, g]));
  const seen = new Map<string, number>();
  const grants: GrantStep[] = [];
  const updates: GrantStep[] = [];
  let unchanged = 0;

  req.grants.forEach((e: AccessSetEntry, i) => {
    const at = `/grants/${i}`;
    const field = (Object.keys(KEYS) as (keyof typeof KEYS)[]).find((k) => e[k] !== undefined)!;
    const type = KEYS[field];
    const ref = e[field]!;
    const l = lookups[type];
    const isId = /^(mem|role|team|acct)_/.test(ref);
    const row = isId ? l.byId.get(ref) : type === "accounts" ? undefined : l.byName.get(ref.toLowerCase());
    if (!row) {
      if (type === "accounts")
        refusals.add("account_not_found", `${at}/account`, `no account ${ref}: outside collaborators are granted by account ID (acct_…)`);
      else
        refusals.add(
          "principal_not_in_organization",
          `${at}/${field}`,
          `${field} ${ref} is not a ${field} of ${orgSlug}, the organization of project ${project.name}`,
        );
      return;
    }
    const key = `${type}/${row.id}`;
    if (seen.has(key)) {
      refusals.add("validation_failed", `${at}/${field}`, `${ref} is listed already at /grants/${seen.get(key)}`, "already_exists");
      return;
    }
    seen.set(key, i);
    const env = { ...defaultEnvironmentRoles(e.level), ...e.environment_roles };
    if (e.level === "admin")
      for (const t of ["sandbox", "live"] as const)
        if (env[t] !== "admin")
          refusals.add(
            "validation_failed",
            `${at}/environment_roles/${t}`,
            "project admins are admin on every environment: leave environment_roles out, or grant viewer with environment roles",
          );
    const step: GrantStep = { index: i, type, id: row.id, name: nameOf(type, row.id), level: e.level, env };
    const prev = current.get(key);
    if (!prev) return void grants.push(step);
    const changes: Record<string, [unknown, unknown]> = {};
    if (prev.role !== e.level) changes.level = [prev.role, e.level];
    if (prev.sandbox_role !== env.sandbox || prev.live_role !== env.live)
      changes.environment_roles = [{ sandbox: prev.sandbox_role, live: prev.live_role }, env];
    if (!Object.keys(changes).length) return void unchanged++;
    updates.push({ ...step, prev, changes });
  });

  const covered = new Set<PrincipalType>(req.principal_types ?? ["members", "roles", "teams", "accounts"]);
  const undeclared = state.grants.filter((g) => covered.has(g.principal_type) && !seen.has(`${g.principal_type}/${g.principal_id}`));
  const revokes = req.prune ? undeclared : [];
  const listed = (g: GrantRow) => ({
    principal_type: g.principal_type,
    principal_id: g.principal_id,
    display_name: nameOf(g.principal_type, g.principal_id),
    level: g.role,
    environment_roles: { sandbox: g.sandbox_role, live: g.live_role },
  });
  if (req.max_removals !== undefined && revokes.length > req.max_removals) {
    refusals.add(
      "too_many_removals",
      "/max_removals",
      `the plan revokes ${revokes.length} grants, more than max_removals (${req.max_removals}): ${revokes
        .slice(0, 20)
        .map((g) => nameOf(g.principal_type, g.principal_id) ?? g.principal_id)
        .join(", ")}`,
    );
  }
  refusals.throwIfAny(`the grants of project ${project.name}`);
  const ref = (s: GrantStep) => ({ principal_type: s.type, principal_id: s.id, display_name: s.name, pointer: `/grants/${s.index}` });
  return {
    grants,
    updates,
    revokes,
    plan: {
      access_version: accessVersion(state.grants),
      grant: grants.map((s) => ({ ...ref(s), level: s.level, environment_roles: s.env })),
      update: updates.map((s) => ({ ...ref(s), changes: s.changes! })),
      revoke: revokes.map(listed),
      unchanged,
      unmanaged: req.prune ? [] : undeclared.map(listed),
    },
  };
}
