// no-prune-without-guard, and max-admins, allowed-email-domains and no-external-admins on the
// entries of an orgs.Members set (issue 20), under the real CLI as test/policy.test.ts runs the
// pack.
import { beforeAll, describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { join } from "node:path";
import { engineSuite } from "./support/e2e";
import { ROOT } from "./support/process";
import { pulumiCli } from "./support/pulumi";
import { policyProject, policyStack, pulumiIn, violations, type PulumiInDir } from "./support/policy";

const MIN = 60_000;
const suite = engineSuite("test/policy-members.test.ts");
const cli = pulumiCli();

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const orgs = require("orgs");
const config = new pulumi.Config();
const breaking = config.get("case") === "breaking";
const org = new orgs.Organization("acme", { slug: config.require("slug"), name: "Acme", region: "eu", requireTwoFactor: true });
new orgs.Members("people", {
  organization: org.id,
  members: {
    "ann@acme.example": { roles: ["ADMIN"] },
    [breaking ? "eve@gmail.test" : "eve@acme.example"]: { roles: [breaking ? "ADMIN" : "DEFAULT"] },
  },
  prune: true,
  maxRemovals: breaking ? undefined : 5,
});
`;

describe.skipIf(!!suite.missing)(suite.missing ? `policy on Members — skipped: ${suite.missing}` : "the orgs policy pack on an orgs.Members set", () => {
  let pulumi: PulumiInDir;
  beforeAll(async () => {
    // The SDK's class is the one the rules look for (pulumi-nodejs:dynamic/orgs:Members).
    expect(typeof createRequire(join(ROOT, "package.json"))("./dist/sdk/index.js").Members).toBe("function");
    const dir = policyProject("policy-members", {
      "index.js": PROGRAM,
      "policy-config.json": JSON.stringify({
        "max-admins": { maxAdmins: 1 },
        "allowed-email-domains": { domains: ["acme.example"] },
        "no-external-admins": { domains: ["acme.example"] },
      }),
    });
    pulumi = pulumiIn("dir" in cli ? cli.dir : "", dir);
    const { token } = await suite.server.signup("owner@policy-members.test");
    await policyStack(pulumi, "breaking", suite.url, token, { "policy-members:case": "breaking", "policy-members:slug": "policy-members-b" });
    await policyStack(pulumi, "clean", suite.url, token, { "policy-members:case": "clean", "policy-members:slug": "policy-members-c" });
  }, 5 * MIN);
  const preview = (stack: string) =>
    pulumi("preview", "--stack", stack, "--policy-pack", "node_modules/orgs/policy", "--policy-pack-config", "policy-config.json");

  it(
    "fails on prune without maxRemovals and on the set's entries, naming each entry",
    async () => {
      const r = await preview("breaking");
      expect(r.code, r.stdout + r.stderr).not.toBe(0);
      const found = violations(r.stdout);
      const T = "pulumi-nodejs:dynamic/orgs:Members: people";
      expect(found.map((v) => `${v.rule} ${v.resource}`).sort()).toEqual(
        [
          `allowed-email-domains ${T}`,
          "max-admins pulumi-nodejs:dynamic/orgs:Organization: acme",
          `no-external-admins ${T}`,
          `no-prune-without-guard ${T}`,
        ].sort(),
      );
      const message = (rule: string) => found.find((v) => v.rule === rule)!.message;
      expect(message("no-prune-without-guard")).toMatch(/^Members "people": prune is true and maxRemovals is not set.*Fix: set maxRemovals/);
      expect(message("allowed-email-domains")).toMatch(/^Members "people": members\["eve@gmail.test"\] is not in an allowed domain/);
      expect(message("no-external-admins")).toMatch(/^Members "people": members\["eve@gmail.test"\]\.roles holds the ADMIN role/);
      expect(message("max-admins")).toMatch(
        /has 2 members with the ADMIN role, more than maxAdmins \(1\): Members "people" members\["ann@acme.example"\]\.roles, Members "people" members\["eve@gmail.test"\]\.roles/,
      );
    },
    5 * MIN,
  );

  it(
    "passes with maxRemovals and entries that keep the rules",
    async () => {
      const r = await preview("clean");
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(violations(r.stdout)).toEqual([]);
    },
    5 * MIN,
  );
});
