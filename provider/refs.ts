// References the provider resolves: an organization named by ID or slug, and roles and teams
// named by ID or by name. How a program names an object is never a change in itself: only a
// reference that resolves to another object is. Resolution costs an API call, so it happens only
// when the reference's text differs from the state's (a no-op preview makes none), and its answers
// are kept for the host process, which lives for one engine run.
import { OrgsApiError } from "../client";
import { call, readOr404 } from "./call";
import { hasUnknown, type Failure } from "./check";
import { ProviderError } from "./errors";
import { inDeclaredOrder } from "./state";

export const isOrgId = (ref: string) => ref.startsWith("org_");

const orgIds = new Map<string, Promise<string | undefined>>();

/** The ID of the organization `ref` (an ID or a slug) names, or undefined when the token cannot see one. */
export function orgIdOf(ref: string): Promise<string | undefined> {
  if (isOrgId(ref)) return Promise.resolve(ref);
  let id = orgIds.get(ref);
  if (!id) {
    id = readOr404("getOrganization", { params: { org: ref } }, `organization ${ref}`).then((r) => (OrgsApiError.isInstance(r) ? undefined : r.body.id));
    // Only answers are kept: a slug not found may be the one this run renames an organization to.
    id.then(
      (found) => {
        if (found === undefined) orgIds.delete(ref);
      },
      () => orgIds.delete(ref),
    );
    orgIds.set(ref, id);
  }
  return id;
}

/** Forgets resolved slugs (after this run renamed an organization). */
export function forgetOrgSlugs(): void {
  orgIds.clear();
}

/**
 * How the declared organization reference `next` relates to the state: "same" organization (the
 * same text, its ID, or a slug that resolves to it), "other", or "unknown": not known during a
 * preview, or a slug no organization visible to the token has (yet: this run may be renaming its
 * organization to it, which a preview has not done). An unknown reference plans an update, never
 * a replacement; the update checks it again (sameOrganization) and fails if it is not the same.
 */
export async function orgChange(state: { organization?: unknown; organizationId?: unknown }, next: unknown): Promise<"same" | "other" | "unknown"> {
  if (hasUnknown(next)) return "unknown";
  if (next === state.organization || next === state.organizationId) return "same";
  const ref = String(next);
  if (isOrgId(ref)) return "other";
  const id = await orgIdOf(ref);
  if (id === undefined) return "unknown";
  return id === state.organizationId ? "same" : "other";
}

/** In an update: `next` must still name the state's organization (a move needs a replacement). */
export async function sameOrganization(state: { organization?: unknown; organizationId?: string }, next: string, what: string): Promise<void> {
  if (next === state.organization || next === state.organizationId) return;
  forgetOrgSlugs();
  const id = await orgIdOf(next);
  if (id === undefined)
    throw new ProviderError(`${what}: organization ${next} is not visible to this token: check the slug, and that the token's account is a member`);
  if (id !== state.organizationId) {
    throw new ProviderError(
      `${what}: organization ${next} is another organization than ${state.organizationId}, which needs a replacement: run pulumi up again`,
    );
  }
}

/** The organization's slug, for messages (its ID when the token cannot read it). */
export async function orgLabel(org: string): Promise<string> {
  if (!isOrgId(org)) return org;
  try {
    const r = await readOr404("getOrganization", { params: { org } }, `organization ${org}`);
    return OrgsApiError.isInstance(r) ? org : r.body.slug;
  } catch {
    return org;
  }
}

// Roles, teams and members by reference ----------------------------------------------------------------
//
// A reference is the resource's own ID (org_…/team_…, what `team.id` gives and what a Pulumi user
// writes first), the bare ID (team_…, `team.teamId`), or the name (a member's: its email).

export type Named = "role" | "team";
export type Referenced = Named | "member";
const PREFIX: Record<Referenced, string> = { role: "role_", team: "team_", member: "mem_" };

