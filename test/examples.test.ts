// The example programs, run under pulumi.runtime.setMocks: which resources they declare, with what
// inputs, and what depends on what. The mock engine answers every registration with the inputs plus
// made-up outputs (IDs shaped like the server's), so references between resources resolve.
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { PULUMI_RESOURCES } from "../api/pulumi";
import { MembersFileError, parseMembers } from "../examples/gitops/members";

const ROOT = join(__dirname, "..");
const PROJECT = "examples";

interface Registered {
  kind: string;
  name: string;
  inputs: Record<string, any>;
  /** Names of the resources this one depends on. */
  deps: string[];
}

/** The resource kind from a type token: orgs:index:Member, pulumi-nodejs:dynamic/orgs:Member, … */
const kindOf = (type: string) => type.split(":").pop()!;
const nameOfUrn = (urn: string) => urn.split("::").pop()!;

/** Outputs the server would add on create, shaped like its IDs. */
function fakeOutputs(kind: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, unknown> } {
  const org = inputs.organization;
  switch (kind) {
    case "Organization":
      return {
        id: `org_${name}`,
        state: {
          ownerAccountId: "acct_owner",
          ownerMemberId: `mem_owner${name}`,
          defaultTeamId: `team_default${name}`,
          defaultRoleId: `role_default${name}`,
          adminRoleId: `role_admin${name}`,
          version: 1,
        },
      };
    case "Project":
      return {
        id: `prj_${name}`,
        state: { organizationId: org, sandboxEnvironmentId: `env_sandbox${name}`, liveEnvironmentId: `env_live${name}`, version: 1 },
      };
    case "Role":
      return { id: `${org}/role_${name}`, state: { organizationId: org, roleId: `role_${name}`, version: 1 } };
    case "Team":
      return { id: `${org}/team_${name}`, state: { organizationId: org, teamId: `team_${name}`, version: 1 } };
    case "Member": {
      const key = name.replace(/[^a-z0-9]/gi, "");
      return {
        id: `${org}/mem_${key}`,
        state: {
          organizationId: org,
          memberId: `mem_${key}`,
          status: "invited",
          accountId: null,
          invitationExpiresAt: "2030-01-01T00:00:00Z",
          isOwner: false,
          version: 1,
        },
      };
    }
    case "ProjectAccess": {
      const type = (["member", "role", "team", "account"] as const).find((k) => inputs[k] !== undefined)!;
      return { id: `${inputs.project}/${type}s/${inputs[type]}`, state: { principalType: `${type}s`, principalId: inputs[type], external: false, version: 1 } };
    }
    case "Members": {
      const members = Object.fromEntries(
        Object.entries(inputs.members as Record<string, object>).map(([email, e]) => [
          email,
          { ...e, id: `mem_${email.replace(/[^a-z0-9]/gi, "")}`, status: "invited" },
        ]),
      );
      return { id: `${org}/members`, state: { members, organizationId: org, unmanaged: [], membershipVersion: "m1" } };
    }
    case "ProjectAccessSet":
      return { id: `${inputs.project}/access`, state: { organizationId: "org_1", unmanaged: [], accessVersion: "a1" } };
    default:
      throw new Error(`the examples declared an unexpected resource type ${kind} (${name})`);
  }
}

/** Runs a program module under mocks; returns its resources by name and its exports, resolved. */
async function runProgram(load: () => Promise<Record<string, unknown>>, config: Record<string, string> = {}) {
  const resources = new Map<string, Registered>();
  const deps = new Map<string, string[]>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const kind = kindOf(args.type);
        const { __provider, ...inputs } = args.inputs as Record<string, unknown>;
        const { id, state } = fakeOutputs(kind, args.name, inputs);
        resources.set(args.name, { kind, name: args.name, inputs, deps: [] });
        return { id, state: { ...inputs, ...state } };
      },
      call: () => ({}),
    },
    PROJECT,
    "test",
    false,
  );
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v])));
  // The mocks see no dependencies; the registration requests carry them.
  const monitor = settings.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: any) => {
    deps.set(req.getName(), [...req.getDependenciesList()].map(nameOfUrn));
    return register(req, cb);
  };
  vi.resetModules();
  const exported = await load();
  const values = Object.fromEntries(
    await Promise.all(
      Object.entries(exported).map(async ([k, v]) => [k, await new Promise((resolve) => pulumi.output(v as pulumi.Input<any>).apply(resolve))]),
    ),
  );
  // Internal (not in the .d.ts), but the one way to know every registration has finished.
  await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  for (const [name, r] of resources) r.deps = deps.get(name) ?? [];
  return { resources, exports: values as Record<string, any> };
}

