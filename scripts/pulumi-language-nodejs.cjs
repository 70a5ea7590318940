#!/usr/bin/env node
// A stand-in for pulumi-language-nodejs, the Node.js language host the Pulumi CLI starts to run a
// Pulumi.yaml project (`pulumi up` in a directory). The real one is a Go module the module proxy
// refuses here (403: "This module version is not available"); scripts/pulumi.sh puts this one
// beside the CLI it builds, and a CLI you installed yourself brings the real one.
//
// It does what the real host does to run a program, and no more: it starts the program runner of
// the @pulumi/pulumi installed in the program's directory (cmd/run: TypeScript through ts-node,
// config, the engine and monitor connections), with the same flags and environment, and reports
// how it ended (exit code 32: the program already reported its error). It also runs policy packs
// (RunPlugin, which `pulumi preview --policy-pack DIR` asks of the pack's language host; see
// runPolicyPack below). Everything else a language host can do (pulumi new, install, package
// generation, other plugins) answers "unimplemented".
"use strict";
const { Buffer } = require("node:buffer");
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const { createRequire } = require("node:module");
const path = require("node:path");

const pp = createRequire(path.join(__dirname, "..", "node_modules", "@pulumi", "pulumi", "package.json"));
const grpc = pp("@grpc/grpc-js");
const languageRpc = pp("./proto/language_grpc_pb.js");
const language = pp("./proto/language_pb.js");
const plugin = pp("./proto/plugin_pb.js");
const analyzerRpc = pp("./proto/analyzer_grpc_pb.js");
const analyzer = pp("./proto/analyzer_pb.js");
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

/** Pulumi.yaml's (or PulumiPolicy.yaml's) runtime options, as the real host reads them: TypeScript is on unless turned off. */
function nodeOptions(info) {
  const options = (info && info.getOptions() && info.getOptions().toJavaScript()) || {};
  return { typescript: options.typescript !== false, tsconfig: options.tsconfig, nodeargs: String(options.nodeargs || "") };
}

/** Runs the program as @pulumi/pulumi's cmd/run expects to be run; resolves with the RunResponse. */
function run(req) {
  const info = req.getInfo();
  const programDir = (info && info.getProgramDirectory()) || req.getPwd();
  const entry = (info && info.getEntryPoint()) || req.getProgram() || ".";
  const options = nodeOptions(info);
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
  if (options.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  // A tsconfig path in Pulumi.yaml is relative to the project's directory (where Pulumi.yaml is).
  if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = path.resolve((info && info.getRootDirectory()) || programDir, options.tsconfig);
  const args = [...options.nodeargs.split(/\s+/).filter(Boolean), runner];
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

/** KEY=VALUE lines as an environment object; a later duplicate wins, as with Go's exec.Cmd.Env. */
const envObject = (list) => Object.fromEntries(list.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]).filter(([k]) => k));

/**
 * The Analyzer service the engine talks to while the pack starts, as the real host's PolicyProxy
 * (sdk/v3 policy_proxy.go) does it: it answers Handshake itself, keeps ConfigureStack (the stack,
 * project, organization, dry-run flag and config, which the pack reads from its environment), and
 * hands every other call to the pack once the pack is listening.
 */
function policyProxy() {
  let configured;
  const configuration = new Promise((resolve) => (configured = resolve));
  let attach;
  const pack = new Promise((resolve, reject) => (attach = { resolve, reject }));
  pack.catch(() => {}); // Rejected only when the pack fails to start; each waiting call reports it.
  const handlers = {
    handshake: (_call, cb) => cb(null, new analyzer.AnalyzerHandshakeResponse()),
    configureStack: (call, cb) => {
      configured(call.request);
      cb(null, new analyzer.AnalyzerStackConfigureResponse());
    },
  };
  for (const method of Object.keys(analyzerRpc.AnalyzerService)) {
    if (handlers[method]) continue;
    handlers[method] = (call, cb) => {
      // A call before ConfigureStack (`pulumi policy publish` makes one) starts the pack without configuration.
      configured(undefined);
      pack.then(
        (client) => client[method](call.request, cb),
        (e) => cb({ code: grpc.status.UNAVAILABLE, details: `policy pack not started: ${e.message}` }),
      );
    };
  }
  const proxy = new grpc.Server();
  proxy.addService(analyzerRpc.AnalyzerService, handlers);
  const port = new Promise((resolve, reject) =>
    proxy.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, configuration, attach, close: () => proxy.forceShutdown() };
}

