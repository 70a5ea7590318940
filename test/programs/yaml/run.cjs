// Runs one operation on the stack of the YAML program beside this file, as a separate `pulumi`
// command would, and prints one JSON line (the same fields as the Python and Go programs:
// test/support/sdk-programs.ts):
//
//     node run.cjs preview|up|preview-clean|preview-refresh|up-refresh|destroy
//
// The Automation API runs the program in a directory (a copy of Pulumi.yaml in ORGS_E2E_DIR), so
// the CLI starts the YAML language host (pulumi-language-yaml, on PATH). The stack lives in
// ORGS_E2E_DIR (a file backend and a PULUMI_HOME of its own); ORGS_E2E_PULUMI_ROOT is the
// directory whose bin/ holds the CLI; orgs:apiUrl and orgs:apiToken (secret) come from
// ORGS_API_URL and ORGS_API_TOKEN; ORGS_E2E_SLUG names the organization; ORGS_E2E_EXPLICIT_TOKEN
// is the explicit provider's token.
"use strict";
const { copyFileSync, mkdirSync } = require("node:fs");
const { join } = require("node:path");
const auto = require("@pulumi/pulumi/automation");

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

async function stack() {
  const work = env("ORGS_E2E_DIR");
  const project = join(work, "project");
  const home = join(work, "home");
  const backend = join(work, "state");
  for (const d of [project, home, backend]) mkdirSync(d, { recursive: true });
  copyFileSync(join(__dirname, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
  const s = await auto.LocalWorkspace.createOrSelectStack(
    { stackName: "dev", workDir: project },
    {
      pulumiHome: home,
      envVars: {
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE: "orgs-e2e",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      },
      pulumiCommand: await auto.PulumiCommand.get({ root: env("ORGS_E2E_PULUMI_ROOT") }),
    },
  );
  await s.setAllConfig({
    "orgs:apiUrl": { value: env("ORGS_API_URL") },
    "orgs:apiToken": { value: env("ORGS_API_TOKEN"), secret: true },
    "orgs-yaml:slug": { value: env("ORGS_E2E_SLUG") },
    "orgs-yaml:apiUrl": { value: env("ORGS_API_URL") },
    "orgs-yaml:explicitToken": { value: env("ORGS_E2E_EXPLICIT_TOKEN"), secret: true },
  });
  return s;
}

async function main(step) {
  const s = await stack();
  const printed = [];
  const common = { onOutput: (line) => printed.push(line), color: "never" };
  const result = { step };
  if (step === "preview" || step === "preview-clean" || step === "preview-refresh") {
    const r = await s.preview({ ...common, diff: step !== "preview-clean", refresh: step === "preview-refresh", expectNoChanges: step === "preview-clean" });
    result.change_summary = r.changeSummary;
  } else if (step === "up" || step === "up-refresh" || step === "destroy") {
    const r = step === "destroy" ? await s.destroy(common) : await s.up({ ...common, refresh: step === "up-refresh" });
    result.result = r.summary.result;
    result.resource_changes = r.summary.resourceChanges;
    if (r.outputs) result.outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value]));
  } else {
    throw new Error(`unknown step ${JSON.stringify(step)}: preview, up, preview-clean, preview-refresh, up-refresh or destroy`);
  }
  result.output = printed.join("");
  console.log(JSON.stringify(result));
}

main(process.argv[2]).catch((e) => {
  console.error(e);
  process.exit(1);
});
