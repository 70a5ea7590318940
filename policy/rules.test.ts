// Each rule on the arguments @pulumi/policy hands a policy (its server.ts builds them so): the
// properties behind its unknown-checking proxy, unknown values as the engine's sentinel string,
// getConfig and notApplicable; a thrown UnknownValueError is what the pack reports as "can't run
// during preview". The engine's side (what the properties really are) is test/policy.test.ts.
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import { allowedEmailDomains, maxAdmins, noExternalAdmins, noPruneWithoutGuard, ownerTeamOnEveryProject, policies, requireTwoFactor } from "./rules";
import * as orgsPolicy from "./rules";
import { holdsAdmin, inDomains, inputsOf, isOrgs, orgsClass, orgsType, UNKNOWN, type OrgsResource } from "./resources";

/** What the engine sends for a value unknown during preview. */
const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PROVIDER = 'exports.handler = __f0; function __f0() { return require("orgs/dist/provider/shells/member"); }';

/** The type tokens of each provider mode: the dynamic provider's, and the plugin's (orgs/plugin, Python, Go, YAML). */
const TOKENS = { dynamic: orgsType, plugin: (cls: OrgsResource) => `orgs:index:${cls}` };
let tokenOf: (cls: OrgsResource) => string = TOKENS.dynamic;

interface Outcome {
  violations: string[];
  notApplicable?: string;
  /** The message of the UnknownValueError the rule ran into (the pack reports it as advisory). */
  unknown?: string;
}

function validate(policy: ResourceValidationPolicy, cls: OrgsResource, name: string, props: Record<string, unknown>, config: object = {}): Outcome {
  const out: Outcome = { violations: [] };
  const type = tokenOf(cls);
  const args = {
    type,
    name,
    urn: `urn:pulumi:dev::p::${type}::${name}`,
    props: unknownCheckingProxy({ __provider: PROVIDER, ...props }),
    getConfig: () => config,
    notApplicable: (reason?: string) => {
      throw Object.assign(new Error("not applicable"), { notApplicable: reason });
    },
  } as unknown as ResourceValidationArgs;
  try {
    for (const v of [policy.validateResource!].flat()) v(args, (message) => out.violations.push(message));
  } catch (e) {
    if (e instanceof UnknownValueError) out.unknown = (e as Error).message;
    else if ((e as { notApplicable?: string }).notApplicable) out.notApplicable = (e as { notApplicable: string }).notApplicable;
    else throw e;
  }
  return out;
}

type StackResource = { cls: OrgsResource; name: string; props: Record<string, unknown>; deps?: Record<string, string[]> };
function validateStack(policy: StackValidationPolicy, list: StackResource[], config: object = {}): { message: string; urn?: string }[] {
  const resources: PolicyResource[] = list.map(({ cls, name, props }) => {
    const type = tokenOf(cls);
    return {
      type,
      name,
      urn: `urn:pulumi:dev::p::${type}::${name}`,
      props: unknownCheckingProxy({ __provider: PROVIDER, ...props }),
      propertyDependencies: {},
    } as any;
  });
  list.forEach((r, i) => {
    for (const [k, names] of Object.entries(r.deps ?? {})) resources[i]!.propertyDependencies[k] = names.map((n) => resources.find((x) => x.name === n)!);
  });
  const out: { message: string; urn?: string }[] = [];
  policy.validateStack({ resources, getConfig: () => config } as any, (message, urn) => out.push({ message, urn }));
  return out;
}

