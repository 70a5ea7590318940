// Organizations: creation and its seeds, the fields' rules, billing sub-resources, subscriptions,
// delete, and the conventions as they apply here. Member-dependent rules (ownership transfer, 403
// for members) are in server/organization-members.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/support/server";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

describe("creating an organization", () => {
  it("201 with Location; seeds owner, DEFAULT and ADMIN roles, and My Team with the owner, atomically", async () => {
    const owner = await s.signup("seed@x.test");
    const r = await s.call(owner.token, "POST", "/v1/organizations", { slug: "acme", name: "Acme", region: "eu" });
    expect(r.statusCode).toBe(201);
    const org = r.json;
    expect(r.headers.location).toBe(`/v1/organizations/${org.id}`);
    expect(org).toMatchObject({
      slug: "acme",
      name: "Acme",
      region: "eu",
      plan: "free",
      require_two_factor: false,
      website_url: null,
      owner_account_id: owner.accountId,
      version: 1,
    });
    const me = await s.call(owner.token, "GET", "/v1/me");
    expect(me.json.memberships).toEqual([{ organization_id: org.id, organization_slug: "acme", member_id: org.owner_member_id, is_owner: true }]);
    const roles = await s.db.query<{ name: string; builtin: string; permissions: string[] }>(
      "SELECT name, builtin, permissions FROM roles WHERE organization_id = $1 ORDER BY name",
      [org.id],
    );
    expect(roles.map((x) => x.builtin)).toEqual(["ADMIN", "DEFAULT"]);
    expect(roles[0]!.permissions.sort()).toEqual(["billing", "members", "plans", "projects:create"]);
    const teams = await s.db.query<{ name: string; n: number }>(
      "SELECT t.name, (SELECT count(*)::int FROM team_members tm WHERE tm.team_id = t.id) AS n FROM teams t WHERE organization_id = $1",
      [org.id],
    );
    expect(teams).toEqual([{ name: "My Team", n: 1 }]);
    const events = await s.db.query<{ action: string }>("SELECT action FROM audit_events WHERE organization_id = $1", [org.id]);
    expect(events.map((e) => e.action)).toEqual(["organization.created"]);
  });

  it("409 already_exists naming /slug for a taken slug, and nothing is created", async () => {
    const a = await s.signup("first@x.test");
    const b = await s.signup("second@x.test");
    expect((await s.call(a.token, "POST", "/v1/organizations", { slug: "taken", name: "A", region: "us" })).statusCode).toBe(201);
    const r = await s.call(b.token, "POST", "/v1/organizations", { slug: "taken", name: "B", region: "us" });
    expect(r.statusCode).toBe(409);
    expect(r.json).toMatchObject({ code: "already_exists", errors: [{ field: "/slug", code: "already_exists" }] });
    expect((await s.call(b.token, "GET", "/v1/me")).json.memberships).toEqual([]);
  });

  it("422 naming the field for a non-canonical slug (rejected, never rewritten), a bad region, an http URL", async () => {
    const u = await s.signup("slugger@x.test");
    for (const [body, field] of [
      [{ slug: "Acme", name: "A", region: "us" }, "/slug"],
      [{ slug: "org_x", name: "A", region: "us" }, "/slug"],
      [{ slug: "-acme", name: "A", region: "us" }, "/slug"],
      [{ slug: "good", name: "A", region: "asia" }, "/region"],
      [{ slug: "good", name: "A", region: "us", website_url: "http://acme.test" }, "/website_url"],
      [{ slug: "good", name: "", region: "us" }, "/name"],
      [{ slug: "good", name: "A" }, "/region"],
    ] as const) {
      const r = await s.call(u.token, "POST", "/v1/organizations", body);
      expect(r.statusCode, JSON.stringify(body)).toBe(422);
      expect(r.headers["content-type"]).toMatch(/application\/problem\+json/);
      expect(r.json.code).toBe("validation_failed");
      expect(r.json.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await s.call(u.token, "GET", "/v1/organizations?slug=good")).json.items).toEqual([]);
  });

  it("401 without a valid token", async () => {
    const r = await s.call("omt_not_a_token", "POST", "/v1/organizations", { slug: "nope", name: "N", region: "us" });
    expect(r.statusCode).toBe(401);
    expect(r.headers["www-authenticate"]).toMatch(/^Bearer/);
  });

  it("requiring 2FA at creation needs 2FA on the creator's own account (403 two_factor_required)", async () => {
    const u = await s.signup("no2fa@x.test");
    const r = await s.call(u.token, "POST", "/v1/organizations", { slug: "strict", name: "S", region: "us", require_two_factor: true });
    expect(r.statusCode).toBe(403);
    expect(r.json).toMatchObject({ code: "two_factor_required", errors: [{ field: "/require_two_factor" }] });
  });
});

