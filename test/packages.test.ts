// The packages this repository makes (issue 25): `orgs`, what a Pulumi program installs (the SDK,
// the providers, the client and the API's schemas), and the server and the CLI as packages of their
// own (`orgs-server`, `orgs-cli`: npm workspaces under packages/, one version). Each is packed as
// npm would publish it and installed in a new directory from the registry, as a user would: the
// program gets one @pulumi/pulumi and none of the server's libraries, the serialized provider's
// `require` of the installed module resolves where the dynamic-provider host evaluates it, and
// the two binaries run from their own installs.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./support/process";
import { npm, sh } from "./support/sh";

const MIN = 60_000;
const PULUMI = JSON.parse(readFileSync(join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version as string;
const WORKSPACES = ["orgs-server", "orgs-cli"];
/** What only the server runs: a program's node_modules holds none of it. */
const SERVER_ONLY = ["fastify", "@electric-sql/pglite", "pg", "nodemailer", "yaml", "pino", "@fastify/ajv-compiler"];

const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));

/** Every package installed under `dir`'s node_modules, by name (nested copies included). */
function installed(dir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const walk = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const e of readdirSync(modules)) {
      if (e.startsWith(".")) continue;
      const names = e.startsWith("@") ? readdirSync(join(modules, e)).map((s) => `${e}/${s}`) : [e];
      for (const name of names) {
        const at = join(modules, name);
        found.set(name, [...(found.get(name) ?? []), at]);
        walk(join(at, "node_modules"));
      }
    }
  };
  walk(join(dir, "node_modules"));
  return found;
}

async function newDir(prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  await npm(["init", "-y"], dir);
  return dir;
}

const tarballs: Record<string, string> = {};
let packed: Record<string, string[]> = {};
beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), "orgs-packages-"));
  // As the README says: each workspace's prepack builds the whole tree; the root's pack then finds it built.
  const ws = await sh("npm", ["pack", ...WORKSPACES.flatMap((w) => ["-w", w]), "--json", "--pack-destination", out, "--loglevel=error"], ROOT);
  const root = await sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", out, "--loglevel=error"], ROOT);
  for (const stdout of [ws.stdout, root.stdout]) {
    for (const info of JSON.parse(stdout.slice(stdout.indexOf("[")))) {
      tarballs[info.name] = join(out, info.filename);
      packed = { ...packed, [info.name]: info.files.map((f: { path: string }) => f.path) };
    }
  }
}, 5 * MIN);

describe("three packages, one version", () => {
  it("orgs, orgs-server and orgs-cli share the version, and each ships only its own part", () => {
    const root = manifest(ROOT);
    expect(root.workspaces).toEqual(WORKSPACES.map((w) => `packages/${w}`));
    for (const w of WORKSPACES) expect(manifest(join(ROOT, "packages", w)).version, w).toBe(root.version);
    expect(Object.keys(tarballs).sort()).toEqual(["orgs", "orgs-cli", "orgs-server"]);
    for (const name of Object.keys(tarballs)) expect(tarballs[name]).toMatch(new RegExp(`${name}-${root.version}\\.tgz$`));

    const dirs = (name: string) => [...new Set(packed[name]!.filter((p) => p.startsWith("dist/")).map((p) => p.split("/")[1]))].sort();
    expect(dirs("orgs")).toEqual(["api", "client", "policy", "provider", "sdk"]);
    expect(dirs("orgs-server")).toEqual(["api", "server"]);
    expect(dirs("orgs-cli")).toEqual(["api", "cli", "client"]);
    expect(packed["orgs-server"]).toContain("dist/server/store/migrations/001_init.sql");
    expect(packed["orgs-server"]).toContain("dist/server/admin/public/index.html");
    expect(packed["orgs"]).toEqual(expect.arrayContaining(["policy/PulumiPolicy.yaml", "policy/index.js"]));
    // Plugin mode: the plugin's launcher, its entry point and the schema it serves.
    expect(packed["orgs"]).toEqual(expect.arrayContaining(["bin/pulumi-resource-orgs", "dist/provider/plugin/main.js", "schema.json"]));
    for (const files of Object.values(packed)) for (const f of files) expect(f).not.toMatch(/\.test\.|\.map$/);
  });

  it("the program package depends on the client's libraries and a peer @pulumi/pulumi, nothing of the server's", () => {
    const root = manifest(ROOT);
    // gRPC and protobuf: the plugin's server (pulumi-resource-orgs), at the versions @pulumi/pulumi uses.
    expect(Object.keys(root.dependencies).sort()).toEqual(["@grpc/grpc-js", "google-protobuf", "undici", "zod"]);
    expect(root.peerDependencies).toHaveProperty(["@pulumi/pulumi"]);
    expect(root.bin).toEqual({ "pulumi-resource-orgs": "bin/pulumi-resource-orgs" });
    expect(Object.keys(manifest(join(ROOT, "packages", "orgs-server")).dependencies)).toEqual(
      expect.arrayContaining(["fastify", "@electric-sql/pglite", "pg"]),
    );
    expect(Object.keys(manifest(join(ROOT, "packages", "orgs-cli")).dependencies).sort()).toEqual(["undici", "yaml", "zod"]);
  });
});

