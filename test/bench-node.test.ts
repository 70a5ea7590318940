// The benches on a Node older than 22 (the machine's Node here is 20): one line saying how to run
// them, before anything is built or started (bench:reconcile used to get as far as the engine).
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/process";

const run = promisify(execFile);

describe("the benches on Node 20", () => {
  it.each(["server", "reconcile"])("npm run bench:%s fails at once, saying to run ./dev bench", async (name) => {
    // Node's own version cannot be changed here, so a preload makes every Node that npm starts report 20.
    const preload = join(mkdtempSync(join(tmpdir(), "orgs-old-node-")), "old-node.js");
    writeFileSync(preload, 'Object.defineProperty(process, "versions", { value: { ...process.versions, node: "20.18.1" } });\n');
    const t0 = Date.now();
    const err = await run("npm", ["run", "--silent", `bench:${name}`], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: `--require ${preload}` } }).catch(
      (e) => e,
    );
    expect(err.code).toBe(1);
    expect(err.stderr).toBe(
      `bench:${name}: needs Node 22 or newer; this is Node 20.18.1. Run it as ./dev bench ${name} (which fetches Node 24 into .tools/ when the machine's is older).\n`,
    );
    expect(Date.now() - t0, "nothing was built first").toBeLessThan(10_000);
  });
});
