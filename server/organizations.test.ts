import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/support/server";

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s.close(); });

describe("organizations", () => {
  it("creating an org seeds owner, DEFAULT and ADMIN roles and My Team", async () => {
    const { owner, org } = await s.orgWithOwner("acme");
    expect(org).toMatchObject({ slug: "acme", region: "eu", plan: "free", require_two_factor: false, owner_account_id: owner.accountId, version: 1 });
    const roles = await s.call(owner.token, "GET", `/v1/organizations/${org.id}/roles`);
    void roles;
    const me = await s.call(owner.token, "GET", "/v1/me");
    expect(me.json.memberships).toEqual([{ organization_id: org.id, organization_slug: "acme", member_id: org.owner_member_id, is_owner: true }]);
  });

  it("region is fixed at creation: 422 immutable_field naming /region", async () => {
    const { owner, org } = await s.orgWithOwner("fixed-region");
    const r = await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { region: "us" });
    expect(r.statusCode).toBe(422);
    expect(r.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(r.json).toMatchObject({ code: "immutable_field", errors: [{ field: "/region", code: "immutable" }] });
    const same = await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { region: "eu", name: "Renamed" });
    expect(same.statusCode).toBe(200);
    expect(same.json).toMatchObject({ region: "eu", name: "Renamed", version: 2 });
  });

  it("a non-canonical slug is rejected, never rewritten", async () => {
    const u = await s.signup("slugger@x.test");
    const r = await s.call(u.token, "POST", "/v1/organizations", { slug: "Acme", name: "A", region: "us" });
    expect(r.statusCode).toBe(422);
    expect(r.json.errors[0].field).toBe("/slug");
  });

  it("If-Match with a stale version gets 412 and loses nothing", async () => {
    const { owner, org } = await s.orgWithOwner("etag-org");
    const ok = await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { name: "One" }, { "if-match": '"1"' });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    const stale = await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { name: "Two" }, { "if-match": '"1"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json.current_etag).toBe('"2"');
    const nm = await s.call(owner.token, "GET", `/v1/organizations/${org.id}`, undefined, { "if-none-match": '"2"' });
    expect(nm.statusCode).toBe(304);
  });

  it("outsiders get 404, not 403", async () => {
    const { org } = await s.orgWithOwner("private-org");
    const stranger = await s.signup("stranger@x.test");
    const r = await s.call(stranger.token, "GET", `/v1/organizations/${org.id}`);
    expect(r.statusCode).toBe(404);
  });
});