const ofKind = (rs: Map<string, Registered>, kind: string) => [...rs.values()].filter((r) => r.kind === kind);
const get = (rs: Map<string, Registered>, name: string) => {
  const r = rs.get(name);
  if (!r) throw new Error(`no resource named ${name}; have ${[...rs.keys()].join(", ")}`);
  return r;
};

/** Each resource's inputs must be what the provider's check() accepts. */
function expectValidInputs(rs: Map<string, Registered>) {
  for (const r of rs.values()) {
    const spec = PULUMI_RESOURCES[`orgs:index:${r.kind}` as keyof typeof PULUMI_RESOURCES];
    const defined = Object.fromEntries(Object.entries(r.inputs).filter(([, v]) => v !== undefined));
    const res = spec.inputs.safeParse(defined);
    expect(res.success ? [] : res.error.issues, `${r.kind} ${r.name}`).toEqual([]);
  }
}

describe("quickstart", () => {
  let rs: Map<string, Registered>;
  let out: Record<string, any>;
  beforeAll(async () => {
    ({ resources: rs, exports: out } = await runProgram(() => import("../examples/quickstart/index.js")));
  });

  it("declares one organization with 2 projects, 2 roles, 2 teams, 3 members and 4 grants", () => {
    const count = Object.fromEntries(["Organization", "Project", "Role", "Team", "Member", "ProjectAccess"].map((k) => [k, ofKind(rs, k).length]));
    expect(count).toEqual({ Organization: 1, Project: 2, Role: 2, Team: 2, Member: 3, ProjectAccess: 4 });
    expect(rs.size).toBe(14);
    expect(get(rs, "acme").inputs).toMatchObject({ slug: "acme", name: "Acme Corp", region: "eu" });
  });

  it("passes inputs the provider accepts", () => expectValidInputs(rs));

  it("makes everything in the organization depend on it, by its ID", () => {
    for (const r of rs.values()) {
      if (r.kind === "Organization" || r.kind === "ProjectAccess") continue;
      expect(r.inputs.organization, r.name).toBe("org_acme");
      expect(r.deps, r.name).toContain("acme");
    }
  });

  it("gives members roles and teams by their ID outputs, or by name", () => {
    const alice = get(rs, "alice");
    expect(alice.inputs).toMatchObject({ email: "alice@example.com", roles: ["role_developer"], teams: ["team_platform"] });
    expect(alice.deps).toEqual(expect.arrayContaining(["acme", "developer", "platform"]));
    expect(get(rs, "carol").inputs).toMatchObject({ roles: ["role_finance"], teams: ["My Team"], permissions: ["members"] });
    expect(get(rs, "finance").inputs.permissions).toEqual(["billing", "plans"]);
  });

  it("grants access to teams, a role and one member, each after its project and principal", () => {
    expect(get(rs, "platform-admins-api").inputs).toMatchObject({ project: "prj_api", team: "team_platform", level: "admin" });
    expect(get(rs, "platform-admins-api").deps).toEqual(expect.arrayContaining(["api", "platform"]));
    const viewers = get(rs, "developers-view-api");
    expect(viewers.inputs).toMatchObject({
      project: "prj_api",
      role: "role_developer",
      level: "viewer",
      environmentRoles: { sandbox: "contributor", live: "viewer" },
    });
    expect(viewers.deps).toEqual(expect.arrayContaining(["api", "developer"]));
    const alice = get(rs, "alice-views-web");
    expect(alice.inputs).toMatchObject({ project: "prj_web", member: "mem_alice", level: "viewer" });
    expect(alice.deps).toEqual(expect.arrayContaining(["web", "alice"]));
  });

  it("exports the IDs a follow-up program (gitops) needs", () => {
    expect(out.organizationId).toBe("org_acme");
    expect(out.roles).toEqual({ developer: "role_developer", finance: "role_finance" });
    expect(out.teams).toEqual({ platform: "team_platform", frontend: "team_frontend", default: "team_defaultacme" });
    expect(out.projects).toEqual({ api: "prj_api", web: "prj_web" });
    expect(out.members.alice).toBe("mem_alice");
  });

  it("takes the slug and email domain from config", async () => {
    const { resources } = await runProgram(() => import("../examples/quickstart/index.js"), { slug: "globex", emailDomain: "globex.test" });
    expect(get(resources, "acme").inputs.slug).toBe("globex");
    expect(get(resources, "bob").inputs.email).toBe("bob@globex.test");
  });
});

