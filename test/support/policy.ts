// Policy packs under the real CLI: a Pulumi.yaml project in a directory of its own (orgs installed
// in its node_modules as npm installs the package, the pack at node_modules/orgs/policy), stacks
// on a file backend, and `pulumi preview --policy-pack …` typed as a user types it. The CLI asks
// the pack's language host (here the stand-in, scripts/pulumi-language-nodejs.cjs) to run it.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT } from "./process";
import { installInto, runPulumi } from "./pulumi";

/** The pack as the package ships it ("files" in package.json): PulumiPolicy.yaml and its entry, beside dist/. */
export function installPack(dir: string): string {
  const pack = join(dir, "node_modules", "orgs", "policy");
  mkdirSync(pack, { recursive: true });
  for (const f of ["PulumiPolicy.yaml", "index.js"]) cpSync(join(ROOT, "policy", f), join(pack, f));
  return pack;
}

/** A project directory holding `files` (index.js is the program, run without TypeScript), orgs and the pack installed. */
export function policyProject(name: string, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "orgs-policy-"));
  writeFileSync(join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, version: "0.0.0", private: true }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  installInto(dir);
  installPack(dir);
  return dir;
}

export interface PulumiInDir {
  (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Runs, and throws with the output unless it exits 0. */
  ok(...args: string[]): Promise<{ stdout: string; stderr: string }>;
}

/** `pulumi` in `dir` on a file backend of its own, the CLI built here first on PATH (and Node ≥ 22 for the language host). */
export function pulumiIn(cliDir: string, dir: string, env: Record<string, string> = {}): PulumiInDir {
  const home = join(dir, ".pulumi-home");
  mkdirSync(join(dir, ".pulumi-state"), { recursive: true });
  const all = {
    PATH: `${cliDir}:${dirname(process.execPath)}:${process.env.PATH}`,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${join(dir, ".pulumi-state")}`,
    PULUMI_CONFIG_PASSPHRASE: "orgs-policy",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    ...env,
  };
  const run = ((...args: string[]) => runPulumi(cliDir, args, dir, all)) as PulumiInDir;
  run.ok = async (...args) => {
    const r = await run(...args);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  return run;
}

/** A stack of the project in `dir` with the server's URL and a token in its config. */
export async function policyStack(pulumi: PulumiInDir, stack: string, apiUrl: string, token: string, config: Record<string, string> = {}): Promise<void> {
  await pulumi.ok("stack", "init", stack);
  await pulumi.ok("config", "set", "--stack", stack, "orgs:apiUrl", apiUrl);
  await pulumi.ok("config", "set", "--stack", stack, "--secret", "orgs:apiToken", token);
  for (const [k, v] of Object.entries(config)) await pulumi.ok("config", "set", "--stack", stack, k, v);
}

/**
 * The policy report of a preview's output, one entry per violation: level, rule, resource, message.
 * The CLI prints it as a "Policies:" summary, or (with --diff) inline among the steps, as
 * `pack@vX [level]  rule  (type: name)description`, the message on the next line.
 */
export function violations(stdout: string): { level: string; rule: string; resource: string; message: string }[] {
  const summary = /- \[(\w+)\]\s+(\S+)\s+\(([^)]*)\)\n\s+.*\n\s+(.*)/g;
  const inline = /\S+@v[\d.]+ \[(\w+)\]\s+(\S+)\s+\(([^)]*)\).*\n(.*)/g;
  const read = (re: RegExp) => [...stdout.matchAll(re)].map((m) => ({ level: m[1]!, rule: m[2]!, resource: m[3]!, message: m[4]!.trim() }));
  const found = read(summary);
  return found.length ? found : read(inline);
}
