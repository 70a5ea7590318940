// An adoption visible before it happens (issue 25, item 5), with the real Pulumi CLI: a member
// invited by hand, then declared with `adopt: true`, shows in `pulumi preview` as a create and a
// warning that names the existing invitation and what destroy will do; `pulumi destroy` then
// removes the adopted member, as the README says.
import { describe, expect, it } from "vitest";
import { engineStack, programDir } from "./support/pulumi";
import { engineSuite } from "./support/e2e";

const suite = engineSuite("test/e2e-adopt.test.ts");
const { missing } = suite;
const MIN = 60_000;

describe.skipIf(!!missing)(missing ? `adoption at preview with the Pulumi CLI — skipped: ${missing}` : "adoption at preview with the Pulumi CLI", () => {
  it(
    "preview warns that the Member adopts the invitation made by hand; destroy removes it",
    async () => {
      const { token } = await suite.server.signup("owner@adopt-preview.test");
      const org = (await suite.server.call(token, "POST", "/v1/organizations", { slug: "adopt-preview", name: "Adopt", region: "eu" })).json;
      const byHand = (await suite.server.call(token, "POST", `/v1/organizations/${org.id}/members`, { email: "bob@adopt-preview.test" })).json;
      const member = (adopt: boolean) => [{ type: "Member", name: "bob", args: { organization: "adopt-preview", email: "bob@adopt-preview.test", adopt } }];
      const e = await engineStack(programDir("test/programs/spec"), "adopt", {
        "orgs:apiUrl": suite.url,
        "orgs:apiToken": { value: token, secret: true },
        "orgs-e2e:resources": JSON.stringify(member(true)),
      });
      const preview = await e.cli(["preview"]);
      expect(preview.code, preview.stdout + preview.stderr).toBe(0);
      expect(preview.stdout).toMatch(/\+\s+pulumi-nodejs:dynamic\/orgs:Member bob create/);
      expect(preview.stdout).toMatch(
        new RegExp(
          `warning: orgs: the Member for bob@adopt-preview\\.test adopts the pending invitation ${byHand.id} of adopt-preview \\(shown as a create\\).*\`pulumi destroy\`.*retainOnDelete`,
        ),
      );
      // Without adopt there is nothing to warn about: the create will be refused with its advice.
      await e.stack.setConfig("orgs-e2e:resources", { value: JSON.stringify(member(false)) });
      expect((await e.cli(["preview"])).stdout).not.toMatch(/adopts/);
      await e.stack.setConfig("orgs-e2e:resources", { value: JSON.stringify(member(true)) });

      expect((await e.cli(["up", "--yes"])).code).toBe(0);
      const members = async () => (await suite.server.call(token, "GET", `/v1/organizations/${org.id}/members?email=bob@adopt-preview.test`)).json.items;
      expect((await members()).map((m: { id: string }) => m.id)).toEqual([byHand.id]);
      expect((await e.cli(["destroy", "--yes"])).code).toBe(0);
      expect(await members()).toEqual([]);
    },
    5 * MIN,
  );
});