describe("a Pulumi program's install", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newDir("my-program-");
    await npm(["install", `@pulumi/pulumi@${PULUMI}`, tarballs.orgs!], dir);
  }, 10 * MIN);

  it("has one @pulumi/pulumi in `npm ls`, and none of the server's libraries", async () => {
    const { stdout } = await sh("npm", ["ls", "@pulumi/pulumi", "--all"], dir);
    const lines = stdout.split("\n").filter((l) => l.includes("@pulumi/pulumi@"));
    expect(
      lines.filter((l) => !l.includes("deduped")),
      stdout,
    ).toHaveLength(1);
    expect(stdout).toMatch(/orgs@\S+\n\s+└── @pulumi\/pulumi@\S+ deduped/);
    const all = installed(dir);
    expect(all.get("@pulumi/pulumi")).toEqual([join(dir, "node_modules", "@pulumi", "pulumi")]);
    for (const name of SERVER_ONLY) expect(all.has(name), `${name} installed in the program`).toBe(false);
    expect(all.has("orgs-server") || all.has("orgs-cli")).toBe(false);
  });

  it("a provider serialized as pulumi.dynamic.Resource does it is a require of the installed module, and loads there", async () => {
    // As the dynamic-provider host does: the text is evaluated with require-from-string, resolving
    // from its working directory (the program's); check needs no server.
    writeFileSync(
      join(dir, "serialize.js"),
      `const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
const provider = require(require.resolve("orgs").replace(/sdk[\\\\/]index\\.js$/, "provider/shells/team.js"));
serializeFunction(() => provider, { allowSecrets: true }).then((f) => process.stdout.write(f.text));`,
    );
    const text = (await sh(process.execPath, ["serialize.js"], dir)).stdout;
    expect(text).toMatch(/require\("orgs\/dist\/provider\/shells\/team\.js"\)/);
    expect(text.length).toBeLessThan(1_000);
    writeFileSync(join(dir, "provider.js"), text);
    writeFileSync(
      join(dir, "host.js"),
      `const provider = require("require-from-string")(require("node:fs").readFileSync("provider.js", "utf8")).handler();
provider.check({}, { organization: "acme", name: "Platform" }).then((r) => process.stdout.write(JSON.stringify(r)));`,
    );
    const checked = JSON.parse((await sh(process.execPath, ["host.js"], dir)).stdout);
    expect(checked.inputs).toMatchObject({ organization: "acme", name: "Platform" });
    expect(checked.failures ?? []).toEqual([]);
  });
});

describe("the server and the CLI, each installed from its own package", () => {
  let serverDir: string;
  let cliDir: string;
  beforeAll(async () => {
    [serverDir, cliDir] = await Promise.all([newDir("orgs-server-install-"), newDir("orgs-cli-install-")]);
    await Promise.all([npm(["install", tarballs["orgs-server"]!], serverDir), npm(["install", tarballs["orgs-cli"]!], cliDir)]);
  }, 10 * MIN);

  it("orgs-server starts on the embedded database, and orgs (without the server's libraries) talks to it", async () => {
    for (const name of SERVER_ONLY.filter((n) => n !== "yaml")) expect(installed(cliDir).has(name), `${name} in the CLI's install`).toBe(false);
    const { spawn } = await import("node:child_process");
    const server = spawn(join(serverDir, "node_modules", ".bin", "orgs-server"), ["--port", "0", "--data-dir", join(serverDir, "data")], {
      env: { ...process.env, ORGS_RATE_LIMIT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`orgs-server did not start in 60 s:\n${out}`)), 60_000);
        const onData = (c: Buffer) => {
          out += c.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        server.stdout.on("data", onData);
        server.stderr.on("data", onData);
        server.once("exit", (code) => reject(new Error(`orgs-server exited with ${code}:\n${out}`)));
      });
      const orgs = (...args: string[]) =>
        sh(join(cliDir, "node_modules", ".bin", "orgs"), args, cliDir, { ORGS_API_URL: url, XDG_CONFIG_HOME: join(cliDir, "config") });
      expect((await orgs("--version")).stdout.trim()).toBe(`orgs ${manifest(ROOT).version}`);
      expect((await orgs("auth:signup", "ada@packages.test", "--login")).stdout).toMatch(/email\s+ada@packages\.test/);
      expect((await orgs("auth:whoami")).stdout).toMatch(/ada@packages\.test/);
    } finally {
      server.kill("SIGTERM");
    }
  });
});
