// An organization's whole membership as one set: the plan of what an apply would invite, update
// and remove, computed in memory from the organization's members, roles and teams read in a few
// statements (server/store/member-sets.ts), and checked against the rules of the per-member
// endpoints (domain/members.ts), reused as they are. A refusal names every entry it concerns.
import { createHash } from "node:crypto";
import type { Permission } from "../../api/common";
import type { ErrorCode } from "../../api/errors";
import type { MemberSetEntry, MemberSetPlan, MemberSetRequest } from "../../api/sets";
import { ApiError, fail } from "../errors";
import { authorize, type OrgAccess } from "./access";
import { checkEscalation, mayActOn, memberStatus, type MemberAct, type MemberRow, type RoleRef } from "./members";

export interface SetState {
  members: MemberRow[];
  roles: RoleRef[];
  teams: { id: string; name: string }[];
}

type FieldError = { field: string; code: "invalid" | "already_exists" | "unprocessable"; message: string };

/** Refusals gathered over the whole set, thrown at once: the first one's code, every entry named. */
export class Refusals {
  private readonly list: { code: ErrorCode; error: FieldError }[] = [];
  add(code: ErrorCode, field: string, message: string, fieldCode: FieldError["code"] = "invalid") {
    this.list.push({ code, error: { field, code: fieldCode, message } });
  }
  /** Runs a rule that throws ApiError (the per-member rules do) and records its refusal at `field`. */
  check(field: string, rule: () => void) {
    try {
      rule();
    } catch (e) {
      if (!ApiError.isInstance(e)) throw e;
      this.add(e.code, field, e.detail, "unprocessable");
    }
  }
  throwIfAny(what: string) {
    if (!this.list.length) return;
    const first = this.list[0]!;
    const more = this.list.length > 1 ? ` (and ${this.list.length - 1} more: see errors)` : "";
    fail(first.code, `${what} refused, nothing was applied: ${first.error.field}: ${first.error.message}${more}`, {
      errors: this.list.slice(0, 1000).map((r) => r.error),
    });
  }
}

/** The membership's version: a digest of every member's ID, version, roles and teams. */
export function membershipVersion(members: MemberRow[]): string {
  const h = createHash("sha256");
  for (const m of [...members].sort((a, b) => (a.id < b.id ? -1 : 1))) h.update(`${m.id}:${m.version}:${m.role_ids.join(",")}:${m.team_ids.join(",")};`);
  return `m${h.digest("base64url").slice(0, 22)}`;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

/** Resolves role or team references (IDs or names, case-insensitively) to IDs; unknown ones are refusals. */
function resolver<T extends { id: string; name: string }>(kind: "role" | "team", rows: T[], orgSlug: string) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const byName = new Map(rows.map((r) => [r.name.toLowerCase(), r]));
  const known = rows
    .map((r) => r.name)
    .sort()
    .slice(0, 20)
    .join(", ");
  return (refs: readonly string[], at: string, refusals: Refusals): T[] =>
    refs.flatMap((ref, j) => {
      const row = ref.startsWith(`${kind}_`) ? byId.get(ref) : byName.get(ref.toLowerCase());
      if (row) return [row];
      refusals.add(
        "validation_failed",
        `${at}/${j}`,
        ref.startsWith(`${kind}_`) ? `${kind} ${ref} is not a ${kind} of ${orgSlug}` : `no ${kind} named "${ref}" in ${orgSlug} (its ${kind}s: ${known})`,
      );
      return [];
    });
}

export interface InviteStep {
  index: number;
  entry: MemberSetEntry;
  roleIds: string[];
  teamIds: string[];
  permissions: Permission[];
}
export interface UpdateStep {
  index: number;
  member: MemberRow;
  roleIds?: string[];
  teamIds?: string[];
  permissions?: Permission[];
  changes: Record<string, [unknown, unknown]>;
}

export interface Planned {
  plan: MemberSetPlan;
  invites: InviteStep[];
  updates: UpdateStep[];
  removals: MemberRow[];
}

/**
 * The plan of `req` against `state`, checked as the apply would check it: every rule of the
 * per-member endpoints, decided on what the apply would change (an entry that already matches
 * does nothing, and is not refused), and max_removals. Throws the refusals, naming each entry.
 */
