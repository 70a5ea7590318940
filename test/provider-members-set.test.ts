// The Members provider in-process against a real server: a change between check's plan and the
// apply is a 412 reported with advice, nothing applied; check fails at its place for an unknown
// role and for a plan over the invitation quota; a no-op check makes no call.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as provider from "../provider/members-set";
import { startTestServer, type TestServer } from "./support/server";

let s: TestServer;
let owner: { token: string };
let org: { id: string; slug: string };
beforeAll(async () => {
  s = await startTestServer({ config: { invitationQuota: 5 } });
  await s.app.listen({ port: 0, host: "127.0.0.1" });
  ({ owner, org } = await s.orgWithOwner("prov-sets"));
  process.env.ORGS_API_URL = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  process.env.ORGS_API_TOKEN = owner.token;
});
afterAll(() => s?.close());

describe("orgs.Members provider", () => {
  it("a membership changed between the plan check made and the apply is a 412 with advice, and nothing is applied", async () => {
    const news = { organization: "prov-sets", members: { "a@example.test": {} }, prune: true };
    const checked = await provider.check({}, news);
    expect(checked.failures).toEqual([]);
    await s.invite(owner.token, org.id, "meanwhile@example.test");
    await expect(provider.create(checked.inputs as never)).rejects.toThrow(
      /changed on the server between the plan and the apply[\s\S]*nothing was applied[\s\S]*pulumi preview[\s\S]*pulumi up/,
    );
    const members = (await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members`)).json.items.map((m: { email: string }) => m.email);
    expect(members).not.toContain("a@example.test");
    expect(members).toContain("meanwhile@example.test");
  });

  it("check fails at the entry's place for an unknown role, and says how many invitations the quota has left", async () => {
    const bad = await provider.check({}, { organization: "prov-sets", members: { "b@example.test": { roles: ["DEFAULT", "Auditor"] } } });
    expect(bad.failures).toEqual([{ property: 'members["b@example.test"].roles[1]', reason: expect.stringMatching(/no role named "Auditor"/) }]);
    const many = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`q${i}@example.test`, {}]));
    const quota = await provider.check({}, { organization: "prov-sets", members: many });
    expect(quota.failures?.[0]?.reason).toMatch(/sends 6 invitations and the organization's invitation quota has \d left/);
  });

  it("a check of inputs equal to the state's (in another key order) plans nothing", async () => {
    const olds = { organization: "prov-sets", members: { "x@example.test": {}, "y@example.test": {} } };
    process.env.ORGS_API_URL = "http://127.0.0.1:1"; // any call would fail
    try {
      const r = await provider.check(olds, { members: { "y@example.test": {}, "x@example.test": {} }, organization: "prov-sets" });
      expect(r.failures).toEqual([]);
    } finally {
      process.env.ORGS_API_URL = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
    }
  });
});
