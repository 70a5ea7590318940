// Builds dist/ once before the tests: the dynamic-provider host, the server process and the CLI
// tests run compiled code. Type errors are reported but don't stop the run (tsc still emits;
// `npm run typecheck` is CI's gate for them), so one broken file fails its own tests only.
// Every temporary directory of the run (data directories, CLI homes, program directories, and
// those of the processes the tests start) is made under one TMPDIR, removed when the run ends.
import { spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { privateTmpdir } from "./process";

export default function setup() {
  const root = join(__dirname, "..", "..");
  const r = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
  if (r.status !== 0) process.stderr.write("global-setup: tsc reported errors (above); dist/ was emitted anyway\n");
  cpSync(join(root, "server/store/migrations"), join(root, "dist/server/store/migrations"), { recursive: true });

  return privateTmpdir("orgs-tests-");
}
