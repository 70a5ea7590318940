// `./dev demo` (scripts/demo.sh), as the README tells a new user to run it: the embedded server,
// a demo account, and the quickstart through `pulumi up`, a clean `preview --refresh
// --expect-no-changes` and `pulumi destroy`, with the real CLI in a project directory.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/process";
import { pulumiCli } from "./support/pulumi";

const cli = pulumiCli();
const missing = "missing" in cli ? cli.missing : undefined;

describe.skipIf(!!missing)(missing ? `the demo — skipped: ${missing}` : "the demo", () => {
  it(
    "runs the quickstart with pulumi up, previews clean and destroys it",
    async () => {
      const { stdout } = await promisify(execFile)("bash", [join(ROOT, "scripts", "demo.sh")], {
        cwd: ROOT,
        env: { ...process.env, ORGS_PULUMI_CLI: join("dir" in cli ? cli.dir : "", "pulumi") },
        maxBuffer: 64 << 20,
      });
      expect(stdout).toMatch(/\+ 15 created/);
      expect(stdout).toMatch(/alice@example\.com\s+invited/);
      expect(stdout).toMatch(/15 unchanged/);
      expect(stdout).toMatch(/- 15 deleted/);
      expect(stdout).toMatch(/demo: done/);
    },
    10 * 60_000,
  );
});
