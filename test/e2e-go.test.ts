// A Go program on the generated SDK (sdks/go, a module of its own, taken through a replace
// directive), run as an Automation API inline program by the real Pulumi CLI with the provider
// plugin pulumi-resource-orgs, against a real org server: preview, up, a clean preview, changes by
// hand shown by preview --refresh, up putting them back, destroy (test/support/sdk-programs.ts).
// The program is built with the flags of the CLI's build, so Go's cache serves most of it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";
import { engineSuite } from "./support/e2e";
import { goBuild, programScenario } from "./support/sdk-programs";

const suite = engineSuite("test/e2e-go.test.ts");
const { missing } = suite;

describe.skipIf(!!missing)(missing ? `a Go program on the generated SDK — skipped: ${missing}` : "a Go program on the generated SDK", () => {
  programScenario(suite, {
    slug: "go-e2e",
    project: "orgs-go",
    command: async () => {
      const bin = join(mkdtempSync(join(tmpdir(), "orgs-go-program-")), "go-inline");
      await goBuild("test/programs/go-inline", bin);
      return (step) => ({ cmd: bin, args: [step] });
    },
  });
});