export function planMembers(req: MemberSetRequest, state: SetState, a: OrgAccess, callerAccountId: string, now: Date, quotaRemaining: number): Planned {
  const refusals = new Refusals();
  const roleOf = resolver("role", state.roles, a.org.slug);
  const teamOf = resolver("team", state.teams, a.org.slug);
  const byEmail = new Map(state.members.map((m) => [m.email.toLowerCase(), m]));
  const seen = new Map<string, number>();
  const invites: InviteStep[] = [];
  const updates: UpdateStep[] = [];
  let unchanged = 0;

  req.members.forEach((entry, i) => {
    const at = `/members/${i}`;
    const key = entry.email.toLowerCase();
    if (seen.has(key)) {
      refusals.add("validation_failed", `${at}/email`, `${entry.email} is listed already at /members/${seen.get(key)}`, "already_exists");
      return;
    }
    seen.set(key, i);
    const roles = entry.role_ids && roleOf(entry.role_ids, `${at}/role_ids`, refusals);
    const teams = entry.team_ids && teamOf(entry.team_ids, `${at}/team_ids`, refusals);
    const m = byEmail.get(key);
    if (!m) {
      const roleIds = roles ? roles.map((r) => r.id) : [a.org.default_role_id];
      if (!teams && !a.org.default_team_id)
        refusals.add("validation_failed", `${at}/team_ids`, "the organization has no default team any more: name the teams to join");
      const teamIds = teams ? teams.map((t) => t.id) : [a.org.default_team_id];
      const permissions = entry.permissions ?? [];
      const given = roles ?? state.roles.filter((r) => r.id === a.org.default_role_id);
      refusals.check(at, () => checkEscalation(a, permissions, given));
      invites.push({ index: i, entry, roleIds, teamIds, permissions });
      return;
    }
    const step: UpdateStep = { index: i, member: m, changes: {} };
    const acts: MemberAct[] = [];
    if (
      roles &&
      !sameSet(
        roles.map((r) => r.id),
        m.role_ids,
      )
    ) {
      step.roleIds = roles.map((r) => r.id);
      step.changes.role_ids = [m.role_ids, [...step.roleIds].sort()];
      acts.push("roles");
    }
    if (
      teams &&
      !sameSet(
        teams.map((t) => t.id),
        m.team_ids,
      )
    ) {
      step.teamIds = teams.map((t) => t.id);
      step.changes.team_ids = [m.team_ids, [...step.teamIds].sort()];
      acts.push("teams");
    }
    if (entry.permissions && !sameSet(entry.permissions, m.permissions)) {
      step.permissions = entry.permissions;
      step.changes.permissions = [m.permissions, entry.permissions];
      acts.push("permissions");
    }
    if (!acts.length) {
      unchanged++;
      return;
    }
    refusals.check(at, () => {
      mayActOn(a, m, callerAccountId, acts);
      // Only what is being added must be held by the caller; taking away is always allowed.
      checkEscalation(
        a,
        (step.permissions ?? []).filter((p) => !m.permissions.includes(p)),
        (roles ?? []).filter((r) => !m.role_ids.includes(r.id)),
      );
    });
    updates.push(step);
  });

  const undeclared = state.members.filter((m) => !seen.has(m.email.toLowerCase()) && !m.is_owner);
  const removals = req.prune ? undeclared : [];
  for (const m of removals) refusals.check(`/members`, () => mayActOn(a, m, callerAccountId, ["remove"]));
  if (invites.length || updates.length || removals.length) refusals.check("", () => authorize(a, "admin", "members"));
  const listed = (m: MemberRow) => ({ email: m.email, member_id: m.id, status: memberStatus(m, now) });
  if (req.max_removals !== undefined && removals.length > req.max_removals) {
    const names = removals.slice(0, 20).map((m) => m.email);
    refusals.add(
      "too_many_removals",
      "/max_removals",
      `the plan removes ${removals.length} members, more than max_removals (${req.max_removals}): ${names.join(", ")}${removals.length > 20 ? ", …" : ""}`,
    );
  }
  refusals.throwIfAny(`the membership of ${a.org.slug}`);
  return {
    invites,
    updates,
    removals,
    plan: {
      membership_version: membershipVersion(state.members),
      invite: invites.map((s) => ({
        pointer: `/members/${s.index}`,
        email: s.entry.email,
        role_ids: s.roleIds,
        team_ids: s.teamIds,
        permissions: s.permissions,
      })),
      update: updates.map((s) => ({ pointer: `/members/${s.index}`, email: s.member.email, member_id: s.member.id, changes: s.changes })),
      remove: removals.map(listed),
      unchanged,
      unmanaged: req.prune ? [] : undeclared.map(listed),
      invitations: { needed: invites.length, remaining: quotaRemaining },
    },
  };
}
