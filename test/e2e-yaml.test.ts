// A Pulumi YAML program (test/programs/yaml/Pulumi.yaml), with no SDK: the YAML language host
// (pulumi-language-yaml, built by scripts/pulumi-yaml.sh) reads the types from the schema the
// provider plugin pulumi-resource-orgs serves, and the real Pulumi CLI runs it, against a real org
// server: preview, up, a clean preview, changes by hand shown by preview --refresh, up putting
// them back, destroy (test/support/sdk-programs.ts). Each step runs through the Automation API on
// the project's directory (test/programs/yaml/run.cjs), as `pulumi up` there would.
// Then `pulumi import` in a YAML project, with the code it generates: the one language host here
// that generates code (the Node.js stand-in does not: test/e2e-plugin.test.ts imports with
// --generate-code=false).
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { engineSuite } from "./support/e2e";
import { madeByHand } from "./support/made-by-hand";
import { pulumiIn } from "./support/policy";
import { ROOT } from "./support/process";
import { pulumiCli } from "./support/pulumi";
import { pluginOnPath, programScenario } from "./support/sdk-programs";
import { sh } from "./support/sh";

const suite = engineSuite("test/e2e-yaml.test.ts");
const { missing } = suite;
const MIN = 60_000;
const yamlHost = async () => (await sh("bash", [join(ROOT, "scripts", "pulumi-yaml.sh")], ROOT)).stdout.trim();

describe.skipIf(!!missing)(missing ? `a YAML program — skipped: ${missing}` : "a YAML program", () => {
  programScenario(suite, {
    slug: "yaml-e2e",
    project: "orgs-yaml",
    command: async () => {
      const host = await yamlHost();
      return (step) => ({ cmd: process.execPath, args: [join(ROOT, "test", "programs", "yaml", "run.cjs"), step], path: [host] });
    },
  });

  it(
    "pulumi import of every resource type writes YAML, and the program it makes previews no change",
    async () => {
      const token = (await suite.server.signup("owner@yaml-import.test")).token;
      const { imports } = await madeByHand((method, path, body) => suite.server.call(token, method, path, body), "yaml-imp", "yaml-import.test");

      const cli = pulumiCli();
      if (!("dir" in cli)) throw new Error(cli.missing);
      const dir = mkdtempSync(join(tmpdir(), "orgs-yaml-import-"));
      writeFileSync(join(dir, "Pulumi.yaml"), "name: orgs-yaml-import\nruntime: yaml\n");
      const pulumi = pulumiIn(cli.dir, dir, {
        PATH: [pluginOnPath(), await yamlHost(), cli.dir, dirname(process.execPath), process.env.PATH].join(":"),
        ORGS_NODE: process.execPath,
      });
      await pulumi.ok("stack", "init", "dev");
      await pulumi.ok("config", "set", "orgs:apiUrl", suite.url);
      await pulumi.ok("config", "set", "--secret", "orgs:apiToken", token);
      writeFileSync(join(dir, "import.json"), JSON.stringify({ resources: imports }));
      const { stdout } = await pulumi.ok("import", "--file", "import.json", "--yes", "--protect=false", "--out", "imported.yaml");
      expect(stdout).toMatch(/= 8 imported/);

      // The code the YAML host wrote: one resource per import, with the object's complete inputs.
      const code = readFileSync(join(dir, "imported.yaml"), "utf8");
      for (const i of imports) expect(code, code).toContain(`type: ${i.type.replace(":index:", ":")}`);
      expect(code).toContain("email: ann@yaml-import.test");
      expect(code).toContain("cy@yaml-import.test");
      expect(code).toMatch(/level: admin/);
      // References among the imported resources are written as references.
      expect(code).toContain("organization: ${org.id}");
      // Pasted into the program as `pulumi import` says to: the program manages them as they are.
      appendFileSync(join(dir, "Pulumi.yaml"), code);
      const preview = await pulumi.ok("preview", "--diff", "--expect-no-changes");
      expect(preview.stdout).toMatch(/9 unchanged/); // eight resources and the stack
    },
    5 * MIN,
  );
});
