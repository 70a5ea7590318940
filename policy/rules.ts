// The orgs policy rules (`import { policies } from "orgs/policy"`), run by the pack in this
// directory (pack.ts) or by a team's own pack beside rules of its own. Each message names the
// resource, the property and the fix; each rule's enforcement level is the pack's default
// (mandatory) unless the policy config sets another ("advisory", "disabled").
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { emailDomain, holdsAdmin, inDomains, inputsOf, isOrgs, membersEntries, UNKNOWN } from "./resources";

/**
 * Reads `path` of the analyzer's properties again through @pulumi/policy's proxy, which throws
 * on the unknown value there: the engine then reports that the rule could not run during preview
 * (an advisory note), and `pulumi up`, where the value is known, checks it.
 */
function undecided(args: ResourceValidationArgs, path: (string | number)[]): never {
  const touch = (v: any): void => {
    if (v && typeof v === "object") for (const k of Object.keys(v)) touch(v[k]);
  };
  let v: any = args.props;
  for (const k of path) v = v?.[k];
  touch(v);
  throw new Error(`${path.join(".")} of ${args.name} is unknown during preview`);
}

const quote = (s: string) => JSON.stringify(s);
/** How a message names a resource: its class and its name in the program. */
const named = (type: string, name: string) => `${type.slice(type.lastIndexOf(":") + 1)} ${quote(name)}`;
const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export const noExternalAdmins: ResourceValidationPolicy = {
  name: "no-external-admins",
  description: "No one from outside the organization holds admin access.",
  configSchema: {
    properties: {
      domains: {
        type: "array",
        items: { type: "string" },
        description:
          "The company's email domains ('acme.example', or '*.acme.example' for its subdomains): a member with the ADMIN role outside them is external.",
      },
    },
  },
  validateResource: (args, report) => {
    const inputs = inputsOf(args.props);
    if (isOrgs(args.type, "ProjectAccess")) {
      if (inputs.account === undefined || inputs.account === null) return;
      const who = inputs.account === UNKNOWN ? "an outside account" : `the outside account ${inputs.account}`;
      return externalGrant(args, report, inputs, [], who, {
        level: `set level: "viewer", or invite the person as a member (orgs.Member) and grant the member instead.`,
        env: (env) => `set environmentRoles.${env} to "contributor" or "viewer" (or null).`,
      });
    }
    if (isOrgs(args.type, "ProjectAccessSet")) {
      const accounts = inputs.accounts;
      if (accounts === UNKNOWN) undecided(args, ["accounts"]);
      for (const [account, grant] of Object.entries((accounts as Record<string, unknown> | undefined) ?? {})) {
        const path = `accounts[${quote(account)}]`;
        if (grant === UNKNOWN) undecided(args, ["accounts", account]);
        externalGrant(args, report, grant as Record<string, unknown>, ["accounts", account], `the outside account ${account}`, {
          level: `set ${path}.level to "viewer", or invite the person as a member and grant them in members instead.`,
          env: (env) => `set ${path}.environmentRoles.${env} to "contributor" or "viewer" (or null).`,
        });
      }
      return;
    }
    const { domains } = args.getConfig<{ domains?: string[] }>();
    if (!domains?.length) return;
    for (const admin of admins(args)) {
      if (admin.email === UNKNOWN) undecided(args, ["email"]);
      if (!inDomains(admin.email, domains))
        report(
          `${named(args.type, args.name)}: ${admin.path} holds the ADMIN role for ${admin.email}, outside the company's domains (${domains.join(", ")}). ` +
            `Fix: take ADMIN out of ${admin.path}, or use the person's company address.`,
        );
    }
  },
};

/**
 * Reports a grant to an outside account (a ProjectAccess's, or an entry of a ProjectAccessSet's
 * `accounts` at `at`) that gives admin: its level, or an environment role.
 */
function externalGrant(
  args: ResourceValidationArgs,
  report: ReportViolation,
  grant: Record<string, unknown>,
  at: string[],
  who: string,
  fix: { level: string; env: (env: string) => string },
): void {
  // How a message names the property: level, or accounts["acct_…"].level in a set.
  const path = (...keys: string[]) => (at.length ? `${at[0]}[${quote(at[1]!)}].` : "") + keys.join(".");
  if (grant.level === UNKNOWN) undecided(args, [...at, "level"]);
  if (grant.level === "admin")
    report(`${named(args.type, args.name)}: ${path("level")} is "admin" for ${who} (account), who is not a member of the organization. Fix: ${fix.level}`);
  const envs = grant.environmentRoles;
  if (envs === UNKNOWN) undecided(args, [...at, "environmentRoles"]);
  for (const env of ["sandbox", "live"] as const) {
    const role = (envs as Record<string, unknown> | undefined)?.[env];
    if (role === UNKNOWN) undecided(args, [...at, "environmentRoles", env]);
    if (role === "admin")
      report(
        `${named(args.type, args.name)}: ${path("environmentRoles", env)} is "admin" for ${who}, who is not a member of the organization. Fix: ${fix.env(env)}`,
      );
  }
}