/** The bare ID `ref` holds when it is an ID of `kind` (bare or the resource's org_…/<id>), with the organization the latter names. */
export function idIn(kind: Referenced, ref: string): { id: string; org?: string } | undefined {
  const slash = ref.indexOf("/");
  if (ref.startsWith("org_") && slash > 0) {
    const id = ref.slice(slash + 1);
    return id.startsWith(PREFIX[kind]) ? { id, org: ref.slice(0, slash) } : undefined;
  }
  return ref.startsWith(PREFIX[kind]) ? { id: ref } : undefined;
}
const isIdOf = (kind: Referenced, ref: string) => idIn(kind, ref) !== undefined;

interface Catalog {
  byName: Map<string, string>;
  byId: Map<string, string>;
}
const catalogs = new Map<string, Promise<Catalog>>();

function catalog(kind: Named, org: string, fresh = false): Promise<Catalog> {
  const key = `${kind}:${org}`;
  let c = catalogs.get(key);
  if (!c || fresh) {
    const op = kind === "role" ? "listRoles" : "listTeams";
    c = (async () => {
      const byName = new Map<string, string>(),
        byId = new Map<string, string>();
      // Up to 250 teams per organization: a few pages at most.
      let cursor: string | undefined;
      do {
        const { body } = await call(op, { params: { org }, query: { limit: 100, cursor } }, `the ${kind}s of ${org}`);
        for (const x of body.items) {
          byName.set(x.name.toLowerCase(), x.id);
          byId.set(x.id, x.name);
        }
        cursor = body.next_cursor ?? undefined;
      } while (cursor);
      return { byName, byId };
    })();
    c.catch(() => catalogs.delete(key));
    catalogs.set(key, c);
  }
  return c;
}

/** Forgets what is known of an organization's roles or teams (after this run changed one). */
export function forgetCatalog(kind: Named, org: string): void {
  catalogs.delete(`${kind}:${org}`);
}

// Names this run's plan makes: a Role or Team checked in this engine run with a name the server does
// not have yet (created, or renamed to it). A reference to one is not refused at preview, where
// the Role or Team has not been made yet; `up` resolves it once it has.
const planned = new Set<string>();

/** Records that this run declares a role or team named `name` in the organization `org` (an ID or a slug). */
export function planName(kind: Named, org: string, name: string): void {
  planned.add(`${kind}:${org}:${name.toLowerCase()}`);
}
const isPlanned = (kind: Named, orgs: readonly string[], name: string) => orgs.some((o) => planned.has(`${kind}:${o}:${name.toLowerCase()}`));

/** Why a reference is refused: the organization named by slug, and what to do. */
async function refusal(kind: Referenced, org: string, ref: string, known?: Iterable<string>): Promise<string> {
  const slug = await orgLabel(org);
  const other = idIn(kind, ref)?.org;
  if (other !== undefined) return `${ref} is a ${kind} of another organization (${await orgLabel(other)}), not of ${slug}: name a ${kind} of ${slug}`;
  const what = kind === "member" ? `no member with email ${ref}` : `no ${kind} named "${ref}"`;
  const list = known ? ` (its ${kind}s: ${[...known].join(", ") || "none"})` : "";
  const advice =
    kind === "member"
      ? "invite them with a Member resource (and reference it as member.id), or correct the email"
      : `create it, or correct the name; a ${kind} this program creates or renames is best referenced by its resource (${kind}.id), so that this waits for it`;
  return `${what} in ${slug}${list}: ${advice}`;
}

/**
 * The IDs that `refs` (resource IDs, bare IDs, or names compared case-insensitively) name in the
 * organization `org` (an ID). A name not found is looked up once more in a fresh list (it may
 * have been created since), then it is an error naming the input's place, the organization by
 * slug, and the names there are.
 */
export async function resolveNamed(kind: Named, org: string, refs: readonly string[], input: string): Promise<string[]> {
  const failures = await refFailures(kind, org, refs, () => false);
  if (failures.length) throw new ProviderError(`${input}[${failures[0]!.index}]: ${failures[0]!.reason}`);
  const c = refs.every((r) => isIdOf(kind, r)) ? undefined : await catalog(kind, org);
  return refs.map((r) => idIn(kind, r)?.id ?? c!.byName.get(r.toLowerCase())!);
}

