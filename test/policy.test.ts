// The orgs policy pack under the real CLI: `pulumi preview --policy-pack node_modules/orgs/policy`
// in a project directory, as a user types it. One program with two stacks: "breaking" breaks every
// mandatory rule at once (each message asserted), "clean" keeps them all, and then breaks one rule
// set to advisory in the policy config (a warning, and the preview passes). A probe pack beside it
// records what the engine hands an analyzer for orgs resources. The gitops example's preview runs
// the pack as its workflow does. (no-prune-without-guard needs orgs.Members: test/pending/.)
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { engineSuite } from "./support/e2e";
import { ROOT } from "./support/process";
import { pulumiCli, programDir } from "./support/pulumi";
import { installPack, policyProject, policyStack, pulumiIn, violations, type PulumiInDir } from "./support/policy";
import { pluginOnPath } from "./support/sdk-programs";

const MIN = 60_000;
const suite = engineSuite("test/policy.test.ts");
const cli = pulumiCli();
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** How the CLI lists the pack it ran: in its policy summary, or (with --diff) in its table of packs. */
const RAN_PACK = /✅ orgs@v0\.1\.0 \(local: node_modules\/orgs\/policy\)|Policy Packs run:[\s\S]*orgs\|local\|node_modules\/orgs\/policy +0\.1\.0/;

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const config = new pulumi.Config();
// sdk=plugin: the same program on the plugin's classes (type tokens orgs:index:<Class>, as Python, Go and YAML programs have).
const orgs = require(config.get("sdk") === "plugin" ? "orgs/plugin" : "orgs");
const breaking = config.get("case") === "breaking";
const org = new orgs.Organization("acme", { slug: config.require("slug"), name: "Acme", region: "eu", requireTwoFactor: breaking ? undefined : config.getBoolean("twoFactor") ?? true });
const platform = new orgs.Team("platform", { organization: org.id, name: "Platform" });
const api = new orgs.Project("api", { organization: org.id, name: "api" });
if (!breaking) new orgs.ProjectAccess("platform-api", { project: api.id, team: platform.teamId, level: "admin" });
new orgs.ProjectAccess("guest-api", { project: api.id, account: "acct_0guest", level: breaking ? "admin" : "viewer" });
// A project whose access is one set: its team at admin owns it; an outside account at admin breaks a rule.
const web = new orgs.Project("web", { organization: org.id, name: "web" });
new orgs.ProjectAccessSet("web-access", { project: web.id, teams: breaking ? undefined : { Platform: { level: "admin" } }, accounts: { acct_0guest: { level: breaking ? "admin" : "viewer" } } });
new orgs.Member("ann", { organization: org.id, email: "ann@acme.example", roles: ["ADMIN"] });
new orgs.Member("bob", { organization: org.id, email: breaking ? "bob@gmail.test" : "bob@acme.example", roles: breaking ? ["ADMIN"] : ["DEFAULT"], teams: [platform.name] });
`;

/** Records, per analyzer call, the type, name and properties (behind @pulumi/policy's proxy) of each resource. */
const PROBE = `
const { PolicyPack } = require("@pulumi/policy");
const fs = require("node:fs");
// The proxy's own escape hatch: the properties as the engine sent them, unknowns included.
const raw = (props) => props.__getSpecialProxyTarget;
const record = (entry) => fs.appendFileSync(process.env.ORGS_PROBE_OUT, JSON.stringify(entry) + "\\n");
new PolicyPack("probe", {
  policies: [
    { name: "record-resources", description: "records", enforcementLevel: "advisory",
      validateResource: (args) => record({ call: "Analyze", type: args.type, name: args.name, props: raw(args.props) }) },
    { name: "record-stack", description: "records", enforcementLevel: "advisory",
      validateStack: (args) => { for (const r of args.resources) record({ call: "AnalyzeStack", type: r.type, name: r.name, props: raw(r.props), deps: Object.keys(r.propertyDependencies) }); } },
  ],
});
`;

/** What the "breaking" stack breaks, with its resources' type tokens (`pulumi-nodejs:dynamic/orgs` or `orgs:index`). */
const BREAKING = (T: string) =>
  [
    `mandatory allowed-email-domains ${T}:Member: bob`,
    `mandatory max-admins ${T}:Organization: acme`,
    `mandatory no-external-admins ${T}:Member: bob`,
    `mandatory no-external-admins ${T}:ProjectAccess: guest-api`,
    `mandatory no-external-admins ${T}:ProjectAccessSet: web-access`,
    `mandatory owner-team-on-every-project ${T}:Project: api`,
    `mandatory owner-team-on-every-project ${T}:Project: web`,
    `mandatory require-two-factor ${T}:Organization: acme`,
  ].sort();

const POLICY_CONFIG = {
  "max-admins": { maxAdmins: 1 },
  "allowed-email-domains": { domains: ["acme.example"] },
  "no-external-admins": { domains: ["acme.example"] },
};

describe.skipIf(!!suite.missing)(suite.missing ? `policy pack — skipped: ${suite.missing}` : "the orgs policy pack, with the Pulumi CLI", () => {
  let dir: string;
  let pulumi: PulumiInDir;
  let token: string;
  const probeOut = () => join(dir, "probe.jsonl");
  const preview = (stack: string, ...extra: string[]) =>
    pulumi("preview", "--stack", stack, "--policy-pack", "node_modules/orgs/policy", "--policy-pack-config", "policy-config.json", ...extra);

  beforeAll(async () => {
    dir = policyProject("policy-e2e", {
      "index.js": PROGRAM,
      "policy-config.json": JSON.stringify(POLICY_CONFIG),
      "probe/PulumiPolicy.yaml": "runtime: nodejs\n",
      "probe/package.json": JSON.stringify({ name: "probe", version: "1.0.0" }),
      "probe/config.json": "{}",
      "probe/index.js": PROBE,
    });
    // The plugin (for the sdk=plugin stack) on PATH, as a user who installed the package has it.
    const cliDir = "dir" in cli ? cli.dir : "";
    pulumi = pulumiIn(cliDir, dir, {
      ORGS_PROBE_OUT: join(dir, "probe.jsonl"),
      PATH: [pluginOnPath(), cliDir, dirname(process.execPath), process.env.PATH].join(":"),
      ORGS_NODE: process.execPath,
    });
    token = (await suite.server.signup("owner@policy-e2e.test")).token;
    await policyStack(pulumi, "breaking", suite.url, token, { "policy-e2e:case": "breaking", "policy-e2e:slug": "policy-breaking" });
    await policyStack(pulumi, "clean", suite.url, token, { "policy-e2e:case": "clean", "policy-e2e:slug": "policy-clean" });
    await policyStack(pulumi, "breaking-plugin", suite.url, token, {
      "policy-e2e:case": "breaking",
      "policy-e2e:slug": "policy-breaking-plugin",
      "policy-e2e:sdk": "plugin",
    });
    writeFileSync(probeOut(), "");
  }, 5 * MIN);

  it(
    "fails a preview that breaks every mandatory rule, each message naming the resource, the property and the fix",
    async () => {
      const r = await preview("breaking", "--policy-pack", "probe", "--policy-pack-config", "probe/config.json");
      expect(r.code, r.stdout + r.stderr).not.toBe(0);
      const found = violations(r.stdout).filter((v) => v.rule !== "record-resources" && v.rule !== "record-stack");
      expect(found.map(({ level, rule, resource }) => `${level} ${rule} ${resource}`).sort(), r.stdout + r.stderr).toEqual(
        BREAKING("pulumi-nodejs:dynamic/orgs"),
      );
      const message = (rule: string, resource: string) => found.find((v) => v.rule === rule && v.resource.endsWith(resource))!.message;
      expect(message("require-two-factor", "acme")).toBe(
        'Organization "acme": requireTwoFactor is not set (false). Fix: set requireTwoFactor: true (members without 2FA keep their membership but cannot act until they enrol).',
      );
      expect(message("no-external-admins", "guest-api")).toMatch(
        /^ProjectAccess "guest-api": level is "admin" for the outside account acct_0guest \(account\).*Fix: set level: "viewer"/,
      );
      expect(message("no-external-admins", "bob")).toMatch(
        /^Member "bob": roles holds the ADMIN role for bob@gmail.test, outside the company's domains \(acme.example\)\. Fix:/,
      );
      expect(message("allowed-email-domains", "bob")).toMatch(
        /^Member "bob": email bob@gmail.test is not in an allowed domain\. Fix: .*add gmail.test to domains/,
      );
      expect(message("max-admins", "acme")).toMatch(
        /^Organization "acme" has 2 members with the ADMIN role, more than maxAdmins \(1\): Member "ann" \(roles\), Member "bob" \(roles\)\. Fix:/,
      );
      expect(message("owner-team-on-every-project", "api")).toMatch(
        /^Project "api" has no owner team: .*Fix: add new orgs.ProjectAccess\("api-owners", \{ project: api.id/,
      );
      expect(message("no-external-admins", "web-access")).toMatch(
        /^ProjectAccessSet "web-access": accounts\["acct_0guest"\]\.level is "admin" for the outside account acct_0guest \(account\)/,
      );
      expect(r.stdout).not.toMatch(/\+ \d+ created/);
    },
    5 * MIN,
  );

  it(
    "holds the plugin's resources (orgs/plugin; Python, Go and YAML programs) to the same rules",
    async () => {
      const r = await preview("breaking-plugin");
      expect(r.code, r.stdout + r.stderr).not.toBe(0);
      expect(r.stdout).toMatch(/using pulumi-resource-orgs from \$PATH/);
      const found = violations(r.stdout);
      expect(found.map(({ level, rule, resource }) => `${level} ${rule} ${resource}`).sort(), r.stdout + r.stderr).toEqual(BREAKING("orgs:index"));
      expect(found.find((v) => v.rule === "require-two-factor")?.message).toMatch(/^Organization "acme": requireTwoFactor is not set \(false\)\./);
    },
    5 * MIN,
  );

  it("hands the analyzer each orgs resource under its type, its inputs with the preview's unknowns as the sentinel and no serialized provider", () => {
    const calls = readFileSync(probeOut(), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const analyze = (name: string) => calls.find((c) => c.call === "Analyze" && c.name === name);
    for (const [name, cls] of [
      ["acme", "Organization"],
      ["api", "Project"],
      ["platform", "Team"],
      ["ann", "Member"],
      ["guest-api", "ProjectAccess"],
    ])
      expect(analyze(name)?.type, name).toBe(`pulumi-nodejs:dynamic/orgs:${cls}`);
    // The checked inputs, as the program declared them, an output of a resource not created yet as the
    // sentinel; the serialized provider (__provider) is not among them: the engine sends no "__" key.
    expect(analyze("bob").props).toMatchObject({ email: "bob@gmail.test", roles: ["ADMIN"], organization: UNKNOWN });
    expect(analyze("bob").props).not.toHaveProperty("__provider");
    expect(analyze("acme").props).toEqual({ slug: "policy-breaking", name: "Acme", region: "eu" });
    // The default dynamic provider comes to the analyzer too, holding the stack's configuration with
    // its secrets decrypted: a policy pack can read orgs:apiToken (run packs you trust).
    expect(analyze("default")).toMatchObject({ type: "pulumi:providers:pulumi-nodejs", props: { "orgs:apiUrl": suite.url, "orgs:apiToken": token } });
    // A stack policy sees every resource of the stack, with the dependencies its properties have.
    const stack = calls.filter((c) => c.call === "AnalyzeStack");
    expect(stack.find((c) => c.name === "bob")).toMatchObject({ props: { email: "bob@gmail.test" }, deps: expect.arrayContaining(["organization"]) });
    expect(stack.find((c) => c.name === "guest-api").deps).toContain("project");
  });

  it(
    "passes a preview that keeps every rule, then warns without failing on a rule set to advisory",
    async () => {
      const clean = await preview("clean");
      expect(clean.code, clean.stdout + clean.stderr).toBe(0);
      expect(clean.stdout).toMatch(RAN_PACK);
      expect(violations(clean.stdout)).toEqual([]);
      expect(clean.stdout).toMatch(/\+ \d+ to create/);

      await pulumi.ok("config", "set", "--stack", "clean", "policy-e2e:twoFactor", "false");
      writeFileSync(join(dir, "policy-config.json"), JSON.stringify({ ...POLICY_CONFIG, "require-two-factor": "advisory" }));
      const advisory = await preview("clean");
      expect(advisory.code, advisory.stdout + advisory.stderr).toBe(0);
      expect(violations(advisory.stdout)).toEqual([
        {
          level: "advisory",
          rule: "require-two-factor",
          resource: "pulumi-nodejs:dynamic/orgs:Organization: acme",
          message: expect.stringMatching(/^Organization "acme": requireTwoFactor is false\. Fix: set requireTwoFactor: true/),
        },
      ]);
    },
    5 * MIN,
  );

  it(
    "a pack whose directory has no @pulumi/pulumi fails with what to do",
    async () => {
      const bare = mkdtempSync(join(tmpdir(), "orgs-bare-pack-"));
      writeFileSync(join(bare, "PulumiPolicy.yaml"), "runtime: nodejs\n");
      const r = await pulumi("preview", "--stack", "clean", "--policy-pack", bare);
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toContain(`It looks like the Pulumi SDK has not been installed. Have you run npm install in ${bare}?`);
    },
    5 * MIN,
  );
});

describe.skipIf(!!suite.missing)(
  suite.missing ? `gitops with the pack — skipped: ${suite.missing}` : "examples/gitops's preview runs the pack, as its workflow does",
  () => {
    it(
      "the workflow's preview command passes on members.yaml and fails on a member from another domain",
      async () => {
        const wf = parse(readFileSync(join(ROOT, "examples/gitops/.github/workflows/orgs.yml"), "utf8"));
        const command: string = wf.jobs.preview.steps.map((s: { run?: string }) => s.run ?? "").find((r: string) => r.startsWith("pulumi preview"));
        expect(command).toMatch(/--policy-pack node_modules\/orgs\/policy --policy-pack-config policy-config\.json/);
        const args = command
          .split(/\s+/)
          .slice(1)
          .map((a) => a.replace(/"?\$PULUMI_STACK"?/, "prod"));

        // The organization exists before the program, as the gitops example expects (test/e2e.test.ts does the same).
        const { token } = await suite.server.signup("owner@policy-gitops.test");
        const api = (method: string, path: string, body?: unknown) => suite.server.call(token, method, path, body);
        const org = (await api("POST", "/v1/organizations", { slug: "policy-gitops", name: "Acme", region: "eu" })).json;
        for (const name of ["Developer", "Finance"]) await api("POST", `/v1/organizations/${org.id}/roles`, { name });
        for (const name of ["Platform", "Frontend"]) await api("POST", `/v1/organizations/${org.id}/teams`, { name });
        const projects: Record<string, string> = {};
        for (const name of ["api", "web"]) projects[name] = (await api("POST", `/v1/organizations/${org.id}/projects`, { name })).json.id;

        const dir = programDir("examples/gitops");
        installPack(dir);
        // The example's Pulumi.yaml runs index.ts with the repository's tsconfig; here the program is compiled already.
        writeFileSync(join(dir, "Pulumi.yaml"), "name: orgs-gitops\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n");
        const members = readFileSync(join(dir, "members.yaml"), "utf8")
          .replace(/^organization: acme/m, "organization: policy-gitops")
          .replace("prj_01quickstartapi", projects.api!)
          .replace("prj_01quickstartweb", projects.web!);
        writeFileSync(join(dir, "members.yaml"), members);
        const pulumi = pulumiIn("dir" in cli ? cli.dir : "", dir);
        await policyStack(pulumi, "prod", suite.url, token);

        const ok = await pulumi(...args);
        expect(ok.code, ok.stdout + ok.stderr).toBe(0);
        expect(ok.stdout).toMatch(RAN_PACK);

        appendFileSync(join(dir, "members.yaml"), "  - email: mallory@elsewhere.test\n    roles: [Developer]\n");
        const refused = await pulumi(...args);
        expect(refused.code).not.toBe(0);
        expect(violations(refused.stdout), refused.stdout).toEqual([
          expect.objectContaining({
            level: "mandatory",
            rule: "allowed-email-domains",
            // examples/gitops declares its members as one orgs.Members: the entry is named by its key.
            message: expect.stringMatching(/members\["mallory@elsewhere\.test"\] is not in an allowed domain/),
          }),
        ]);
      },
      5 * MIN,
    );
  },
);