describe("gitops", () => {
  const example = readFileSync(join(ROOT, "examples/gitops/members.yaml"), "utf8");

  it("declares one Members keyed by email and one ProjectAccessSet per listed project, after the members", async () => {
    const { resources: rs, exports: out } = await runProgram(() => import("../examples/gitops/index.js"));
    expectValidInputs(rs);
    expect([...rs.keys()].sort()).toEqual(["access/api", "access/web", "members"]);
    const members = get(rs, "members").inputs;
    expect(members).toMatchObject({ organization: "acme", prune: true, maxRemovals: 5 });
    expect(Object.keys(members.members).sort()).toEqual([
      "alice@example.com",
      "bob@example.com",
      "carol@example.com",
      "dana@example.com",
      "erik@example.com",
      "fatima@example.com",
    ]);
    expect(members.members["erik@example.com"]).toMatchObject({ roles: ["Developer"], teams: ["Frontend"] });
    expect(members.members["fatima@example.com"]).toMatchObject({ permissions: ["billing", "plans"], note: "Welcome! You look after invoices and plans." });
    const api = get(rs, "access/api");
    expect(api.inputs).toMatchObject({
      project: "prj_01quickstartapi",
      prune: true,
      members: { "dana@example.com": { level: "admin" }, "erik@example.com": { level: "viewer", environmentRoles: { sandbox: "contributor", live: null } } },
    });
    expect(api.deps).toContain("members");
    expect(out.memberIds["dana@example.com"]).toBe("mem_danaexamplecom");
  });

  it("reads another file from config", async () => {
    const dir = mkdtempSync(join(tmpdir(), "orgs-gitops-"));
    const file = join(dir, "team.yaml");
    writeFileSync(file, "organization: org_123\nmembers:\n  - email: Zoe@Example.com\n");
    const { resources: rs } = await runProgram(() => import("../examples/gitops/index.js"), { membersFile: file });
    expect([...rs.keys()]).toEqual(["members"]);
    expect(get(rs, "members").inputs).toMatchObject({ organization: "org_123", members: { "Zoe@Example.com": {} }, prune: false });
  });

  it("parses the example file, resolving project names to IDs (roles and teams stay names, for the provider)", () => {
    const doc = parseMembers(example);
    expect(doc.organization).toBe("acme");
    expect(doc.members.find((m) => m.email === "dana@example.com")).toEqual({
      email: "dana@example.com",
      key: "dana@example.com",
      roles: ["Developer"],
      teams: ["Platform"],
      access: [{ projectName: "api", projectId: "prj_01quickstartapi", level: "admin" }],
    });
  });

  it("reports every problem in the file at once, with where it is", () => {
    const bad = `
organization: acme
projects: { api: prj_1 }
members:
  - email: a@example.com
    roles: [""]
    access: [{ project: api, level: admin }, { project: api, level: viewer }]
  - email: A@Example.com
    access: [{ project: www, level: admin }]
`;
    let err: unknown;
    try {
      parseMembers(bad, "team.yaml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MembersFileError);
    expect((err as MembersFileError).problems).toEqual([expect.stringMatching(/^members\[0\]\.roles\[0\]: /)]);
    let second: unknown;
    try {
      parseMembers(bad.replace('roles: [""]', "roles: [Devs]"), "team.yaml");
    } catch (e) {
      second = e;
    }
    expect((second as MembersFileError).problems).toEqual([
      "members[0].access[1]: project api is listed twice for a@example.com",
      "members[1].email: A@Example.com is already listed at members[0]",
      'members[1].access[0].project: unknown project "www"; add it under projects: (known: api)',
    ]);
    expect((second as Error).message).toMatch(/^team\.yaml has 3 problems:/);
  });

  it("refuses values the API would refuse, before any resource exists", () => {
    const problems = (text: string) => {
      try {
        parseMembers(text);
        return [];
      } catch (e) {
        return (e as MembersFileError).problems;
      }
    };
    expect(problems("organization: acme\nmembers:\n  - email: not-an-email\n    permissions: [root]\n    access: [{ project: x, level: owner }]\n")).toEqual([
      expect.stringMatching(/^members\[0\]\.email: /),
      expect.stringMatching(/^members\[0\]\.permissions\[0\]: /),
      expect.stringMatching(/^members\[0\]\.access\[0\]\.level: /),
    ]);
    expect(problems("members: [")[0]).toMatch(/^not valid YAML/);
    expect(problems("organization: acme\nmembers: []\nteam: {}\n")[0]).toMatch(/team/);
  });

  it("has a CI workflow: preview on pull requests, up on main, nightly drift check", () => {
    const wf = parse(readFileSync(join(ROOT, "examples/gitops/.github/workflows/orgs.yml"), "utf8"));
    expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ \* \* \*$/);
    expect(wf.on.push.branches).toEqual(["main"]);
    const runs = (job: string) =>
      wf.jobs[job].steps
        .map((s: any) => s.run)
        .filter(Boolean)
        .join("\n");
    expect(runs("drift")).toMatch(/pulumi preview .*--refresh --run-program --expect-no-changes/);
    expect(wf.jobs.drift.if).toContain("schedule");
    expect(runs("up")).toMatch(/pulumi up .*--yes/);
    expect(wf.jobs.up.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(runs("preview")).toMatch(/pulumi preview/);
    expect(runs("preview")).not.toMatch(/pulumi up/);
  });
});

describe("drift", () => {
  it("declares a member with the default role only and a team grant", async () => {
    const { resources: rs } = await runProgram(() => import("../examples/drift/index.js"));
    expectValidInputs(rs);
    expect(get(rs, "org").inputs).toMatchObject({ slug: "drift-demo", region: "us" });
    expect(get(rs, "dana").inputs).toMatchObject({ organization: "org_org", roles: ["role_defaultorg"], teams: ["team_oncall"], permissions: [] });
    expect(get(rs, "dana").deps).toEqual(expect.arrayContaining(["org", "oncall"]));
    expect(get(rs, "oncall-views-service").inputs).toMatchObject({ project: "prj_service", team: "team_oncall", level: "viewer" });
  });
});

describe("Pulumi project files", () => {
  for (const file of ["Pulumi.yaml", "examples/gitops/Pulumi.yaml", "examples/drift/Pulumi.yaml"]) {
    it(`${file} runs an existing TypeScript program with the examples' tsconfig`, () => {
      const project = parse(readFileSync(join(ROOT, file), "utf8"));
      const dir = dirname(join(ROOT, file));
      expect(project.runtime.name).toBe("nodejs");
      // Without main, Pulumi would run package.json's entry point: the SDK.
      expect(existsSync(join(dir, project.main)), project.main).toBe(true);
      expect(existsSync(join(dir, project.runtime.options.tsconfig)), project.runtime.options.tsconfig).toBe(true);
    });
  }
  it("the root project runs the quickstart", () => {
    expect(parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")).main).toBe("examples/quickstart/index.ts");
  });
});