/**
 * RunPlugin for a policy pack (kind "analyzer"), as the real host (sdk/nodejs/cmd/pulumi-language-nodejs)
 * runs it: `node <@pulumi/pulumi/cmd/run-policy-pack of the pack's directory> <nodeargs> <engine
 * args> <pack directory>`, in the pack's directory (where @pulumi/policy reads its package.json),
 * with the engine's environment plus the stack's configuration from ConfigureStack. The pack prints
 * its own port on its first line of stdout; the engine already has the proxy's, so that line goes
 * to the proxy, which connects to it. Everything else the pack writes is streamed back as it comes.
 */
function runPolicyPack(call) {
  const req = call.request;
  const info = req.getInfo();
  const packDir = info.getProgramDirectory();
  const send = (field, chunk) => {
    const res = new language.RunPluginResponse();
    // A string in a bytes field would be read as base64: send bytes.
    res[field](typeof chunk === "string" ? Buffer.from(chunk) : new Uint8Array(chunk));
    call.write(res);
  };
  const fail = (details) => call.emit("error", { code: grpc.status.UNKNOWN, details });
  let runPath;
  try {
    runPath = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  } catch {
    return fail(`It looks like the Pulumi SDK has not been installed. Have you run npm install in ${packDir}?`);
  }
  const opts = nodeOptions(info);
  const env = envObject(req.getEnvList());
  if (opts.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (opts.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = opts.tsconfig;
  // As in the real host, nodeargs follow the runner (they reach run-policy-pack's arguments), and the
  // pack's directory comes last, after the engine's arguments.
  const args = [runPath, ...opts.nodeargs.split(/\s+/).filter(Boolean), ...req.getArgsList(), packDir];
  const proxy = policyProxy();
  let child;
  call.on("cancelled", () => {
    // The engine is done with the pack (or gave up): stop it, as exec.CommandContext does.
    if (child) child.kill("SIGKILL");
    proxy.attach.reject(new Error("the engine cancelled the policy pack"));
    proxy.close();
  });
  proxy.port
    .then((port) => {
      send("setStdout", `${port}\n`);
      return proxy.configuration;
    })
    .then((config) => {
      if (config) {
        const set = (k, v) => {
          if (v) env[k] = v;
        };
        set("PULUMI_NODEJS_ORGANIZATION", config.getOrganization());
        set("PULUMI_NODEJS_PROJECT", config.getProject());
        set("PULUMI_NODEJS_STACK", config.getStack());
        set("PULUMI_NODEJS_DRY_RUN", String(config.getDryRun()));
        set("PULUMI_CONFIG", JSON.stringify(Object.fromEntries(config.getConfigMap().toArray())));
      }
      if (call.cancelled) return;
      child = spawn(process.execPath, args, { cwd: packDir, env, stdio: ["ignore", "pipe", "pipe"] });
      child.stderr.on("data", (chunk) => send("setStderr", chunk));
      let first = "";
      child.stdout.on("data", (chunk) => {
        if (first === undefined) return send("setStdout", chunk);
        first += chunk.toString("utf8");
        const nl = first.indexOf("\n");
        if (nl < 0) return;
        const port = Number(first.slice(0, nl).trim());
        const rest = first.slice(nl + 1);
        first = undefined;
        if (rest) send("setStdout", rest);
        if (!Number.isInteger(port) || port <= 0) {
          proxy.attach.reject(new Error(`could not read policy pack port from its first line: ${JSON.stringify(port)}`));
          return;
        }
        const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
          "grpc.max_receive_message_length": 400 << 20,
        });
        if (!config) return proxy.attach.resolve(client);
        // The pack gets the stack configuration too (older packs answer Unimplemented, which is fine).
        client.configureStack(config, (err) => {
          if (err && err.code !== grpc.status.UNIMPLEMENTED) proxy.attach.reject(new Error(`policy pack configuration failed: ${err.message}`));
          else proxy.attach.resolve(client);
        });
      });
      child.on("error", (e) => {
        proxy.attach.reject(e);
        proxy.close();
        fail(`Problem executing plugin program (could not run language executor): ${e.message}`);
      });
      child.on("exit", (code, signal) => {
        proxy.attach.reject(new Error(`the policy pack exited (${signal || `code ${code}`}) before it was listening`));
        proxy.close();
        if (call.cancelled) return;
        if (code === 0) call.end();
        else fail(signal ? `Program exited with signal ${signal}` : `Program exited with non-zero exit code: ${code}`);
      });
    })
    .catch((e) => {
      proxy.close();
      fail(`could not start policy pack proxy: ${e.message}`);
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
  runPlugin(call) {
    if (call.request.getKind() === "analyzer") return runPolicyPack(call);
    call.emit("error", {
      code: grpc.status.UNIMPLEMENTED,
      details: `the stand-in language host (scripts/pulumi-language-nodejs.cjs) runs policy packs only, not ${call.request.getKind() || "this"} plugin`,
    });
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