/** Each reference of `refs` that names nothing in `org` (and is not `excused`), with its index and why. */
async function refFailures(kind: Named, org: string, refs: readonly string[], excused: (name: string) => boolean) {
  const failures: { index: number; reason: string }[] = [];
  let c: Catalog | undefined;
  let fresh = false;
  for (const [index, r] of refs.entries()) {
    const given = idIn(kind, r);
    if (given) {
      if (given.org !== undefined && given.org !== org) failures.push({ index, reason: await refusal(kind, org, r) });
      continue;
    }
    if (excused(r)) continue;
    c ??= await catalog(kind, org);
    if (!c.byName.has(r.toLowerCase()) && !fresh) {
      c = await catalog(kind, org, true);
      fresh = true;
    }
    if (!c.byName.has(r.toLowerCase())) failures.push({ index, reason: await refusal(kind, org, r, c.byId.values()) });
  }
  return failures;
}

/** Like resolveNamed, but undefined when a name is not found (yet: the run may create it). */
export async function tryResolveNamed(kind: Named, org: string, refs: readonly string[]): Promise<string[] | undefined> {
  try {
    return await resolveNamed(kind, org, refs, kind);
  } catch (e) {
    if (ProviderError.isInstance(e) && !e.api) return undefined;
    throw e;
  }
}

/**
 * check()'s part for references: the failures of `refs` in the organization `org` (an ID), by
 * property path; a name this run's plan makes (a Role or Team checked earlier in the run) is not
 * refused. `orgRef` is the organization as declared.
 */
export async function namedFailures(kind: Named, org: string, orgRef: string, refs: readonly string[], input: string): Promise<Failure[]> {
  // A value not known yet (preview) is checked when it is.
  const failures = await refFailures(kind, org, refs, (name) => hasUnknown(name) || isPlanned(kind, [org, orgRef], name));
  return failures.map((f) => ({ path: [input, f.index], reason: f.reason }));
}

/** The member ID that `ref` (a resource ID, a bare ID, or an email) names in `org`; an error when there is none. */
export async function resolveMember(org: string, ref: string, place: string): Promise<string> {
  const given = idIn("member", ref);
  if (given) {
    if (given.org !== undefined && given.org !== org) throw new ProviderError(`${place}: ${await refusal("member", org, ref)}`);
    return given.id;
  }
  const { body } = await call("listMembers", { params: { org }, query: { email: ref } }, `member ${ref} of ${org}`);
  const m = body.items.find((x) => x.email.toLowerCase() === ref.toLowerCase());
  if (!m) throw new ProviderError(`${place}: ${await refusal("member", org, ref)}`);
  return m.id;
}

/** A grant's principal reference as the ID the API takes, in the organization `org` (an ID). */
export function resolvePrincipal(kind: Referenced, org: string, ref: string, place: string): Promise<string> {
  if (kind === "member") return resolveMember(org, ref, place);
  return resolveNamed(kind, org, [ref], place).then(([id]) => id!);
}

/**
 * The server's set of IDs written the way the program writes it: each declared reference that names
 * one of `ids` as declared, and the rest (added outside the program) by name when the program uses
 * names, else by ID. When the set is the declared one, the declared order is kept (the server
 * lists by ID), so a refresh never shows order as a change. Only lists the organization's roles or
 * teams when names are needed.
 */
export async function asDeclared(kind: Named, org: string, ids: readonly string[], declared: readonly string[] | undefined): Promise<string[]> {
  if (!declared) return [...ids];
  const byId = new Map<string, string>();
  const c = declared.every((r) => isIdOf(kind, r)) ? undefined : await catalog(kind, org);
  for (const ref of declared) {
    const id = idIn(kind, ref)?.id ?? c?.byName.get(ref.toLowerCase());
    if (id !== undefined) byId.set(id, ref);
  }
  const written = ids.map((id) => byId.get(id) ?? c?.byId.get(id) ?? id);
  return inDeclaredOrder(written, declared);
}
