// Before the tests: builds dist/ once (the dynamic-provider host, the server process and the CLI
// tests run compiled code), and makes sure of the real Pulumi CLI for the end-to-end tests
// (scripts/pulumi.sh builds it from the Go module proxy on a machine's first run, minutes, and
// finds it in .tools/ afterwards; the test processes inherit where it is, or why it is missing).
// Type errors are reported but don't stop the run (tsc still emits; `npm run typecheck` is CI's
// gate for them), so one broken file fails its own tests only. Every temporary directory of the
// run (data directories, CLI homes, program directories, and those of the processes the tests
// start) is made under one TMPDIR, removed when the run ends.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { privateTmpdir } from "./process";

export default function setup() {
  const root = join(__dirname, "..", "..");
  const r = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
  if (r.status !== 0) process.stderr.write("global-setup: tsc reported errors (above); dist/ was emitted anyway\n");
  // What npm run build copies beside the compiled code: the migrations and the admin page's files.
  cpSync(join(root, "server/store/migrations"), join(root, "dist/server/store/migrations"), { recursive: true });
  cpSync(join(root, "server/admin/public"), join(root, "dist/server/admin/public"), { recursive: true });

  try {
    const dir = execFileSync("bash", [join(root, "scripts", "pulumi.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
    process.env.ORGS_PULUMI_DIR = dir;
  } catch (e) {
    process.env.ORGS_PULUMI_MISSING = `scripts/pulumi.sh could not build or find the Pulumi CLI: ${(e as Error).message.split("\n")[0]}`;
  }

  return privateTmpdir("orgs-tests-");
}
