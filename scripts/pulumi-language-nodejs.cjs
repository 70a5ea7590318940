#!/usr/bin/env node
// A stand-in for pulumi-language-nodejs, the Node.js language host the Pulumi CLI starts to run a
// Pulumi.yaml project (`pulumi up` in a directory). The real one is a Go module the module proxy
// refuses here (403: "This module version is not available"); scripts/pulumi.sh puts this one
// beside the CLI it builds, and a CLI you installed yourself brings the real one.
//
// It does what the real host does to run a program, and no more: it starts the program runner of
// the @pulumi/pulumi installed in the program's directory (cmd/run: TypeScript through ts-node,
// config, the engine and monitor connections), with the same flags and environment, and reports
// how it ended (exit code 32: the program already reported its error). Everything else a language
// host can do (pulumi new, install, package generation, policy packs) answers "unimplemented".
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const { createRequire } = require("node:module");
const path = require("node:path");

const pp = createRequire(path.join(__dirname, "..", "node_modules", "@pulumi", "pulumi", "package.json"));
const grpc = pp("@grpc/grpc-js");
const languageRpc = pp("./proto/language_grpc_pb.js");
const language = pp("./proto/language_pb.js");
const plugin = pp("./proto/plugin_pb.js");
const { version } = pp("./package.json");

// The engine's address is the last argument; flags (-tracing …) come before it.
const engineAddress =
  process.argv
    .slice(2)
    .filter((a) => !a.startsWith("-"))
    .pop() ?? "";

/** Resource plugins the program's packages declare ("pulumi": {"resource": true}), as the real host reports them. */
function requiredPlugins(dir) {
  const found = [];
  const modules = path.join(dir, "node_modules");
  const packages = fs.existsSync(modules)
    ? fs.readdirSync(modules).flatMap((n) => (n.startsWith("@") ? fs.readdirSync(path.join(modules, n)).map((s) => `${n}/${s}`) : [n]))
    : [];
  for (const name of packages) {
    let pkg;
    try {
      pkg = JSON.parse(fs.readFileSync(path.join(modules, name, "package.json"), "utf8"));
    } catch {
      continue;
    }
    if (!pkg.pulumi || !pkg.pulumi.resource) continue;
    const dep = new plugin.PluginDependency();
    dep.setName(pkg.pulumi.name || pkg.name.replace(/^@pulumi\//, "").replace(/^@/, ""));
    dep.setKind("resource");
    dep.setVersion(pkg.pulumi.version || pkg.version);
    if (pkg.pulumi.server) dep.setServer(pkg.pulumi.server);
    found.push(dep);
  }
  return found;
}

/** Runs the program as @pulumi/pulumi's cmd/run expects to be run; resolves with the RunResponse. */
function run(req) {
  const info = req.getInfo();
  const programDir = (info && info.getProgramDirectory()) || req.getPwd();
  const entry = (info && info.getEntryPoint()) || req.getProgram() || ".";
  const options = (info && info.getOptions() && info.getOptions().toJavaScript()) || {};
  const res = new language.RunResponse();
  let runner;
  try {
    runner = require.resolve("@pulumi/pulumi/cmd/run", { paths: [programDir] });
  } catch {
    res.setError(`@pulumi/pulumi is not installed in ${programDir}: run npm install there`);
    return Promise.resolve(res);
  }
  const env = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(Object.fromEntries(req.getConfigMap().toArray())),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
  };
  // Pulumi.yaml's runtime options: TypeScript is on unless turned off.
  if (options.typescript !== false) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  // A tsconfig path in Pulumi.yaml is relative to the project's directory (where Pulumi.yaml is).
  if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = path.resolve((info && info.getRootDirectory()) || programDir, options.tsconfig);
  const args = [
    ...String(options.nodeargs || "")
      .split(/\s+/)
      .filter(Boolean),
    runner,
  ];
  const flag = (name, value) => {
    if (value) args.push(`--${name}`, String(value));
  };
  flag("monitor", req.getMonitorAddress());
  flag("engine", engineAddress);
  flag("organization", req.getOrganization());
  flag("project", req.getProject());
  flag("root-directory", info && info.getRootDirectory());
  flag("stack", req.getStack());
  flag("pwd", req.getPwd() || programDir);
  if (req.getDryrun()) args.push("--dry-run");
  flag("parallel", req.getParallel());
  args.push(entry === "." ? "." : path.resolve(programDir, entry), ...req.getArgsList());
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: programDir, env, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", (e) => {
      res.setError(`could not run the program: ${e.message}`);
      resolve(res);
    });
    child.on("exit", (code, signal) => {
      if (code === 32) res.setBail(true);
      else if (code !== 0) res.setError(signal ? `Program exited with signal ${signal}` : `Program exited with non-zero exit code: ${code}`);
      resolve(res);
    });
  });
}

const server = new grpc.Server();
server.addService(languageRpc.LanguageRuntimeService, {
  getRequiredPlugins(call, callback) {
    const res = new language.GetRequiredPluginsResponse();
    res.setPluginsList(requiredPlugins(call.request.getInfo()?.getProgramDirectory() || call.request.getProgram()));
    callback(null, res);
  },
  getPluginInfo(_call, callback) {
    const res = new plugin.PluginInfo();
    res.setVersion(version);
    callback(null, res);
  },
  run(call, callback) {
    run(call.request).then(
      (res) => callback(null, res),
      (e) => callback({ code: grpc.status.UNKNOWN, details: e.message }),
    );
  },
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    process.stderr.write(`pulumi-language-nodejs (stand-in): ${err.message}\n`);
    process.exit(1);
  }
  // The engine reads the port from the first line.
  process.stdout.write(`${port}\n`);
});
