// examples/gitops/README.md's "Run it" (issue 25, item 7): the commands are read from the README
// and its file edits are run as written, with a `pulumi` on PATH that answers `stack output
// projects` as the quickstart's stack does; the edited members.yaml must name the quickstart's
// organization and projects. The pulumi steps themselves (preview, up, the gate) run the same
// program with the real CLI in test/e2e-sets.test.ts.
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseMembers } from "../examples/gitops/members";
import { ROOT } from "./support/process";

const readme = readFileSync(join(ROOT, "examples/gitops/README.md"), "utf8");
const runIt = /Run it[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
const commands = runIt
  .split("\n")
  .map((l) => l.replace(/\s+#.*$/, "").trim())
  .filter((l) => l && !l.startsWith("#"));

describe("examples/gitops README: Run it", () => {
  it("says every step: the server and token, the passphrase, the quickstart with its own slug, the file's organization and projects, the stack, preview, up, the gate", () => {
    expect(commands).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^export ORGS_API_URL=/),
        expect.stringMatching(/^export ORGS_API_TOKEN=/),
        expect.stringMatching(/^export PULUMI_CONFIG_PASSPHRASE=/),
        "pulumi stack init quickstart",
        "pulumi config set slug my-acme",
        "pulumi up --yes",
        "cd examples/gitops",
        "pulumi stack init prod",
        "pulumi preview",
        "pulumi preview --refresh --expect-no-changes",
      ]),
    );
    expect(commands.indexOf("pulumi config set slug my-acme")).toBeLessThan(commands.indexOf("cd examples/gitops"));
  });

  it("its edits of members.yaml, run as written, name the quickstart's organization and project IDs", () => {
    const dir = mkdtempSync(join(tmpdir(), "orgs-gitops-readme-"));
    cpSync(join(ROOT, "examples/gitops/members.yaml"), join(dir, "members.yaml"));
    const bin = join(dir, "bin");
    execFileSync("mkdir", ["-p", bin]);
    // `pulumi -C ../.. stack output projects --stack quickstart --json`, as the quickstart's stack answers it.
    writeFileSync(
      join(bin, "pulumi"),
      `#!/bin/sh\ncase "$*" in *"stack output projects --stack quickstart --json"*) echo '{"api":"prj_01realapi","web":"prj_01realweb"}';; *) exit 3;; esac\n`,
    );
    chmodSync(join(bin, "pulumi"), 0o755);
    const edits = commands.filter((c) => c.startsWith("sed -i"));
    expect(edits.length).toBeGreaterThanOrEqual(3);
    for (const c of edits) execFileSync("sh", ["-c", c], { cwd: dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    const doc = parseMembers(readFileSync(join(dir, "members.yaml"), "utf8"));
    expect(doc.organization).toBe("my-acme");
    const ids = new Set(doc.members.flatMap((m) => m.access.map((a) => a.projectId)));
    expect([...ids].sort()).toEqual(["prj_01realapi", "prj_01realweb"]);
  });
});