describe("reading what the analyzer hands a rule", () => {
  it("drops __provider and turns unknowns (the sentinel, at any depth) into UNKNOWN", () => {
    const inputs = inputsOf(unknownCheckingProxy({ __provider: PROVIDER, email: "a@x.test", roles: ["ADMIN", U], environmentRoles: { live: U } }));
    expect(inputs).toEqual({ email: "a@x.test", roles: ["ADMIN", UNKNOWN], environmentRoles: { live: UNKNOWN } });
    expect(inputsOf({ organization: U })).toEqual({ organization: UNKNOWN });
  });
  it("tells ADMIN by name (any case) or by a known admin role ID, and says when it cannot tell", () => {
    expect(holdsAdmin(["Developer", "admin"])).toBe(true);
    expect(holdsAdmin(["role_1"], new Set(["role_1"]))).toBe(true);
    expect(holdsAdmin(["DEFAULT"])).toBe(false);
    expect(holdsAdmin(undefined)).toBe(false);
    expect(holdsAdmin(["DEFAULT", UNKNOWN])).toBe(UNKNOWN);
    expect(holdsAdmin(["ADMIN", UNKNOWN])).toBe(true);
  });
  it("knows an orgs resource by its type token in either provider mode, and nothing else", () => {
    expect(isOrgs("pulumi-nodejs:dynamic/orgs:Member", "Member")).toBe(true);
    expect(isOrgs("orgs:index:Member", "Member")).toBe(true);
    expect(isOrgs("orgs:index:Members", "Member")).toBe(false);
    expect(isOrgs("pulumi-nodejs:dynamic/other:Member", "Member")).toBe(false);
    expect(orgsClass("orgs:index:ProjectAccessSet")).toBe("ProjectAccessSet");
    expect(orgsClass("pulumi:providers:orgs")).toBeUndefined();
  });
  it("matches domains case-insensitively, subdomains only with *.", () => {
    expect(inDomains("Bob@ACME.example", ["acme.example"])).toBe(true);
    expect(inDomains("bob@eu.acme.example", ["acme.example"])).toBe(false);
    expect(inDomains("bob@eu.acme.example", ["*.acme.example"])).toBe(true);
    expect(inDomains("bob@evilacme.example", ["*.acme.example"])).toBe(false);
  });
  it("every rule has a unique name, a description and no enforcement level of its own (the pack's, or the config's)", () => {
    expect(new Set(policies.map((p) => p.name)).size).toBe(6);
    for (const p of policies) {
      expect(p.description).toBeTruthy();
      expect(p.enforcementLevel).toBeUndefined();
    }
  });
});

