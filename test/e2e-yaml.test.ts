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
      const post = async (path: string, body: unknown) => {
        const r = await suite.server.call(token, "POST", path, body);
        expect(r.statusCode, JSON.stringify(r.json)).toBe(201);
        return r.json;
      };
      const org = await post("/v1/organizations", { slug: "yaml-imp", name: "Imported", region: "us" });
      const at = `/v1/organizations/${org.id}`;
      const project = await post(`${at}/projects`, { name: "web", description: "the site" });
      const shared = await post(`${at}/projects`, { name: "shared" });
      const role = await post(`${at}/roles`, { name: "billing", permissions: ["billing"] });
      const team = await post(`${at}/teams`, { name: "core" });
      const member = await post(`${at}/members`, { email: "ann@yaml-import.test", role_ids: [role.id], team_ids: [team.id] });
      expect((await suite.server.call(token, "PUT", `/v1/projects/${project.id}/access/teams/${team.id}`, { role: "admin" })).statusCode).toBe(201);
      expect((await suite.server.call(token, "PUT", `/v1/projects/${shared.id}/access/roles/${role.id}`, { role: "viewer" })).statusCode).toBe(201);
      const other = await post("/v1/organizations", { slug: "yaml-imp-set", name: "Set", region: "eu" });
      await post(`/v1/organizations/${other.id}/members`, { email: "cy@yaml-import.test" });

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
      const imports = [
        { type: "orgs:index:Organization", name: "org", id: org.id },
        { type: "orgs:index:Project", name: "web", id: project.id },
        { type: "orgs:index:Role", name: "billing", id: `${org.id}/${role.id}` },
        { type: "orgs:index:Team", name: "core", id: `${org.id}/${team.id}` },
        { type: "orgs:index:Member", name: "ann", id: `${org.id}/${member.id}` },
        { type: "orgs:index:ProjectAccess", name: "web-core", id: `${project.id}/teams/${team.id}` },
        { type: "orgs:index:Members", name: "set-members", id: `${other.id}/members` },
        { type: "orgs:index:ProjectAccessSet", name: "shared-access", id: `${shared.id}/access` },
      ];
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
