// Plugin mode (issue 22) through the real Pulumi CLI: the provider modules served by
// pulumi-resource-orgs (on PATH, as a user who installed the package has it), a program using
// `orgs/plugin`, one server and one stack for the file. What a user relies on: up, a clean
// preview, detailed diffs in `pulumi preview --diff` (a region change shown as the reason for the
// replacement, one role added shown as that entry), drift shown by `preview --refresh`,
// `pulumi import` of every resource type with a clean preview after, no `__provider` and no
// token in the state, destroy. Then the plugin installed from its tarball (`npm run plugin:pack`,
// `pulumi plugin install --file`) into a PULUMI_HOME of its own, with nothing of the checkout on
// PATH, on the same server.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { engineStack, programDir, type EngineStack } from "./support/pulumi";
import { engineSuite } from "./support/e2e";
import { madeByHand } from "./support/made-by-hand";

const suite = engineSuite("test/e2e-plugin.test.ts");
const { missing } = suite;
const MIN = 60_000;

interface Spec {
  type: string;
  name: string;
  args: Record<string, unknown>;
  import?: string;
}

let e: EngineStack;
let token: string;
const call = (method: string, path: string, body?: unknown) => suite.server.call(token, method, path, body);
const setResources = (specs: Spec[]) => e.stack.setConfig("orgs-e2e:resources", { value: JSON.stringify(specs) });
const state = () => JSON.parse(readFileSync(e.stateFile(), "utf8"));
const resourcesOf = (type: string) =>
  (state().checkpoint.latest.resources as { type: string; id: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[]).filter(
    (r) => r.type === type,
  );

async function cli(args: string[]) {
  const r = await e.cli(args);
  if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!!missing)(missing ? `plugin mode with the Pulumi CLI — skipped: ${missing}` : "plugin mode with the Pulumi CLI", () => {
  beforeAll(async () => {
    ({ token } = await suite.server.signup("owner@plugin.test"));
    const dir = programDir("test/programs/plugin-spec");
    e = await engineStack(
      dir,
      "plugin",
      { "orgs:apiUrl": suite.url, "orgs:apiToken": { value: token, secret: true }, "orgs-e2e:resources": "[]" },
      {
        env: {
          // The plugin as a user who installed the package finds it: node_modules/.bin on PATH.
          PATH: `${join(dir, "node_modules", "orgs", "bin")}:${process.env.PATH}`,
          PULUMI_IGNORE_AMBIENT_PLUGINS: "false",
        },
      },
    );
  }, 2 * MIN);

  it(
    "up, a clean preview, detailed diffs of a role added and a region change, drift shown by preview --refresh, destroy",
    async () => {
      const org: Spec = { type: "Organization", name: "acme", args: { slug: "plugin-acme", name: "Acme", region: "eu" } };
      const role: Spec = { type: "Role", name: "ops", args: { organization: "${acme.slug}", name: "ops", permissions: ["billing"] } };
      const member = (roles: string[]): Spec => ({
        type: "Member",
        name: "bob",
        args: { organization: "${acme.slug}", email: "bob@plugin.test", roles },
      });
      await setResources([org, role, member(["DEFAULT"])]);
      const up = await cli(["up", "--yes"]);
      expect(up).toMatch(/\+\s+orgs:index:Member\s+bob\s+created/);
      const [m] = resourcesOf("orgs:index:Member");
      expect(m!.id).toMatch(/^org_[^/]+\/mem_/);
      expect(m!.outputs).not.toHaveProperty("__provider");
      expect(JSON.stringify(state())).not.toContain(token);

      const clean = await cli(["preview", "--diff", "--expect-no-changes"]);
      expect(clean).not.toMatch(/~\s+orgs:index/);

      // One role added: that entry, and nothing else of the member.
      await setResources([org, role, member(["DEFAULT", "${ops.name}"])]);
      const diff = await cli(["preview", "--diff"]);
      expect(diff).toMatch(/~ orgs:index:Member: \(update\)[\s\S]*~ roles: \[\s*\n\s*\+ \[1\]: "ops"/);
      expect(diff).not.toMatch(/- \[0\]: "DEFAULT"/);
      await cli(["up", "--yes"]);

      // Drift by hand: the role taken away on the server shows in a refresh.
      const [org1] = resourcesOf("orgs:index:Organization");
      const mem = m!.id.split("/")[1];
      const defaultRole = org1!.outputs.defaultRoleId;
      expect((await call("PATCH", `/v1/organizations/${org1!.id}/members/${mem}`, { role_ids: [defaultRole] })).statusCode).toBe(200);
      const drift = await cli(["preview", "--refresh", "--diff"]);
      // The refresh reads the drift (the role gone), and the update puts that one entry back.
      expect(drift).toMatch(/~ orgs:index:Member: \(refresh\)[\s\S]*~ roles\s*: \[\s*\n\s*\[0\]: "DEFAULT"\s*\n\s*- \[1\]: "ops"/);
      expect(drift).toMatch(/~ orgs:index:Member: \(update\)[\s\S]*~ roles: \[\s*\n\s*\+ \[1\]: "ops"/);
      await cli(["up", "--refresh", "--yes"]);
      expect((await call("GET", `/v1/organizations/${org1!.id}/members/${mem}`)).json.role_ids).toHaveLength(2);

      // A region change replaces the organization: the region is shown as the reason.
      await setResources([{ ...org, args: { ...org.args, region: "us", allowRegionChange: true } }, role, member(["DEFAULT", "${ops.name}"])]);
      expect(await cli(["preview"])).toMatch(/\+-\s+orgs:index:Organization\s+acme\s+replace\s+\[diff: ~region\]/);
      const region = await cli(["preview", "--diff"]);
      expect(region).toMatch(/\+-orgs:index:Organization: \(replace\)[\s\S]*~ region: "eu" => "us"/);
      expect(region).not.toMatch(/orgs:index:Member: \(/);

      await setResources([]);
      await cli(["destroy", "--yes"]);
      expect((await call("GET", `/v1/organizations/${org1!.id}`)).statusCode).toBe(404);
    },
    3 * MIN,
  );

  it(
    "pulumi import of every resource type, then a clean preview; the import option too",
    async () => {
      const { org, project, shared, role, team, other, imports } = await madeByHand(call, "plugin-imp", "plugin.test");
      writeFileSync(join(e.dir, "import.json"), JSON.stringify({ resources: imports }));
      // The Node.js stand-in (scripts/pulumi-language-nodejs.cjs) generates no code (the YAML host
      // does: test/e2e-yaml.test.ts): the program below declares what the generated code would,
      // the inputs the import recorded.
      const out = await cli(["import", "--file", "import.json", "--yes", "--generate-code=false"]);
      expect(out).toMatch(/= 8 imported/);
      const specs: Spec[] = imports.map((i) => {
        const [r] = resourcesOf(i.type).filter((x) => x.id === i.id);
        expect(r, `${i.type} ${i.id} in the state`).toBeDefined();
        return { type: i.type.split(":")[2]!, name: i.name, args: r!.inputs };
      });
      const inputs = Object.fromEntries(specs.map((x) => [x.name, x.args]));
      // Complete inputs: what a program declares to manage the object as it is.
      expect(inputs.org).toMatchObject({ slug: "plugin-imp", name: "Imported", region: "us", websiteUrl: "https://imp.example", plan: "free" });
      expect(inputs.web).toMatchObject({ organization: org.id, name: "web", description: "the site" });
      expect(inputs.billing).toMatchObject({ organization: org.id, name: "billing", description: "pays", permissions: ["billing"] });
      expect(inputs.ann).toMatchObject({ organization: org.id, email: "ann@plugin.test", roles: [role.id], teams: [team.id] });
      expect(inputs["web-core"]).toMatchObject({ project: project.id, team: team.id, level: "admin" });
      expect(inputs["set-members"]).toMatchObject({ organization: other.id, members: { "cy@plugin.test": { roles: ["DEFAULT"] } } });
      expect(inputs["shared-access"]).toMatchObject({ project: shared.id, roles: { billing: { level: "viewer" } } });
      await setResources(specs);
      await cli(["preview", "--diff", "--expect-no-changes"]);

      // The import option: a team made by hand, adopted by the program's first up.
      const made = await call("POST", `/v1/organizations/${org.id}/teams`, { name: "extra", description: "by hand" });
      expect(made.statusCode).toBe(201);
      const extra = made.json;
      await setResources([
        ...specs,
        { type: "Team", name: "extra", args: { organization: org.id, name: "extra", description: "by hand" }, import: `${org.id}/${extra.id}` },
      ]);
      expect(await cli(["up", "--yes"])).toMatch(/=\s+orgs:index:Team\s+extra\s+imported/);
      await setResources([...specs, { type: "Team", name: "extra", args: { organization: org.id, name: "extra", description: "by hand" } }]);
      await cli(["preview", "--expect-no-changes"]);

      const text = readFileSync(e.stateFile(), "utf8");
      expect(text).not.toContain("__provider");
      expect(text).not.toContain(token);
      // Imported resources name each other by ID, not by output: the engine knows no order among
      // them, so they go in the order the server needs (grants and members, then what they use).
      const keep = (types: string[]) => specs.filter((x) => types.includes(x.type));
      await setResources(keep(["Organization", "Project", "Role", "Team"]));
      await cli(["up", "--yes"]);
      await setResources(keep(["Organization"]));
      await cli(["up", "--yes"]);
      // The project whose grants the set managed is not the stack's.
      expect((await call("DELETE", `/v1/projects/${shared.id}`)).statusCode).toBe(204);
      await cli(["destroy", "--yes"]);
      expect((await call("GET", `/v1/organizations/${org.id}`)).statusCode).toBe(404);
      expect((await call("GET", `/v1/organizations/${other.id}/members?email=cy@plugin.test`)).json.items).toEqual([]);
    },
    3 * MIN,
  );

  it(
    "a grant that names the team's teamId previews unchanged while the team itself is updated (the ID's outputs stay known)",
    async () => {
      const specs: Spec[] = [
        { type: "Organization", name: "ids", args: { slug: "plugin-ids", name: "Ids", region: "eu" } },
        { type: "Team", name: "core", args: { organization: "${ids.id}", name: "core", description: "Runs the API" } },
        { type: "Project", name: "api", args: { organization: "${ids.id}", name: "api" } },
        { type: "ProjectAccess", name: "api-core", args: { project: "${api.id}", team: "${core.teamId}", level: "admin" } },
      ];
      await setResources(specs);
      await cli(["up", "--yes"]);
      const [team] = resourcesOf("orgs:index:Team");
      const [org, teamId] = team!.id.split("/");
      expect((await call("PATCH", `/v1/organizations/${org}/teams/${teamId}`, { description: "Changed by hand" })).statusCode).toBe(200);
      const drift = await cli(["preview", "--refresh", "--diff"]);
      expect(drift).toMatch(/~ orgs:index:Team: \(update\)[\s\S]*~ description: "Changed by hand" => "Runs the API"/);
      expect(drift).not.toMatch(/orgs:index:ProjectAccess: \(/);
      await cli(["up", "--refresh", "--yes"]);
      await cli(["preview", "--expect-no-changes"]);
      await setResources([]);
      await cli(["destroy", "--yes"]);
    },
    3 * MIN,
  );

  it(
    "moving a resource from the dynamic provider to the plugin: state delete, import, a clean preview (README)",
    async () => {
      const dyn = programDir("test/programs/spec");
      const d = await engineStack(
        dyn,
        "move",
        { "orgs:apiUrl": suite.url, "orgs:apiToken": { value: token, secret: true } },
        { env: { PATH: `${join(dyn, "node_modules", "orgs", "bin")}:${process.env.PATH}`, PULUMI_IGNORE_AMBIENT_PLUGINS: "false" } },
      );
      const org = (await call("POST", "/v1/organizations", { slug: "plugin-move", name: "Move", region: "eu" })).json;
      const team = [{ type: "Team", name: "core", args: { organization: org.id, name: "core" } }];
      await d.stack.setConfig("orgs-e2e:resources", { value: JSON.stringify(team) });
      const run = async (args: string[]) => {
        const r = await d.cli(args);
        expect(r.code, `pulumi ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).toBe(0);
        return r.stdout;
      };
      await run(["up", "--yes"]);
      const [before] = JSON.parse(readFileSync(d.stateFile(), "utf8")).checkpoint.latest.resources.filter((r: { type: string }) =>
        r.type.endsWith("orgs:Team"),
      );
      expect(before.type).toBe("pulumi-nodejs:dynamic/orgs:Team");
      await run(["state", "delete", before.urn, "--yes"]);
      await run(["import", "orgs:index:Team", "core", before.id, "--yes", "--protect=false", "--generate-code=false"]);
      // The program now uses orgs/plugin: the same declaration, the plugin's class.
      cpSync(join(programDir("test/programs/plugin-spec"), "index.js"), join(dyn, "index.js"));
      await run(["preview", "--expect-no-changes"]);
      const after = JSON.parse(readFileSync(d.stateFile(), "utf8")).checkpoint.latest.resources.filter((r: { type: string }) => r.type.endsWith("Team"));
      expect(after.map((r: { type: string; id: string }) => [r.type, r.id])).toEqual([["orgs:index:Team", before.id]]);
      await run(["destroy", "--yes"]);
      expect((await call("GET", `/v1/organizations/${org.id}/teams/${before.id.split("/")[1]}`)).statusCode).toBe(404);
    },
    3 * MIN,
  );
});

describe.skipIf(!!missing)(missing ? `the plugin installed from its tarball — skipped: ${missing}` : "the plugin installed from its tarball", () => {
  it(
    "npm run plugin:pack, pulumi plugin install --file, then preview, up, a clean preview and destroy from the plugin cache alone",
    async () => {
      const { token: owner } = await suite.server.signup("owner@plugin-installed.test");
      // Outside the program's directory (and any node_modules above it): the plugin resolves its
      // packages from its own directory only, so a dependency missing from the tarball fails here.
      const home = mkdtempSync(join(tmpdir(), "orgs-plugin-home-"));
      const packed = execFileSync(process.execPath, [join(__dirname, "..", "scripts", "plugin-pack.cjs"), "--out", home], { encoding: "utf8" });
      const tarball = /^(\S+\.tar\.gz):/m.exec(packed)?.[1];
      expect(tarball, packed).toMatch(/pulumi-resource-orgs-v0\.1\.0-linux-(amd64|arm64)\.tar\.gz$/);
      // PATH: this Node (the launcher looks for one there) and the system's, no launcher on it.
      const PATH = [dirname(process.execPath), "/usr/bin", "/bin"].join(delimiter);
      expect(PATH.split(delimiter).filter((d) => existsSync(join(d, "pulumi-resource-orgs")))).toEqual([]);
      const dir = programDir("test/programs/plugin-spec");
      const s = await engineStack(
        dir,
        "installed",
        { "orgs:apiUrl": suite.url, "orgs:apiToken": { value: owner, secret: true }, "orgs-e2e:resources": "[]" },
        { home, env: { PATH, PULUMI_IGNORE_AMBIENT_PLUGINS: "false" } },
      );
      const run = async (args: string[]) => {
        const r = await s.cli(args);
        expect(r.code, `pulumi ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).toBe(0);
        expect(r.stdout + r.stderr).not.toMatch(/from \$PATH/);
        return r.stdout;
      };
      await run(["plugin", "install", "resource", "orgs", "0.1.0", "--file", tarball!]);
      const installed = join(home, "plugins", "resource-orgs-v0.1.0");
      expect(existsSync(join(installed, "pulumi-resource-orgs"))).toBe(true);
      expect(existsSync(join(installed, "dist", "provider", "plugin", "main.js"))).toBe(true);
      expect(await run(["plugin", "ls"])).toMatch(/orgs\s+resource\s+0\.1\.0/);

      await s.stack.setConfig("orgs-e2e:resources", {
        value: JSON.stringify([
          { type: "Organization", name: "acme", args: { slug: "plugin-installed", name: "Installed", region: "eu" } },
          { type: "Member", name: "dee", args: { organization: "${acme.slug}", email: "dee@plugin-installed.test", roles: ["DEFAULT"] } },
        ]),
      });
      expect(await run(["preview"])).toMatch(/\+ 3 to create/);
      expect(await run(["up", "--yes"])).toMatch(/\+\s+orgs:index:Member\s+dee\s+created/);
      const resources = JSON.parse(readFileSync(s.stateFile(), "utf8")).checkpoint.latest.resources as { type: string; id: string }[];
      const org = resources.find((r) => r.type === "orgs:index:Organization")!;
      const member = (await suite.server.call(owner, "GET", `/v1/organizations/${org.id}/members?email=dee@plugin-installed.test`)).json.items;
      expect(member).toHaveLength(1);
      await run(["preview", "--expect-no-changes"]);
      await run(["destroy", "--yes"]);
      expect((await suite.server.call(owner, "GET", `/v1/organizations/${org.id}`)).statusCode).toBe(404);
    },
    2 * MIN,
  );
});
