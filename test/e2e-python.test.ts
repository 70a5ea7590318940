// A Python program on the generated SDK (pulumi_orgs, installed with pip from sdks/python), run
// as an Automation API inline program by the real Pulumi CLI with the provider plugin
// pulumi-resource-orgs, against a real org server: preview, up, a clean preview, changes by hand
// shown by preview --refresh, up putting them back, destroy (test/support/sdk-programs.ts). The
// Python is a venv with `pulumi` from PyPI (scripts/python-pulumi.sh); an inline program needs no
// Python language host, only the CLI.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";
import { engineSuite } from "./support/e2e";
import { ROOT } from "./support/process";
import { programScenario } from "./support/sdk-programs";
import { sh } from "./support/sh";

const suite = engineSuite("test/e2e-python.test.ts");
const { missing } = suite;

describe.skipIf(!!missing)(missing ? `a Python program on the generated SDK — skipped: ${missing}` : "a Python program on the generated SDK", () => {
  programScenario(suite, {
    slug: "python-e2e",
    project: "orgs-python",
    command: async () => {
      const bin = (await sh("bash", [join(ROOT, "scripts", "python-pulumi.sh")], ROOT)).stdout.trim();
      // The SDK as a user installs it, from the checkout: pip builds it from its pyproject.toml.
      // Into a directory of this run (its dependencies are the venv's), so the shared venv keeps
      // only what PyPI gave it.
      const site = mkdtempSync(join(tmpdir(), "orgs-python-sdk-"));
      await sh(
        join(bin, "python"),
        ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--target", site, join(ROOT, "sdks", "python")],
        ROOT,
      );
      return (step) => ({ cmd: join(bin, "python"), args: [join(ROOT, "test", "programs", "python-inline", "program.py"), step], env: { PYTHONPATH: site } });
    },
  });
});