/** The ADMIN holders a Member or a Members set declares, with the property that makes each one. */
function admins(args: ResourceValidationArgs): { email: string | typeof UNKNOWN; path: string }[] {
  const inputs = inputsOf(args.props);
  if (isOrgs(args.type, "Member")) {
    const admin = holdsAdmin(inputs.roles);
    if (admin === UNKNOWN) undecided(args, ["roles"]);
    return admin ? [{ email: inputs.email as string | typeof UNKNOWN, path: "roles" }] : [];
  }
  if (isOrgs(args.type, "Members")) {
    const entries = membersEntries(inputs);
    if (entries === UNKNOWN) undecided(args, ["members"]);
    return entries.flatMap((e) => {
      const admin = holdsAdmin(e.roles);
      if (admin === UNKNOWN) undecided(args, ["members", e.email, "roles"]);
      return admin ? [{ email: e.email, path: `${e.path}.roles` }] : [];
    });
  }
  return [];
}

export const requireTwoFactor: ResourceValidationPolicy = {
  name: "require-two-factor",
  description: "Every organization requires two-factor authentication of its members.",
  validateResource: (args, report) => {
    if (!isOrgs(args.type, "Organization")) return;
    const { requireTwoFactor } = inputsOf(args.props);
    if (requireTwoFactor === UNKNOWN) undecided(args, ["requireTwoFactor"]);
    if (requireTwoFactor !== true)
      report(
        `${named(args.type, args.name)}: requireTwoFactor is ${requireTwoFactor === undefined ? "not set (false)" : JSON.stringify(requireTwoFactor)}. ` +
          `Fix: set requireTwoFactor: true (members without 2FA keep their membership but cannot act until they enrol).`,
      );
  },
};

export const allowedEmailDomains: ResourceValidationPolicy = {
  name: "allowed-email-domains",
  description: "Member emails belong to the company's domains.",
  configSchema: {
    properties: {
      domains: {
        type: "array",
        items: { type: "string" },
        description: "The domains member emails may have ('acme.example', or '*.acme.example' for its subdomains). Unset: the rule checks nothing.",
      },
    },
  },
  validateResource: (args, report) => {
    if (!isOrgs(args.type, "Member") && !isOrgs(args.type, "Members")) return;
    const { domains } = args.getConfig<{ domains?: string[] }>();
    if (!domains?.length) return args.notApplicable("no domains in the policy config (allowed-email-domains: { domains: [...] })");
    const inputs = inputsOf(args.props);
    const outside = (email: string) => !inDomains(email, domains);
    const fix = (email: string) => `Fix: use the person's address in ${domains.join(", ")}, or add ${emailDomain(email)} to domains in the policy config.`;
    if (isOrgs(args.type, "Member")) {
      if (inputs.email === UNKNOWN) undecided(args, ["email"]);
      const email = String(inputs.email);
      if (outside(email)) report(`${named(args.type, args.name)}: email ${email} is not in an allowed domain. ${fix(email)}`);
      return;
    }
    const entries = membersEntries(inputs);
    if (entries === UNKNOWN) undecided(args, ["members"]);
    for (const e of entries.filter((e) => outside(e.email))) report(`${named(args.type, args.name)}: ${e.path} is not in an allowed domain. ${fix(e.email)}`);
  },
};

export const noPruneWithoutGuard: ResourceValidationPolicy = {
  name: "no-prune-without-guard",
  description: "A Members set that prunes undeclared members also caps how many one run may remove.",
  validateResource: (args, report) => {
    if (!isOrgs(args.type, "Members")) return;
    const inputs = inputsOf(args.props);
    if (inputs.prune === UNKNOWN) undecided(args, ["prune"]);
    if (inputs.prune !== true) return;
    if (inputs.maxRemovals === UNKNOWN) undecided(args, ["maxRemovals"]);
    if (inputs.maxRemovals === undefined || inputs.maxRemovals === null)
      report(
        `${named(args.type, args.name)}: prune is true and maxRemovals is not set, so a truncated members file would remove everyone it lost in one run. ` +
          `Fix: set maxRemovals (e.g. maxRemovals: 5), or prune: false.`,
      );
  },
};

/** The organization a member resource belongs to in this stack: its Organization resource when the program declares it. */
function organizationOf(r: PolicyResource, orgsBySlug: ReadonlyMap<string, PolicyResource>): { key: string; label: string; urn?: string } {
  const declared = (r.propertyDependencies?.organization ?? []).find((d) => isOrgs(d.type, "Organization"));
  const inputs = inputsOf(r.props);
  const org = declared ?? (typeof inputs.organization === "string" ? orgsBySlug.get(inputs.organization.toLowerCase()) : undefined);
  if (org) return { key: org.urn, label: named(org.type, org.name), urn: org.urn };
  const ref = [inputs.organizationId, inputs.organization].find((v): v is string => typeof v === "string");
  return ref ? { key: ref.toLowerCase(), label: `organization ${ref}` } : { key: r.urn, label: `the organization of ${named(r.type, r.name)}` };
}

