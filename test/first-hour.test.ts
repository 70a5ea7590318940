// A platform team's first hour (issue 12): the README's "Use it in your Pulumi program", step by
// step, from the package npm packs to `pulumi up` with the real CLI. The files of the program are
// the README's own (each code block after a `<!-- file: name -->` marker), so the README cannot
// drift from what works.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PULUMI_RESOURCES } from "../api/pulumi";
import { ROOT } from "./support/process";
import { npm, sh } from "./support/sh";
import { pulumiCli } from "./support/pulumi";
import { startTestServer, type TestServer } from "./support/server";

const MIN = 60_000;
const versionOf = (pkg: string) => JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version as string;
/** Versions this checkout uses, so the installs below come from npm's cache once it has them. */
const PINS = { pulumi: versionOf("@pulumi/pulumi"), typescript: versionOf("typescript"), types: versionOf("@types/node") };

/** The files of the README's "Use it in your Pulumi program", by name. */
function readmeFiles(): Record<string, string> {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const files: Record<string, string> = {};
  for (const m of readme.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)```/g)) files[m[1]!] = m[2]!;
  return files;
}

/** Every installed copy of @pulumi/pulumi under a program's node_modules. */
function copiesOfPulumi(dir: string): string[] {
  const found: string[] = [];
  const walk = (modules: string) => {
    let entries: string[];
    try {
      entries = readdirSync(modules);
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.startsWith("@")) {
        for (const s of readdirSync(join(modules, e))) visit(join(modules, e, s), `${e}/${s}`);
      } else visit(join(modules, e), e);
    }
  };
  const visit = (pkg: string, name: string) => {
    if (name === "@pulumi/pulumi") found.push(pkg);
    if (!lstatSync(pkg).isSymbolicLink()) walk(join(pkg, "node_modules"));
  };
  walk(join(dir, "node_modules"));
  return found;
}

/** Runs the program in `dir` under Pulumi's mocks (compiled to bin/ by tsc) and returns what it registered. */
async function underMocks(dir: string): Promise<{ type: string; name: string }[]> {
  writeFileSync(
    join(dir, "mocks.js"),
    `
const pulumi = require("@pulumi/pulumi");
const registered = [];
pulumi.runtime.setMocks({
  newResource: (a) => { registered.push({ type: a.type, name: a.name }); return { id: a.name + "-id", state: a.inputs }; },
  call: () => ({}),
}, "my-org", "dev", false).then(async () => {
  const program = require("./bin/index.js");
  await new Promise((r) => pulumi.output(program.aliceMemberId).apply(r));
  await new Promise((r) => setTimeout(r, 200));
  // The classes the SDK extends are the program's own @pulumi/pulumi's: one copy in use.
  const sdk = require(require("node:path").join(require.resolve("orgs/package.json"), "..", "dist", "sdk", "runtime.js"));
  const oneCopy = sdk.DynamicResource === pulumi.dynamic.Resource;
  process.stdout.write(JSON.stringify({ registered, oneCopy }));
});
`,
  );
  await sh(process.execPath, [join(dir, "node_modules", "typescript", "bin", "tsc")], dir);
  const { stdout } = await sh(process.execPath, ["mocks.js"], dir);
  const { registered, oneCopy } = JSON.parse(stdout);
  expect(oneCopy, "the SDK extends the program's @pulumi/pulumi").toBe(true);
  return registered;
}

/** A new program directory holding the README's three files and `npm init -y`. */
async function programDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "my-org-"));
  for (const [name, text] of Object.entries(readmeFiles())) writeFileSync(join(dir, name), text);
  await npm(["init", "-y"], dir);
  // As the README says: npm's "main": "index.js" names a file the program does not have.
  await npm(["pkg", "delete", "main"], dir);
  return dir;
}

let tarball: string;
let packed: string[];
beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), "orgs-pack-"));
  const { stdout } = await sh("npm", ["pack", "--json", "--pack-destination", out, "--loglevel=error"], ROOT);
  const [info] = JSON.parse(stdout.slice(stdout.indexOf("[")));
  tarball = join(out, info.filename);
  packed = info.files.map((f: { path: string }) => f.path);
}, 5 * MIN);

describe("the package", () => {
  it("ships what a program needs, and nothing else (the server and the CLI are packages of their own: test/packages.test.ts)", () => {
    expect(readmeFiles()).toHaveProperty(["index.ts"]);
    for (const path of packed) {
      expect(path, path).toMatch(
        /^(package\.json|README\.md|schema\.json|bin\/pulumi-resource-orgs|policy\/(PulumiPolicy\.yaml|index\.js)|dist\/(api|client|provider|sdk|policy)\/.*\.(js|d\.ts))$/,
      );
      expect(path).not.toMatch(/\.test\.|(^|\/)(test|bench|examples|scripts)\//);
    }
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    // One bin: the native plugin's launcher (pulumi-resource-orgs), found by the engine on PATH; no server, no CLI.
    expect(pkg.bin).toEqual({ "pulumi-resource-orgs": "bin/pulumi-resource-orgs" });
    const targets = [pkg.main, pkg.types, ...Object.values<string>(pkg.exports).filter((t) => !t.includes("*"))];
    for (const t of targets) expect(packed, t).toContain(t.replace(/^\.\//, ""));
    for (const { module: name } of Object.values(PULUMI_RESOURCES)) {
      expect(packed).toContain(`dist/provider/${name}.js`);
      expect(packed).toContain(`dist/provider/shells/${name}.js`);
    }
    expect(pkg.peerDependencies).toHaveProperty(["@pulumi/pulumi"]);
    expect(pkg.dependencies).not.toHaveProperty(["@pulumi/pulumi"]);
  });
});

describe("from an empty directory, as the README says", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await programDir();
    await npm(["install", `@pulumi/pulumi@${PINS.pulumi}`, tarball], dir);
    await npm(["install", "--save-dev", `typescript@${PINS.typescript}`, `@types/node@${PINS.types}`], dir);
  }, 10 * MIN);

  it(
    "installs one @pulumi/pulumi, type-checks with TypeScript 6 and 5, and runs under mocks",
    async () => {
      expect(copiesOfPulumi(dir)).toEqual([join(dir, "node_modules", "@pulumi", "pulumi")]);
      expect(lstatSync(join(dir, "node_modules", "orgs")).isSymbolicLink()).toBe(false);
      const tsc = (cwd: string) => sh(process.execPath, [join(cwd, "node_modules", "typescript", "bin", "tsc"), "--noEmit"], cwd);
      await tsc(dir);
      const registered = await underMocks(dir);
      expect(registered.map((r) => `${r.type}::${r.name}`).sort()).toEqual([
        "pulumi-nodejs:dynamic/orgs:Member::alice",
        "pulumi-nodejs:dynamic/orgs:Organization::acme",
        "pulumi-nodejs:dynamic/orgs:Project::api",
        "pulumi-nodejs:dynamic/orgs:ProjectAccess::platform-admins-api",
        "pulumi-nodejs:dynamic/orgs:Team::platform",
      ]);
      await npm(["install", "--save-dev", "typescript@5"], dir);
      expect(JSON.parse(readFileSync(join(dir, "node_modules", "typescript", "package.json"), "utf8")).version).toMatch(/^5\./);
      await tsc(dir);
      // TypeScript 5 also takes the tsconfig of Pulumi's template as it is (module commonjs, moduleResolution node).
      const template = JSON.parse(readmeFiles()["tsconfig.json"]!);
      template.compilerOptions = { ...template.compilerOptions, module: "commonjs", moduleResolution: "node" };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(template, null, 2));
      await tsc(dir);
      writeFileSync(join(dir, "tsconfig.json"), readmeFiles()["tsconfig.json"]!);
    },
    10 * MIN,
  );

  const cli = pulumiCli();
  const missing = "missing" in cli ? cli.missing : undefined;
  describe.skipIf(!!missing)(missing ? `with the Pulumi CLI — skipped: ${missing}` : "with the Pulumi CLI", () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer();
    }, MIN);
    afterAll(async () => {
      await server?.close();
    });

    it(
      "pulumi preview and pulumi up in the directory create the organization; destroy removes it",
      async () => {
        const url = await server.app.listen({ host: "127.0.0.1", port: 0 });
        const { token } = await server.signup("you@first-hour.test");
        const home = mkdtempSync(join(tmpdir(), "pulumi-home-"));
        const env = {
          PATH: `${"dir" in cli ? cli.dir : ""}:${dirname(process.execPath)}:${process.env.PATH}`,
          PULUMI_HOME: home,
          PULUMI_CONFIG_PASSPHRASE: "first-hour",
          PULUMI_SKIP_UPDATE_CHECK: "true",
        };
        const pulumi = (...args: string[]) => sh("pulumi", [...args, "--non-interactive", "--color", "never"], dir, env);
        await pulumi("login", `file://${home}`);
        await pulumi("stack", "init", "dev");
        await pulumi("config", "set", "orgs:apiUrl", url);
        await pulumi("config", "set", "--secret", "orgs:apiToken", token);
        const preview = await pulumi("preview");
        expect(preview.stdout).toMatch(/\+ 6 to create/);
        const up = await pulumi("up", "--yes");
        expect(up.stdout).toMatch(/\+ 6 created/);
        // The README's steps give a program that runs with no warning (npm's "main": "index.js" made one).
        for (const run of [preview, up]) expect(run.stdout + run.stderr).not.toMatch(/warning/i);
        const org = await server.call(token, "GET", "/v1/organizations/my-acme");
        expect(org.statusCode).toBe(200);
        expect((await server.call(token, "GET", `/v1/organizations/${org.json.id}/members?email=alice@example.com`)).json.items).toHaveLength(1);
        expect((await pulumi("preview", "--expect-no-changes", "--refresh")).stdout).toMatch(/6 unchanged/);
        await pulumi("destroy", "--yes");
        expect((await server.call(token, "GET", `/v1/organizations/${org.json.id}`)).json.code).toBe("deleted");
      },
      10 * MIN,
    );
  });
});

