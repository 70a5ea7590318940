// The real Pulumi engine for tests and benches: the CLI that scripts/pulumi.sh builds (the global
// setup builds it once per machine), driven by the Automation API (LocalWorkspace, a file backend,
// a PULUMI_HOME of the run's own) and, where a user would type it, as the `pulumi` binary itself.
//
// Programs run as Automation API inline programs: the Node.js language host the CLI would start for
// a Pulumi.yaml project (pulumi-language-nodejs) is refused by the Go module proxy, and an inline
// program needs only the CLI. A program directory here is a user's: the program compiled to
// CommonJS, with node_modules naming this checkout's package, and it is loaded with Node's own
// require (never vitest's), so the providers it serializes are the compiled ones a user runs.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import type * as automation from "@pulumi/pulumi/automation";
import { ROOT } from "./process";

const nativeRequire = createRequire(join(ROOT, "package.json"));
export const auto = nativeRequire("@pulumi/pulumi/automation") as typeof automation;
const ts = nativeRequire("typescript") as typeof import("typescript");

/**
 * The directory holding `pulumi`, or why there is none: as the tests' global setup found it, or
 * (benches, scripts) as scripts/pulumi.sh finds or builds it now.
 */
export function pulumiCli(): { dir: string } | { missing: string } {
  if (!process.env.ORGS_PULUMI_DIR && !process.env.ORGS_PULUMI_MISSING) {
    try {
      process.env.ORGS_PULUMI_DIR = execFileSync("bash", [join(ROOT, "scripts", "pulumi.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      }).trim();
    } catch (e) {
      process.env.ORGS_PULUMI_MISSING = `scripts/pulumi.sh could not build or find the Pulumi CLI: ${(e as Error).message.split("\n")[0]}`;
    }
  }
  const dir = process.env.ORGS_PULUMI_DIR;
  if (dir && existsSync(join(dir, "pulumi"))) return { dir };
  return { missing: process.env.ORGS_PULUMI_MISSING ?? `no pulumi in ${dir}` };
}

/**
 * A program directory made from `sources` (a folder of .ts files, e.g. examples/quickstart): each
 * file transpiled to CommonJS, other files copied. Its node_modules holds this package as npm
 * installs it (package.json and dist/, a real directory, so the SDK serializes its providers by
 * reference as in a user's program) and links every other package to this checkout's.
 */
export function programDir(sources: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "orgs-program-"));
  const from = join(ROOT, sources);
  for (const name of readdirSync(from, { recursive: true }) as string[]) {
    const src = join(from, name);
    if (name.includes("node_modules") || statSync(src).isDirectory()) continue;
    const out = join(dir, name);
    mkdirSync(dirname(out), { recursive: true });
    if (name.endsWith(".ts") && !name.endsWith(".d.ts")) {
      const js = ts.transpileModule(readFileSync(src, "utf8"), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      }).outputText;
      writeFileSync(out.replace(/\.ts$/, ".js"), js);
    } else {
      cpSync(src, out);
    }
  }
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  installInto(dir);
  return dir;
}

/** node_modules for a program in `dir`: this package copied as npm installs it, every other package linked. */
export function installInto(dir: string): void {
  const modules = join(dir, "node_modules");
  const orgs = join(modules, "orgs");
  mkdirSync(orgs, { recursive: true });
  cpSync(join(ROOT, "package.json"), join(orgs, "package.json"));
  cpSync(join(ROOT, "dist"), join(orgs, "dist"), { recursive: true });
  // What the plugin mode adds to the package: the plugin's launcher and the schema it serves.
  cpSync(join(ROOT, "bin"), join(orgs, "bin"), { recursive: true });
  cpSync(join(ROOT, "schema.json"), join(orgs, "schema.json"));
  for (const entry of readdirSync(join(ROOT, "node_modules"))) {
    if (entry.startsWith(".")) continue;
    if (entry.startsWith("@")) {
      mkdirSync(join(modules, entry), { recursive: true });
      for (const scoped of readdirSync(join(ROOT, "node_modules", entry)))
        symlinkSync(join(ROOT, "node_modules", entry, scoped), join(modules, entry, scoped), "dir");
    } else {
      symlinkSync(join(ROOT, "node_modules", entry), join(modules, entry), "dir");
    }
  }
}

/** The program in `dir` as an inline program: its index.js, loaded afresh on each run. */
export function inlineProgram(dir: string): automation.PulumiFn {
  const req = createRequire(join(dir, "index.js"));
  return async () => {
    for (const key of Object.keys(req.cache)) if (key.startsWith(dir) && !relative(dir, key).startsWith("node_modules")) delete req.cache[key];
    return { ...req(join(dir, "index.js")) };
  };
}

export interface EngineStack {
  stack: automation.Stack;
  dir: string;
  /** What the engine printed, run by run (the last one last). */
  output: string[];
  /** Options for a stack operation that record the CLI's output. */
  opts<T extends object>(extra?: T): T & { onOutput: (s: string) => void; color: "never" };
  /** The environment for running the `pulumi` binary on this stack. */
  env: Record<string, string>;
  /** Runs the `pulumi` binary itself in the program's directory, as a user would. */
  cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** The state file of the stack (the file backend's checkpoint). */
  stateFile(): string;
}

/**
 * A stack of the program in `dir` on a file backend of its own. `config` goes into the stack's
 * config (`{ secret: true }` values encrypted, as `pulumi config set --secret` does).
 */
export async function engineStack(
  dir: string,
  stackName: string,
  config: Record<string, string | { value: string; secret: true }>,
  /** home: PULUMI_HOME (plugins installed there), the program's directory's .pulumi-home unless given. */
  opts: { program?: automation.PulumiFn; projectName?: string; env?: Record<string, string>; home?: string } = {},
): Promise<EngineStack> {
  const cli = pulumiCli();
  if (!("dir" in cli)) throw new Error(cli.missing);
  const home = opts.home ?? join(dir, ".pulumi-home");
  const backend = join(dir, ".pulumi-state");
  mkdirSync(home, { recursive: true });
  mkdirSync(backend, { recursive: true });
  const projectName = opts.projectName ?? "orgs-e2e";
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "orgs-e2e",
    PULUMI_HOME: home,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    ...opts.env,
  };
  const pulumiCommand = await auto.PulumiCommand.get({ root: dirname(cli.dir) });
  const stack = await auto.LocalWorkspace.createOrSelectStack(
    { stackName, projectName, program: opts.program ?? inlineProgram(dir) },
    { workDir: dir, pulumiHome: home, pulumiCommand, envVars: env, projectSettings: { name: projectName, runtime: "nodejs", main: dir } },
  );
  await stack.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? { value: v } : v])));
  const output: string[] = [];
  return {
    stack,
    dir,
    output,
    env,
    opts: <T extends object>(extra?: T) => {
      output.push("");
      return {
        ...(extra as T),
        color: "never" as const,
        onOutput: (s: string) => {
          output[output.length - 1] += s;
        },
      };
    },
    cli: (args) => runPulumi(cli.dir, args, dir, { ...env, PULUMI_STACK: stackName }),
    stateFile: () => join(backend, ".pulumi", "stacks", projectName, `${stackName}.json`),
  };
}

/** Runs the `pulumi` binary with `args` in `cwd`. */
export function runPulumi(
  cliDir: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(join(cliDir, "pulumi"), [...args, "--non-interactive", "--color", "never"], { cwd, env: { ...process.env, ...env } });
    let stdout = "",
      stderr = "";
    proc.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    proc.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    proc.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