export const maxAdmins: StackValidationPolicy = {
  name: "max-admins",
  description: "An organization has at most maxAdmins members with the ADMIN role (the owner, implicit, is not counted).",
  configSchema: { properties: { maxAdmins: { type: "integer", minimum: 0, default: 5, description: "The most ADMIN holders one organization may have." } } },
  validateStack: (args, report: ReportViolation) => {
    const max = args.getConfig<{ maxAdmins?: number }>().maxAdmins ?? 5;
    const orgs = args.resources.filter((r) => isOrgs(r.type, "Organization"));
    const adminRoleIds = new Set(orgs.map((o) => inputsOf(o.props).adminRoleId).filter((v): v is string => typeof v === "string"));
    const orgsBySlug = new Map(orgs.flatMap((o) => stringList([inputsOf(o.props).slug]).map((s) => [s.toLowerCase(), o] as const)));
    const byOrg = new Map<string, { label: string; urn?: string; admins: string[]; lastUrn: string }>();
    for (const r of args.resources) {
      const inputs = inputsOf(r.props);
      const found: string[] = [];
      // An admin the preview cannot tell yet (a role given by an ID not known) is not counted: `up` sees it.
      if (isOrgs(r.type, "Member") && holdsAdmin(inputs.roles, adminRoleIds) === true) found.push(`${named(r.type, r.name)} (roles)`);
      if (isOrgs(r.type, "Members")) {
        const entries = membersEntries(inputs);
        if (entries !== UNKNOWN)
          for (const e of entries) if (holdsAdmin(e.roles, adminRoleIds) === true) found.push(`${named(r.type, r.name)} ${e.path}.roles`);
      }
      if (!found.length) continue;
      const org = organizationOf(r, orgsBySlug);
      const group = byOrg.get(org.key) ?? { label: org.label, urn: org.urn, admins: [], lastUrn: r.urn };
      group.admins.push(...found);
      group.lastUrn = r.urn;
      byOrg.set(org.key, group);
    }
    for (const g of byOrg.values()) g.admins.sort();
    for (const g of byOrg.values())
      if (g.admins.length > max)
        report(
          `${g.label} has ${g.admins.length} members with the ADMIN role, more than maxAdmins (${max}): ${g.admins.join(", ")}. ` +
            `Fix: take ADMIN out of the roles of ${g.admins.length - max} of them, or raise maxAdmins in the policy config (max-admins: { maxAdmins: N }).`,
          g.urn ?? g.lastUrn,
        );
  },
};

export const ownerTeamOnEveryProject: StackValidationPolicy = {
  name: "owner-team-on-every-project",
  description: 'Every project has an owner team: a ProjectAccess, or a ProjectAccessSet entry in teams, granting a team level "admin" on it.',
  validateStack: (args, report: ReportViolation) => {
    const owned = new Set<string>();
    for (const r of args.resources) {
      const inputs = inputsOf(r.props);
      const ownerTeam = isOrgs(r.type, "ProjectAccess")
        ? inputs.team !== undefined && inputs.team !== null && inputs.level === "admin"
        : isOrgs(r.type, "ProjectAccessSet") &&
          Object.values((inputs.teams as Record<string, unknown> | undefined) ?? {}).some((g) => (g as { level?: unknown } | null)?.level === "admin");
      if (!ownerTeam) continue;
      // A grant or a set names its project by the Project's id output (project: api.id): the engine records that as a dependency.
      for (const p of r.propertyDependencies?.project ?? []) owned.add(p.urn);
    }
    for (const p of args.resources.filter((r) => isOrgs(r.type, "Project") && !owned.has(r.urn)))
      report(
        `${named(p.type, p.name)} has no owner team: no ProjectAccess with a team at level "admin", nor a ProjectAccessSet with one in teams, names it in project. ` +
          `Fix: add new orgs.ProjectAccess("${p.name}-owners", { project: ${identifier(p.name)}.id, team: <team>.teamId, level: "admin" }).`,
        p.urn,
      );
  },
};

const identifier = (name: string) => name.replace(/[^A-Za-z0-9_$]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase()).replace(/^[^A-Za-z_$]/, "_$&");

/** The orgs rules, in the order the pack reports them. */
export const policies = [noExternalAdmins, requireTwoFactor, maxAdmins, allowedEmailDomains, ownerTeamOnEveryProject, noPruneWithoutGuard];

export { emailDomain, holdsAdmin, inDomains, inputsOf, isOrgs, membersEntries, orgsClass, orgsType, UNKNOWN } from "./resources";
export type { MembersEntry, OrgsResource, Unknown } from "./resources";
