#!/usr/bin/env node
// npm run plugin:pack: the self-contained plugin tarball for
//   pulumi plugin install resource orgs <version> --file dist/pulumi-resource-orgs-v<version>-<os>-<arch>.tar.gz
// The CLI extracts any gzip tarball into $PULUMI_HOME/plugins/resource-orgs-v<version>/ and runs the
// executable `pulumi-resource-orgs` at its root (pkg/cmd/pulumi/plugin/plugin_install.go,
// pkg/pluginstorage/content.go at v3.276.0); the name follows the one the CLI downloads
// (sdk/go/common/workspace/plugins.go). It holds:
// - the launcher (bin/pulumi-resource-orgs) at the root: it runs dist/provider/plugin/main.js beside it;
// - package.json (the version GetPluginInfo reports) and schema.json (GetSchema);
// - the compiled dist/{api,client,provider} the plugin loads, without declarations and source maps;
// - node_modules: the package's production dependencies and theirs, resolved as Node resolves them
//   from this checkout's node_modules (no dev dependencies, no registry), and of @pulumi/pulumi (a
//   peer dependency of the SDK) only the gRPC stubs in proto/ the server uses.
// Nothing in it is compiled for one platform (grpc-js and the rest are JavaScript): it needs bash and
// Node ≥ 22, which the launcher finds ($ORGS_NODE, then PATH) or says how to install.
// Run after `npm run build`; prints the tarball's path, its size and how to install it.
"use strict";
const { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } = require("node:fs");
const { basename, dirname, join, relative } = require("node:path");
const { tmpdir } = require("node:os");
const { execFileSync } = require("node:child_process");

const ROOT = join(__dirname, "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const GOOS = { linux: "linux", darwin: "darwin", win32: "windows" }[process.platform] ?? process.platform;
const GOARCH = { x64: "amd64", arm64: "arm64" }[process.arch] ?? process.arch;
const name = `pulumi-resource-orgs-v${pkg.version}-${GOOS}-${GOARCH}.tar.gz`;
// --out DIR writes it there instead of dist/ (the tests pack into a directory of their own).
const outAt = process.argv.indexOf("--out");
const out = join(outAt > 0 ? process.argv[outAt + 1] : join(ROOT, "dist"), name);

const main = join(ROOT, "dist", "provider", "plugin", "main.js");
if (!existsSync(main)) {
  console.error(`plugin:pack: ${relative(ROOT, main)} is missing: run \`npm run build\` first`);
  process.exit(1);
}

const stage = mkdtempSync(join(tmpdir(), "orgs-plugin-pack-"));
/** What a running program never reads: declarations, source maps, TypeScript sources, docs (licenses stay). */
const shipped = (src) => /^licen[cs]e/i.test(basename(src)) || !/\.(d\.[cm]?ts|map|[cm]?ts|md|markdown)$/i.test(src) || statSync(src).isDirectory();
const copy = (from, to) => cpSync(from, to, { recursive: true, filter: shipped });

try {
  cpSync(join(ROOT, "bin", "pulumi-resource-orgs"), join(stage, "pulumi-resource-orgs"));
  writeFileSync(
    join(stage, "package.json"),
    JSON.stringify(
      { name: pkg.name, version: pkg.version, private: true, type: "commonjs", description: "pulumi-resource-orgs, installed by `pulumi plugin install`" },
      null,
      2,
    ) + "\n",
  );
  cpSync(join(ROOT, "schema.json"), join(stage, "schema.json"));
  for (const d of ["api", "client", "provider"]) copy(join(ROOT, "dist", d), join(stage, "dist", d));
  // provider/shells/ serve the dynamic provider (they require @pulumi/pulumi): the plugin never loads them.
  rmSync(join(stage, "dist", "provider", "shells"), { recursive: true, force: true });

  // The production dependency closure, each package at the path under node_modules where Node finds it.
  const copied = new Set();
  const resolve = (from, dep) => {
    for (let dir = from; ; dir = dirname(dir)) {
      const at = join(dir, "node_modules", dep);
      if (existsSync(join(at, "package.json"))) return at;
      if (dir === ROOT || dirname(dir) === dir) return undefined;
    }
  };
  const walk = (from, deps, optional) => {
    for (const dep of deps) {
      const at = resolve(from, dep);
      if (!at) {
        if (optional.has(dep)) continue;
        throw new Error(`plugin:pack: ${dep} (needed by ${relative(ROOT, from) || "orgs"}) is not installed: run \`npm ci\``);
      }
      if (copied.has(at)) continue;
      copied.add(at);
      const meta = JSON.parse(readFileSync(join(at, "package.json"), "utf8"));
      copy(at, join(stage, relative(ROOT, at)));
      // A nested node_modules/ holds this package's own dependencies: walked below, copied only if needed.
      rmSync(join(stage, relative(ROOT, at), "node_modules"), { recursive: true, force: true });
      const opt = new Set(Object.keys(meta.optionalDependencies ?? {}));
      walk(at, [...Object.keys(meta.dependencies ?? {}), ...opt], opt);
    }
  };
  walk(ROOT, Object.keys(pkg.dependencies), new Set());
  // @pulumi/pulumi: its package.json and the stubs (they require google-protobuf and @grpc/grpc-js).
  const pulumi = resolve(ROOT, "@pulumi/pulumi");
  mkdirSync(join(stage, relative(ROOT, pulumi)), { recursive: true });
  const pulumiMeta = JSON.parse(readFileSync(join(pulumi, "package.json"), "utf8"));
  writeFileSync(
    join(stage, relative(ROOT, pulumi), "package.json"),
    JSON.stringify({ name: pulumiMeta.name, version: pulumiMeta.version, license: pulumiMeta.license }) + "\n",
  );
  cpSync(join(pulumi, "proto"), join(stage, relative(ROOT, pulumi), "proto"), { recursive: true, filter: shipped });
  cpSync(join(pulumi, "LICENSE"), join(stage, relative(ROOT, pulumi), "LICENSE"));
  walk(pulumi, ["google-protobuf", "@grpc/grpc-js"], new Set());

  // Reproducible: sorted names, no owners, one mtime, gzip without a timestamp.
  const entries = readdirSync(stage).sort();
  const tar = execFileSync("tar", ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-C", stage, "-cf", "-", ...entries], {
    maxBuffer: 1 << 30,
  });
  writeFileSync(out, execFileSync("gzip", ["-9n"], { input: tar, maxBuffer: 1 << 30 }));
  const files = execFileSync("tar", ["-tzf", out], { encoding: "utf8", maxBuffer: 1 << 28 })
    .split("\n")
    .filter((l) => l && !l.endsWith("/")).length;
  const unpacked = Number(execFileSync("du", ["-sb", stage], { encoding: "utf8" }).split("\t")[0]);
  const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
  console.log(`${out}: ${mb(statSync(out).size)} (${files} files, ${mb(unpacked)} unpacked)`);
  console.log(`install it: pulumi plugin install resource orgs ${pkg.version} --file ${relative(process.cwd(), out)}`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
