// References the provider resolves: an organization named by ID or slug, and roles and teams
// named by ID or by name. How a program names an object is never a change in itself: only a
// reference that resolves to another object is. Resolution costs an API call, so it happens only
// when the reference's text differs from the state's (a no-op preview makes none), and its answers
// are kept for the host process, which lives for one engine run.
import { OrgsApiError } from "../client";
import { call, readOr404 } from "./call";
import { hasUnknown } from "./check";
import { ProviderError } from "./errors";

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

// Roles and teams by name ---------------------------------------------------------------------------

export type Named = "role" | "team";
interface Catalog {
  byName: Map<string, string>;
  byId: Map<string, string>;
}
const catalogs = new Map<string, Promise<Catalog>>();
const isIdOf = (kind: Named, ref: string) => ref.startsWith(`${kind}_`);

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

/**
 * The IDs that `refs` (IDs, or names compared case-insensitively) name in the organization. A name
 * not found is looked up once more in a fresh list (it may have been created since), then it is
 * an error naming the input and the names there are.
 */
export async function resolveNamed(kind: Named, org: string, refs: readonly string[], input: string): Promise<string[]> {
  if (refs.every((r) => isIdOf(kind, r))) return [...refs];
  let c = await catalog(kind, org);
  if (refs.some((r) => !isIdOf(kind, r) && !c.byName.has(r.toLowerCase()))) c = await catalog(kind, org, true);
  return refs.map((r, i) => {
    if (isIdOf(kind, r)) return r;
    const id = c.byName.get(r.toLowerCase());
    if (id === undefined) {
      const names = [...c.byId.values()].join(", ");
      throw new ProviderError(`${input}[${i}]: no ${kind} named "${r}" in ${org} (its ${kind}s: ${names || "none"}); create it, or correct the name`);
    }
    return id;
  });
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
 * The server's set of IDs written the way the program writes it: each declared reference that names
 * one of `ids` as declared, and the rest (added outside the program) by name when the program uses
 * names, else by ID. Only lists the organization's roles or teams when names are needed.
 */
export async function asDeclared(kind: Named, org: string, ids: readonly string[], declared: readonly string[] | undefined): Promise<string[]> {
  if (!declared || declared.every((r) => isIdOf(kind, r))) return [...ids];
  const c = await catalog(kind, org);
  const byId = new Map<string, string>();
  for (const ref of declared) {
    const id = isIdOf(kind, ref) ? ref : c.byName.get(ref.toLowerCase());
    if (id !== undefined) byId.set(id, ref);
  }
  return ids.map((id) => byId.get(id) ?? c.byId.get(id) ?? id);
}