describe("changing an organization", () => {
  it("region is fixed at creation: 422 immutable_field naming /region; the same region is fine", async () => {
    const { owner, org } = await s.orgWithOwner("fixed-region");
    const r = await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { region: "us" });
    expect(r.statusCode).toBe(422);
    expect(r.json).toMatchObject({ code: "immutable_field", errors: [{ field: "/region", code: "immutable" }] });
    const same = await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { region: "eu", name: "Renamed" });
    expect(same.statusCode).toBe(200);
    expect(same.json).toMatchObject({ region: "eu", name: "Renamed", version: 2 });
  });

  it("renames the slug; the old slug stops resolving; a taken slug is 409", async () => {
    const { owner, org } = await s.orgWithOwner("old-slug");
    await s.orgWithOwner("other-slug");
    const r = await s.call(owner.token, "PATCH", "/v1/organizations/old-slug", { slug: "new-slug" });
    expect(r.statusCode).toBe(200);
    expect((await s.call(owner.token, "GET", "/v1/organizations/new-slug")).json.id).toBe(org.id);
    expect((await s.call(owner.token, "GET", "/v1/organizations/old-slug")).statusCode).toBe(404);
    const taken = await s.call(owner.token, "PATCH", "/v1/organizations/new-slug", { slug: "other-slug" });
    expect(taken.statusCode).toBe(409);
    expect(taken.json.errors[0].field).toBe("/slug");
  });

  it("a no-op PATCH changes nothing: same version, no audit event", async () => {
    const { owner, org } = await s.orgWithOwner("noop-org");
    const r = await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { name: org.name, plan: "free" });
    expect(r.json.version).toBe(1);
    const events = await s.db.query("SELECT 1 FROM audit_events WHERE organization_id = $1 AND action <> 'organization.created'", [org.id]);
    expect(events).toEqual([]);
  });

  it("records the change in the audit log with before and after", async () => {
    const { owner, org } = await s.orgWithOwner("audited-org");
    await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { name: "Audited", plan: "pro" });
    const rows = await s.db.query<{ action: string; changes: Record<string, unknown> }>(
      "SELECT action, changes FROM audit_events WHERE organization_id = $1 ORDER BY id",
      [org.id],
    );
    expect(rows.slice(1)).toEqual([
      { action: "organization.updated", changes: { name: ["audited-org", "Audited"] } },
      { action: "plan.changed", changes: { plan: ["free", "pro"] } },
    ]);
  });

  it("If-Match with a stale version gets 412 with the current ETag and loses nothing; If-None-Match gets 304", async () => {
    const { owner, org } = await s.orgWithOwner("etag-org");
    const ok = await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { name: "One" }, { "if-match": '"1"' });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    const stale = await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { name: "Two" }, { "if-match": '"1"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json).toMatchObject({ code: "precondition_failed", current_etag: '"2"' });
    const nm = await s.call(owner.token, "GET", `/v1/organizations/${org.id}`, undefined, { "if-none-match": '"2"' });
    expect(nm.statusCode).toBe(304);
    expect((await s.call(owner.token, "GET", `/v1/organizations/${org.id}`)).json.name).toBe("One");
  });

  it("turning require_two_factor on needs 2FA on the caller's own account", async () => {
    const { owner, org } = await s.orgWithOwner("tfa-org");
    const r = await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { require_two_factor: true });
    expect(r.statusCode).toBe(403);
    expect(r.json.code).toBe("two_factor_required");
    expect((await s.call(owner.token, "GET", `/v1/organizations/${org.id}`)).json.require_two_factor).toBe(false);
  });
});

