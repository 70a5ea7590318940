// Builds dist/ once before the tests: the dynamic-provider host and the CLI run compiled code.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export default function setup() {
  const root = join(__dirname, "..", "..");
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
  execFileSync("cp", ["-r", join(root, "server/store/migrations"), join(root, "dist/server/store/")]);
}
