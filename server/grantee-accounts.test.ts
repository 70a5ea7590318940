// Outside accounts by email: a project admin finds an account by its exact address
// (POST …/access:find-account) and a grant to an account says who it is (`account`), to the
// callers who manage the project's grants and to nobody else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/support/server";
import { databaseEngines } from "../test/support/engines";

let s: TestServer;
describe.each(databaseEngines("accounts of grants by email"))("on $name", ({ postgres }) => {
  beforeAll(async () => {
    s = await startTestServer({ postgres });
  });
  afterAll(async () => {
    await s.close();
  });

  async function fixture(slug: string) {
    const { owner, org } = await s.orgWithOwner(slug);
    const project = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "Web" })).json;
    const ext = await s.signup(`ext@${slug}.test`, "Erin Outside");
    const viewer = await s.join(owner.token, org.id, `viewer@${slug}.test`);
    const access = `/v1/projects/${project.id}/access`;
    return { owner, org, project, ext, viewer, access };
  }

  it("a project admin finds an account by its exact email (any case): its ID, name, and whether it is a member", async () => {
    const f = await fixture("find-acct");
    const r = await s.call(f.owner.token, "POST", `${f.access}:find-account`, { email: "EXT@find-acct.test" });
    expect(r.statusCode).toBe(200);
    expect(r.json).toEqual({ id: f.ext.accountId, email: "ext@find-acct.test", name: "Erin Outside", member_id: null, external: true });
    const member = await s.call(f.owner.token, "POST", `${f.access}:find-account`, { email: "viewer@find-acct.test" });
    expect(member.json).toMatchObject({ id: f.viewer.accountId, member_id: f.viewer.memberId, external: false });
    // A lookup writes nothing: no audit event.
    const events = await s.call(f.owner.token, "GET", `/v1/organizations/${f.org.id}/audit-events?limit=100`);
    expect(events.json.items.map((e: { action: string }) => e.action)).not.toContain("project_access.granted");
  });

  it("422 account_not_found naming /email, with what to do; 422 for a malformed address; nothing is searched by prefix", async () => {
    const f = await fixture("no-acct");
    const r = await s.call(f.owner.token, "POST", `${f.access}:find-account`, { email: "nobody@no-acct.test" });
    expect(r.statusCode).toBe(422);
    expect(r.json.code).toBe("account_not_found");
    expect(r.json.errors[0].field).toBe("/email");
    expect(r.json.detail).toMatch(/sign up first/);
    expect((await s.call(f.owner.token, "POST", `${f.access}:find-account`, { email: "ext@no-acct" })).statusCode).toBe(422);
    expect((await s.call(f.owner.token, "POST", `${f.access}:find-account`, { email: "ext" })).json.errors[0].field).toBe("/email");
    const extra = await s.call(f.owner.token, "POST", `${f.access}:find-account`, { email: "ext@no-acct.test", name: "x" });
    expect(extra.statusCode).toBe(422);
  });

  it("the grant to an account carries its email and name for project admins; viewers and the account itself get null", async () => {
    const f = await fixture("grant-acct");
    const put = await s.call(f.owner.token, "PUT", `${f.access}/accounts/${f.ext.accountId}`, { role: "viewer" });
    expect(put.statusCode).toBe(201);
    expect(put.json).toMatchObject({ external: true, account: { id: f.ext.accountId, email: "ext@grant-acct.test", name: "Erin Outside" } });
    expect((await s.call(f.owner.token, "PUT", `${f.access}/members/${f.viewer.memberId}`, { role: "viewer" })).json.account).toBeNull();

    const listed = await s.call(f.owner.token, "GET", f.access);
    const byType = Object.fromEntries(listed.json.items.map((g: { principal_type: string; account: unknown }) => [g.principal_type, g.account]));
    expect(byType).toEqual({ accounts: { id: f.ext.accountId, email: "ext@grant-acct.test", name: "Erin Outside" }, members: null });
    expect((await s.call(f.owner.token, "GET", `${f.access}/accounts/${f.ext.accountId}`)).json.account.email).toBe("ext@grant-acct.test");

    // View access only: the outside collaborator's address is not theirs to read.
    for (const who of [f.viewer, f.ext]) {
      const seen = await s.call(who.token, "GET", f.access);
      expect(seen.statusCode).toBe(200);
      expect(seen.json.items.map((g: { account: unknown }) => g.account)).toEqual([null, null]);
      expect((await s.call(who.token, "GET", `${f.access}/accounts/${f.ext.accountId}`)).json.account).toBeNull();
    }

    // A project admin by grant manages the grants, so it sees who they are.
    await s.call(f.owner.token, "PUT", `${f.access}/members/${f.viewer.memberId}`, { role: "admin" });
    expect(
      (await s.call(f.viewer.token, "GET", f.access)).json.items.find((g: { principal_type: string }) => g.principal_type === "accounts").account,
    ).toMatchObject({
      email: "ext@grant-acct.test",
    });
  });

  it("only project admins look up: 403 for a member with view access, 404 for an outsider", async () => {
    const f = await fixture("who-finds");
    await s.call(f.owner.token, "PUT", `${f.access}/members/${f.viewer.memberId}`, { role: "viewer" });
    const viewer = await s.call(f.viewer.token, "POST", `${f.access}:find-account`, { email: "ext@who-finds.test" });
    expect(viewer.statusCode).toBe(403);
    const outsider = await s.call(f.ext.token, "POST", `${f.access}:find-account`, { email: "viewer@who-finds.test" });
    expect(outsider.statusCode).toBe(404);
    expect(outsider.body).not.toContain(f.viewer.accountId);
  });
});