describe("billing", () => {
  it("PUT address replaces it whole (left-out fields become null), with If-Match", async () => {
    const { owner, org } = await s.orgWithOwner("bill-org");
    const url = `/v1/organizations/${org.id}/billing/address`;
    const first = await s.call(owner.token, "PUT", url, { country: "FR", locality: "Paris", postal_code: "75001" });
    expect(first.statusCode).toBe(200);
    expect(first.json).toMatchObject({ country: "FR", locality: "Paris", postal_code: "75001", version: 2 });
    const second = await s.call(owner.token, "PUT", url, { country: "DE" }, { "if-match": '"2"' });
    expect(second.json).toMatchObject({ country: "DE", locality: null, postal_code: null, version: 3 });
    expect((await s.call(owner.token, "PUT", url, { country: "IT" }, { "if-match": '"2"' })).statusCode).toBe(412);
    expect((await s.call(owner.token, "GET", url)).json.country).toBe("DE");
  });

  it("PATCH profile changes only the given fields; emails are validated", async () => {
    const { owner, org } = await s.orgWithOwner("profile-org");
    const url = `/v1/organizations/${org.id}/billing/profile`;
    await s.call(owner.token, "PATCH", url, { company_name: "Acme SAS", vat_number: "FR123" });
    const r = await s.call(owner.token, "PATCH", url, { billing_contact_email: "Bills@Acme.test" });
    expect(r.json).toMatchObject({ company_name: "Acme SAS", vat_number: "FR123", billing_contact_email: "Bills@Acme.test" });
    const bad = await s.call(owner.token, "PATCH", url, { security_contact_email: "not-an-email" });
    expect(bad.statusCode).toBe(422);
    expect(bad.json.errors[0].field).toBe("/security_contact_email");
  });

  it("lists subscriptions: the organization's plan", async () => {
    const { owner, org } = await s.orgWithOwner("subs-org");
    const r = await s.call(owner.token, "GET", `/v1/organizations/${org.id}/subscriptions`);
    expect(r.statusCode).toBe(200);
    expect(r.json.items).toEqual([expect.objectContaining({ plan: "free", status: "active", project_id: null })]);
  });
});

describe("deleting an organization", () => {
  it("the owner deletes an organization without projects: 204, then 404, nothing left behind", async () => {
    const { owner, org } = await s.orgWithOwner("doomed");
    const r = await s.call(owner.token, "DELETE", `/v1/organizations/${org.id}`);
    expect(r.statusCode).toBe(204);
    expect((await s.call(owner.token, "GET", `/v1/organizations/${org.id}`)).statusCode).toBe(404);
    for (const table of ["members", "roles", "teams"]) {
      expect(await s.db.query(`SELECT 1 FROM ${table} WHERE organization_id = $1`, [org.id])).toEqual([]);
    }
    // The audit log outlives the organization.
    const events = await s.db.query<{ action: string }>("SELECT action FROM audit_events WHERE organization_id = $1 ORDER BY id", [org.id]);
    expect(events.map((e) => e.action)).toEqual(["organization.created", "organization.deleted"]);
  });

  it("409 organization_has_projects while it has projects", async () => {
    const { owner, org } = await s.orgWithOwner("busy-org");
    const p = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "Web" });
    expect(p.statusCode).toBe(201);
    const r = await s.call(owner.token, "DELETE", `/v1/organizations/${org.id}`);
    expect(r.statusCode).toBe(409);
    expect(r.json.code).toBe("organization_has_projects");
    expect((await s.call(owner.token, "GET", `/v1/organizations/${org.id}`)).statusCode).toBe(200);
  });

  it("outsiders get 404, not 403, for reads and deletes", async () => {
    const { org } = await s.orgWithOwner("private-org");
    const stranger = await s.signup("stranger@x.test");
    expect((await s.call(stranger.token, "GET", `/v1/organizations/${org.id}`)).statusCode).toBe(404);
    expect((await s.call(stranger.token, "DELETE", `/v1/organizations/${org.id}`)).statusCode).toBe(404);
    expect((await s.call(stranger.token, "GET", "/v1/organizations/private-org")).json.code).toBe("not_found");
  });
});
