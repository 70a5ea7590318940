// orgs resources as the engine hands them to a policy pack. An orgs resource's type token names
// its class in either provider mode: `pulumi-nodejs:dynamic/orgs:Member` from the dynamic provider
// (the SDK registers each class with the module "orgs" and its own name), `orgs:index:Member` from
// the plugin (orgs/plugin, and every Python, Go and YAML program). Its properties are the checked
// inputs for a resource policy and the outputs for a stack policy, without the dynamic provider's
// serialized provider (`__provider`: the engine marshals no "__" key to an analyzer), and a value a
// preview does not know yet is a sentinel string that @pulumi/policy's proxy turns into an
// exception on access. inputsOf copies the properties into plain data with UNKNOWN in those places,
// so a rule decides what an unknown value means for it. (test/policy.test.ts records what the
// engine sends, in both modes.)

/** The resources the rules look at, by class name (sdk/). Members and ProjectAccessSet are the authoritative sets. */
export type OrgsResource = "Organization" | "Project" | "Role" | "Team" | "Member" | "ProjectAccess" | "Members" | "ProjectAccessSet";

/** The type token the dynamic provider gives an orgs resource of this class (the plugin's is `orgs:index:<class>`: match with isOrgs). */
export const orgsType = (name: OrgsResource) => `pulumi-nodejs:dynamic/orgs:${name}`;

const DYNAMIC = "pulumi-nodejs:dynamic/orgs:";
const PLUGIN = "orgs:index:";

/** The orgs class of a type token, in either provider mode; undefined for anything else. */
export function orgsClass(type: string): string | undefined {
  if (type.startsWith(DYNAMIC)) return type.slice(DYNAMIC.length);
  if (type.startsWith(PLUGIN)) return type.slice(PLUGIN.length);
  return undefined;
}

/** Whether `type` is the orgs resource `name`, from the dynamic provider or from the plugin. */
export const isOrgs = (type: string, name: OrgsResource) => orgsClass(type) === name;

/** A value not known yet (during preview). */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

// The sentinels the engine's unknowns arrive as (pulumi/pulumi sdk/nodejs/runtime/rpc.ts and
// @pulumi/policy proxy.ts): whatever the property's type, the engine sends the string one.
const SENTINELS = new Set([
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

const isUnknownValueError = (e: unknown) => e instanceof Error && e.constructor.name === "UnknownValueError";

/**
 * The resource's properties as plain data: unknown values become UNKNOWN, secrets are already
 * plain (the analyzer unwraps them), and `__provider` is dropped should a harness pass it (the
 * engine does not).
 */
export function inputsOf(props: Record<string, unknown>): Record<string, unknown> {
  const out = plain(props) as Record<string, unknown>;
  delete out.__provider;
  return out;
}

function plain(v: unknown): unknown {
  if (typeof v === "string") return SENTINELS.has(v) ? UNKNOWN : v;
  if (v === null || typeof v !== "object") return v;
  const get = (o: any, k: string | number) => {
    try {
      return plain(o[k]);
    } catch (e) {
      // The proxy throws on reading an unknown value.
      if (isUnknownValueError(e)) return UNKNOWN;
      throw e;
    }
  };
  if (Array.isArray(v)) return Array.from({ length: v.length }, (_, i) => get(v, i));
  return Object.fromEntries(Object.keys(v).map((k) => [k, get(v, k)]));
}

/**
 * Whether `roles` (names or IDs, as Member and Members entries take them) holds the ADMIN role: by
 * its name (case-insensitively, as the provider resolves names) or by one of `adminRoleIds` (the
 * adminRoleId outputs of the stack's organizations). UNKNOWN when a role it cannot tell is unknown.
 */
export function holdsAdmin(roles: unknown, adminRoleIds: ReadonlySet<string> = new Set()): boolean | Unknown {
  if (roles === UNKNOWN) return UNKNOWN;
  if (!Array.isArray(roles)) return false;
  if (roles.some((r) => typeof r === "string" && (r.trim().toLowerCase() === "admin" || adminRoleIds.has(r)))) return true;
  return roles.includes(UNKNOWN) ? UNKNOWN : false;
}

/** The domain of an email, lowercased ("" when it has none). */
export const emailDomain = (email: string) => (email.includes("@") ? email.slice(email.lastIndexOf("@") + 1).toLowerCase() : "");

/** Whether `email` is in one of `domains`: "acme.example" is that domain, "*.acme.example" its subdomains. */
export function inDomains(email: string, domains: readonly string[]): boolean {
  const d = emailDomain(email);
  return domains.some((want) => {
    const w = want.trim().toLowerCase();
    return w.startsWith("*.") ? d.endsWith(w.slice(1)) : d === w;
  });
}

/** A Members entry: the set resource's `members` map holds one per email. */
export interface MembersEntry {
  email: string;
  roles: unknown;
  /** The property path of the entry, as `pulumi preview --diff` shows it: members["bob@acme.example"]. */
  path: string;
}

/** The entries of a Members set's `members` map (UNKNOWN when the whole map is unknown). */
export function membersEntries(inputs: Record<string, unknown>): MembersEntry[] | Unknown {
  const members = inputs.members;
  if (members === UNKNOWN) return UNKNOWN;
  if (!members || typeof members !== "object") return [];
  return Object.entries(members as Record<string, unknown>).map(([email, entry]) => ({
    email,
    roles: entry === UNKNOWN ? UNKNOWN : (entry as { roles?: unknown } | null)?.roles,
    path: `members[${JSON.stringify(email)}]`,
  }));
}