describe.each(["dynamic", "plugin"] as const)("the rules on the %s provider's type tokens", (mode) => {
  beforeAll(() => {
    tokenOf = TOKENS[mode];
    return () => {
      tokenOf = TOKENS.dynamic;
    };
  });

  describe("no-external-admins", () => {
    it('refuses an outside account with level "admin" or an admin environment role, naming resource, property and fix', () => {
      const r = validate(noExternalAdmins, "ProjectAccess", "contractor-api", {
        project: "prj_1",
        account: "acct_9",
        level: "admin",
        environmentRoles: { live: "admin" },
      });
      expect(r.violations).toEqual([
        expect.stringMatching(/^ProjectAccess "contractor-api": level is "admin" for the outside account acct_9 \(account\).*Fix: set level: "viewer"/),
        expect.stringMatching(/^ProjectAccess "contractor-api": environmentRoles.live is "admin" .*Fix: set environmentRoles.live to "contributor"/),
      ]);
    });
    it("lets an outside viewer, and a member's or a team's admin grant, through", () => {
      expect(
        validate(noExternalAdmins, "ProjectAccess", "g", { project: "prj_1", account: "acct_9", level: "viewer", environmentRoles: { sandbox: "contributor" } })
          .violations,
      ).toEqual([]);
      expect(validate(noExternalAdmins, "ProjectAccess", "g", { project: "prj_1", member: "mem_1", level: "admin" }).violations).toEqual([]);
      expect(validate(noExternalAdmins, "ProjectAccess", "g", { project: U, team: U, level: "admin" })).toEqual({ violations: [] });
    });
    it("refuses the same in a ProjectAccessSet's accounts, entry by entry, and lets its viewers through", () => {
      const r = validate(noExternalAdmins, "ProjectAccessSet", "web-access", {
        project: "prj_1",
        teams: { Platform: { level: "admin" } },
        accounts: { acct_9: { level: "admin" }, acct_8: { level: "viewer", environmentRoles: { sandbox: "admin" } }, acct_7: { level: "viewer" } },
      });
      expect(r.violations).toEqual([
        expect.stringMatching(
          /^ProjectAccessSet "web-access": accounts\["acct_9"\]\.level is "admin" for the outside account acct_9 \(account\).*Fix: set accounts\["acct_9"\]\.level to "viewer"/,
        ),
        expect.stringMatching(
          /^ProjectAccessSet "web-access": accounts\["acct_8"\]\.environmentRoles\.sandbox is "admin" .*Fix: set accounts\["acct_8"\]\.environmentRoles\.sandbox to "contributor"/,
        ),
      ]);
      expect(validate(noExternalAdmins, "ProjectAccessSet", "s", { project: "prj_1", members: { "a@x.test": { level: "admin" } } }).violations).toEqual([]);
      expect(validate(noExternalAdmins, "ProjectAccessSet", "s", { project: "prj_1", accounts: { acct_9: { level: U } } }).unknown).toMatch(/level/);
    });
    it("with the company's domains: an ADMIN member or Members entry outside them", () => {
      const config = { domains: ["acme.example"] };
      expect(validate(noExternalAdmins, "Member", "eve", { organization: U, email: "eve@gmail.test", roles: ["ADMIN"] }, config).violations).toEqual([
        expect.stringMatching(
          /^Member "eve": roles holds the ADMIN role for eve@gmail.test, outside the company's domains \(acme.example\)\. Fix: take ADMIN out of roles/,
        ),
      ]);
      expect(validate(noExternalAdmins, "Member", "ann", { email: "ann@acme.example", roles: ["ADMIN"] }, config).violations).toEqual([]);
      expect(validate(noExternalAdmins, "Member", "eve", { email: "eve@gmail.test", roles: ["DEFAULT"] }, config).violations).toEqual([]);
      // Without domains the rule cannot tell who is external among members.
      expect(validate(noExternalAdmins, "Member", "eve", { email: "eve@gmail.test", roles: ["ADMIN"] }).violations).toEqual([]);
      const set = validate(
        noExternalAdmins,
        "Members",
        "people",
        { organization: "acme", members: { "ann@acme.example": { roles: ["ADMIN"] }, "eve@gmail.test": { roles: ["admin"] } } },
        config,
      );
      expect(set.violations).toEqual([expect.stringMatching(/^Members "people": members\["eve@gmail.test"\]\.roles holds the ADMIN role/)]);
    });
    it("an admin level unknown in preview is reported as not checkable (advisory), not passed", () => {
      expect(validate(noExternalAdmins, "ProjectAccess", "g", { project: "prj_1", account: "acct_9", level: U }).unknown).toMatch(
        /\.level can't be known during preview/,
      );
      expect(validate(noExternalAdmins, "Member", "x", { email: "x@y.test", roles: [U] }, { domains: ["acme.example"] }).unknown).toMatch(/roles/);
    });
  });

  describe("require-two-factor", () => {
    it("refuses an organization without requireTwoFactor: true", () => {
      expect(validate(requireTwoFactor, "Organization", "acme", { slug: "acme", name: "Acme", region: "eu" }).violations).toEqual([
        expect.stringMatching(/^Organization "acme": requireTwoFactor is not set \(false\)\. Fix: set requireTwoFactor: true/),
      ]);
      expect(validate(requireTwoFactor, "Organization", "acme", { slug: "acme", requireTwoFactor: false }).violations[0]).toMatch(/requireTwoFactor is false/);
      expect(validate(requireTwoFactor, "Organization", "acme", { slug: U, requireTwoFactor: true })).toEqual({ violations: [] });
      expect(validate(requireTwoFactor, "Member", "a", { email: "a@b.test" })).toEqual({ violations: [] });
    });
  });

  describe("allowed-email-domains", () => {
    const config = { domains: ["acme.example", "*.acme.example"] };
    it("refuses a member, or Members entries, outside the configured domains", () => {
      expect(validate(allowedEmailDomains, "Member", "bob", { organization: U, email: "bob@gmail.test" }, config).violations).toEqual([
        expect.stringMatching(
          /^Member "bob": email bob@gmail.test is not in an allowed domain\. Fix: use the person's address in acme.example, \*.acme.example, or add gmail.test to domains/,
        ),
      ]);
      expect(validate(allowedEmailDomains, "Member", "ann", { email: "ann@eu.acme.example" }, config).violations).toEqual([]);
      const set = validate(allowedEmailDomains, "Members", "people", { members: { "ann@acme.example": {}, "bob@gmail.test": { roles: U } } }, config);
      expect(set.violations).toEqual([expect.stringMatching(/^Members "people": members\["bob@gmail.test"\] is not in an allowed domain/)]);
    });
    it("is not applicable without domains in the config", () => {
      expect(validate(allowedEmailDomains, "Member", "bob", { email: "bob@gmail.test" }).notApplicable).toMatch(/no domains in the policy config/);
    });
  });

  describe("no-prune-without-guard", () => {
    const members = { "ann@acme.example": { roles: ["DEFAULT"], teams: ["My Team"], permissions: [] } };
    it("refuses a Members set with prune and no maxRemovals", () => {
      expect(validate(noPruneWithoutGuard, "Members", "people", { organization: "acme", members, prune: true }).violations).toEqual([
        expect.stringMatching(/^Members "people": prune is true and maxRemovals is not set.*Fix: set maxRemovals \(e.g. maxRemovals: 5\), or prune: false\./),
      ]);
    });
    it("lets prune with maxRemovals, or no prune, through", () => {
      expect(validate(noPruneWithoutGuard, "Members", "people", { organization: "acme", members, prune: true, maxRemovals: 3 }).violations).toEqual([]);
      expect(validate(noPruneWithoutGuard, "Members", "people", { organization: "acme", members, prune: true, maxRemovals: 0 }).violations).toEqual([]);
      expect(validate(noPruneWithoutGuard, "Members", "people", { organization: U, members: U }).violations).toEqual([]);
    });
  });

  describe("max-admins", () => {
    const org = { cls: "Organization", name: "acme", props: { slug: "acme", adminRoleId: "role_admin" } } as const;
    const member = (name: string, roles: unknown, extra: Record<string, unknown> = {}): StackResource => ({
      cls: "Member",
      name,
      props: { organization: "org_1", email: `${name}@acme.example`, roles, ...extra },
      deps: { organization: ["acme"] },
    });
    it("counts ADMIN holders per organization, by name and by the organization's admin role ID, across Member and Members", () => {
      const found = validateStack(
        maxAdmins,
        [
          org,
          member("a", ["ADMIN"]),
          member("b", ["role_admin"]),
          member("c", ["DEFAULT"]),
          { cls: "Members", name: "people", props: { organization: "acme", members: { "d@acme.example": { roles: ["admin"] } } } },
        ],
        { maxAdmins: 2 },
      );
      expect(found).toEqual([
        {
          message: expect.stringMatching(
            /^Organization "acme" has 3 members with the ADMIN role, more than maxAdmins \(2\): Member "a" \(roles\), Member "b" \(roles\), Members "people" members\["d@acme.example"\]\.roles\. Fix: take ADMIN out of the roles of 1 of them, or raise maxAdmins/,
          ),
          urn: expect.stringContaining("Organization::acme"),
        },
      ]);
      expect(validateStack(maxAdmins, [org, member("a", ["ADMIN"]), member("b", ["ADMIN"])], { maxAdmins: 2 })).toEqual([]);
    });
    it("keeps organizations apart, defaults to 5, and does not count what the preview cannot tell", () => {
      const six = Array.from({ length: 6 }, (_, i) => member(`m${i}`, ["ADMIN"], { organization: i % 2 ? "other" : "org_1" }));
      for (const m of six) if (m.props.organization === "other") delete m.deps;
      expect(validateStack(maxAdmins, [org, ...six], { maxAdmins: 2 }).map((v) => v.message.split(" has ")[0])).toEqual([
        'Organization "acme"',
        "organization other",
      ]);
      expect(validateStack(maxAdmins, [org, ...six])).toEqual([]);
      expect(
        validateStack(maxAdmins, [org, ...six.map((m) => ({ ...m, props: { ...m.props, organization: "org_1" }, deps: { organization: ["acme"] } }))]),
      ).toHaveLength(1);
      expect(validateStack(maxAdmins, [org, member("a", [U]), member("b", ["ADMIN"])], { maxAdmins: 1 })).toEqual([]);
    });
  });

  describe("owner-team-on-every-project", () => {
    it("wants a team admin grant on every project of the stack", () => {
      const found = validateStack(ownerTeamOnEveryProject, [
        { cls: "Project", name: "api", props: { organization: "acme", name: "api" } },
        { cls: "Project", name: "web-site", props: { organization: "acme", name: "web" } },
        { cls: "Project", name: "docs", props: { organization: "acme", name: "docs" } },
        { cls: "ProjectAccess", name: "platform-api", props: { project: U, team: U, level: "admin" }, deps: { project: ["api"] } },
        { cls: "ProjectAccess", name: "viewers-web", props: { project: "prj_w", team: "team_1", level: "viewer" }, deps: { project: ["web-site"] } },
        { cls: "ProjectAccess", name: "ann-docs", props: { project: "prj_d", member: "mem_1", level: "admin" }, deps: { project: ["docs"] } },
      ]);
      expect(found.map((f) => f.message)).toEqual([
        expect.stringMatching(
          /^Project "web-site" has no owner team: .*Fix: add new orgs.ProjectAccess\("web-site-owners", \{ project: webSite.id, team: <team>.teamId, level: "admin" \}\)/,
        ),
        expect.stringMatching(/^Project "docs" has no owner team/),
      ]);
      expect(found[0]!.urn).toContain("Project::web-site");
    });
    it("counts a ProjectAccessSet with a team at admin in teams as the project's owner team", () => {
      const found = validateStack(ownerTeamOnEveryProject, [
        { cls: "Project", name: "api", props: { organization: "acme", name: "api" } },
        { cls: "Project", name: "web", props: { organization: "acme", name: "web" } },
        { cls: "ProjectAccessSet", name: "api-access", props: { project: U, teams: { Platform: { level: "admin" } } }, deps: { project: ["api"] } },
        {
          cls: "ProjectAccessSet",
          name: "web-access",
          props: { project: U, teams: { Frontend: { level: "viewer" } }, members: { "a@x.test": { level: "admin" } } },
          deps: { project: ["web"] },
        },
      ]);
      expect(found.map((f) => f.message)).toEqual([expect.stringMatching(/^Project "web" has no owner team/)]);
    });
  });
});

describe("a rule of one's own (the README's example)", () => {
  it("reads orgs resources with the exported helpers", () => {
    const mod = orgsPolicy;
    const noBillingByHand: ResourceValidationPolicy = {
      name: "no-direct-billing",
      description: "Billing comes with the Finance role, never as a direct permission.",
      validateResource: (args, report) => {
        if (!mod.isOrgs(args.type, "Member")) return;
        const { permissions } = mod.inputsOf(args.props);
        if (Array.isArray(permissions) && permissions.includes("billing"))
          report(`Member "${args.name}": permissions holds billing. Fix: give the person the Finance role instead.`);
      },
    };
    expect(validate(noBillingByHand, "Member", "fatima", { email: "f@acme.example", permissions: ["billing", U] }).violations).toEqual([
      'Member "fatima": permissions holds billing. Fix: give the person the Finance role instead.',
    ]);
    expect([...mod.policies, noBillingByHand]).toHaveLength(7);
  });
});