describe("installed other ways", () => {
  it(
    "a copy of a checkout (install-links=true in .npmrc): one @pulumi/pulumi",
    async () => {
      const dir = await programDir();
      writeFileSync(join(dir, ".npmrc"), "install-links=true\n");
      await npm(["install", `@pulumi/pulumi@${PINS.pulumi}`, ROOT], dir);
      await npm(["install", "--save-dev", `typescript@${PINS.typescript}`, `@types/node@${PINS.types}`], dir);
      expect(lstatSync(join(dir, "node_modules", "orgs")).isSymbolicLink()).toBe(false);
      expect(copiesOfPulumi(dir)).toEqual([join(dir, "node_modules", "@pulumi", "pulumi")]);
      expect(await underMocks(dir)).toHaveLength(5);
    },
    10 * MIN,
  );

  it(
    "npm install of a checkout (a link): the program's resources use the program's @pulumi/pulumi, not the checkout's",
    async () => {
      // The program on another Pulumi version than the checkout's own copy (which its tests use): two
      // copies that disagree, as in a team's repository pinned to an older Pulumi.
      const older = "3.270.0";
      expect(older).not.toBe(PINS.pulumi);
      const dir = await programDir();
      await npm(["install", `@pulumi/pulumi@${older}`, ROOT], dir);
      await npm(["install", "--save-dev", `typescript@${PINS.typescript}`, `@types/node@${PINS.types}`], dir);
      expect(lstatSync(join(dir, "node_modules", "orgs")).isSymbolicLink()).toBe(true);
      expect(await underMocks(dir)).toHaveLength(5);
    },
    10 * MIN,
  );
});
