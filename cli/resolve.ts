// Turning what people type (emails, role and team names, project names, property values) into what
// the API takes (IDs, typed values). Allowed values come from api/, never from a second list here.
import type { z } from "zod";
import type { Member, Project, Role, Team } from "../api/resources";
import { OrgsApiError } from "../client";
import type { Scope } from "./command";
import { UsageError } from "./errors";

/** A list flag's items once each (--permission=members,members), undefined when not given. */
export const unique = <T>(items: T[] | undefined): T[] | undefined => items && [...new Set(items)];

/** A member by email (case-insensitive, via ?email=) or by mem_ ID. */
export async function findMember(ctx: Scope, ref: string): Promise<Member> {
  const org = ctx.org();
  const c = ctx.client();
  if (ref.startsWith("mem_")) return (await c.call("getMember", { params: { org, member_id: ref } })).body;
  const { body } = await c.call("listMembers", { params: { org }, query: { email: ref } });
  const found = body.items.find((m) => m.email.toLowerCase() === ref.toLowerCase());
  if (!found) throw new OrgsApiError(404, "not_found", `no member or invitation for ${ref} in ${org}: see orgs organization:user:list --org ${org}`);
  return found;
}

async function byName<T extends { id: string; name: string }>(items: T[], ref: string, what: string, org: string, listCmd: string): Promise<T> {
  const found = items.find((i) => i.id === ref) ?? items.find((i) => i.name.toLowerCase() === ref.toLowerCase());
  if (!found) throw new OrgsApiError(404, "not_found", `no ${what} "${ref}" in ${org}: see orgs ${listCmd} --org ${org}`);
  return found;
}

export async function listRoles(ctx: Scope): Promise<Role[]> {
  return ctx.client().listAll("listRoles", { params: { org: ctx.org() } });
}

export async function listTeams(ctx: Scope): Promise<Team[]> {
  return ctx.client().listAll("listTeams", { params: { org: ctx.org() } });
}

/** A role by ID or name (case-insensitive). */
export async function findRole(ctx: Scope, ref: string, roles?: Role[]): Promise<Role> {
  return byName(roles ?? (await listRoles(ctx)), ref, "role", ctx.org(), "role:list");
}

export async function findTeam(ctx: Scope, ref: string, teams?: Team[]): Promise<Team> {
  return byName(teams ?? (await listTeams(ctx)), ref, "team", ctx.org(), "team:list");
}

/** Role IDs for a list of role names or IDs (one list call however many are named). */
export async function roleIds(ctx: Scope, refs: string[] | undefined): Promise<string[] | undefined> {
  if (!refs) return undefined;
  const roles = refs.every((r) => r.startsWith("role_")) ? [] : await listRoles(ctx);
  return Promise.all(refs.map(async (r) => (r.startsWith("role_") ? r : (await findRole(ctx, r, roles)).id)));
}

export async function teamIds(ctx: Scope, refs: string[] | undefined): Promise<string[] | undefined> {
  if (!refs) return undefined;
  const teams = refs.every((r) => r.startsWith("team_")) ? [] : await listTeams(ctx);
  return Promise.all(refs.map(async (r) => (r.startsWith("team_") ? r : (await findTeam(ctx, r, teams)).id)));
}

/** A project by prj_ ID, or by name within --org. */
export async function findProject(ctx: Scope, ref: string): Promise<Project> {
  const c = ctx.client();
  if (ref.startsWith("prj_")) return (await c.call("getProject", { params: { project_id: ref } })).body;
  const org = ctx.org();
  const { body } = await c.call("listProjects", { params: { org }, query: { name: ref } });
  const found = body.items.find((p) => p.name.toLowerCase() === ref.toLowerCase());
  if (!found) throw new OrgsApiError(404, "not_found", `no project "${ref}" in ${org}: see orgs project:list --org ${org}, or pass the prj_ ID`);
  return found;
}

/**
 * `property value` pairs for a PATCH/PUT body, typed by the API's request schema: "true"/"false" for
 * booleans, "null" or "" to clear a nullable field. Unknown properties and values the schema refuses
 * are usage errors, caught before any call.
 */
export function propertyPairs(schema: z.ZodObject, pairs: string[], what: string): Record<string, unknown> {
  if (pairs.length % 2)
    throw new UsageError(`missing a value for ${pairs[pairs.length - 1]}`, `give properties and values in pairs: property value [property value…]`);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < pairs.length; i += 2) {
    const [name, raw] = [pairs[i]!, pairs[i + 1]!];
    out[name] = propertyValue(schema, name, raw, what);
  }
  return out;
}

export function propertyValue(schema: z.ZodObject, name: string, raw: string, what: string): unknown {
  const field = schema.shape[name] as z.ZodType | undefined;
  if (!field) throw new UsageError(`${what} has no writable property "${name}"`, `writable: ${Object.keys(schema.shape).join(", ")}`);
  const candidates: unknown[] = [raw];
  if (raw === "" || raw === "null") candidates.unshift(null);
  try {
    candidates.push(JSON.parse(raw));
  } catch {
    // not JSON: the raw string is the only reading
  }
  for (const c of candidates) if (field.safeParse(c).success) return c;
  // The reading people meant is the plain string, so its complaint is the one worth showing.
  if (field.safeParse(true).success) throw new UsageError(`invalid value for ${name}: must be true or false, not "${raw}"`);
  const issue = field.safeParse(raw).error?.issues[0];
  throw new UsageError(`invalid value for ${name}: ${issue?.message ?? "not accepted"}`);
}
