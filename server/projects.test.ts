// Projects and environments: creation with both environments, visibility, rename, delete (blocked by
// grants), and transfer between organizations (IDs stable, org-scoped grants refused).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "./domain/ids";
import { startTestServer, type TestServer } from "../test/support/server";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

type Person = { token: string; accountId: string; email: string; memberId: string };

/**
 * Makes `acct` a member of `org`: invited and accepted through the API, or (while the members
 * endpoints answer 501) written with SQL. Permissions and roles are set at invitation.
 */
async function join(ownerToken: string, org: any, acct: Omit<Person, "memberId">, o: { permissions?: string[]; role_ids?: string[] } = {}): Promise<Person> {
  const r = await s.call(ownerToken, "POST", `/v1/organizations/${org.id}/members`, { email: acct.email, ...o });
  if (r.statusCode === 201) {
    const box = await s.call(s.operatorToken, "GET", `/v1/outbox?to=${encodeURIComponent(acct.email)}`);
    const acc = await s.call(acct.token, "POST", "/v1/invitations/accept", { token: box.json.items.at(-1).invitation_token });
    expect(acc.statusCode).toBe(200);
    return { ...acct, memberId: r.json.id };
  }
  // Not built yet: the placeholder's 501 reaches clients as a 5xx.
  expect(r.statusCode).toBeGreaterThanOrEqual(500);
  const memberId = newId("mem");
  await s.db.query(
    "INSERT INTO members (id, organization_id, email, email_normalized, account_id, permissions, joined_at) VALUES ($1, $2, $3, lower($3), $4, $5, now())",
    [memberId, org.id, acct.email, acct.accountId, o.permissions ?? []],
  );
  for (const role of o.role_ids ?? [org.default_role_id]) await s.db.query("INSERT INTO member_roles VALUES ($1, $2)", [memberId, role]);
  await s.db.query("INSERT INTO team_members (team_id, member_id) VALUES ($1, $2)", [org.default_team_id, memberId]);
  return { ...acct, memberId };
}

const addMember = async (ownerToken: string, org: any, email: string, o: { permissions?: string[]; role_ids?: string[] } = {}) =>
  join(ownerToken, org, await s.signup(email), o);

const create = (token: string, org: any, name: string, extra: Record<string, unknown> = {}) =>
  s.call(token, "POST", `/v1/organizations/${org.id}/projects`, { name, ...extra });

const events = (projectId: string) =>
  s.db.query<{ action: string; organization_id: string; changes: any }>(
    "SELECT action, organization_id, changes FROM audit_events WHERE project_id = $1 ORDER BY id",
    [projectId],
  );

const grant = (token: string, projectId: string, type: string, id: string, body: unknown = { role: "viewer" }) =>
  s.call(token, "PUT", `/v1/projects/${projectId}/access/${type}/${id}`, body);

describe("create", () => {
  it("201 with Location, ETag and exactly a sandbox and a live environment; audited as project.created", async () => {
    const { owner, org } = await s.orgWithOwner("p-create");
    const r = await create(owner.token, org, "Web", { description: "Website" });
    expect(r.statusCode).toBe(201);
    expect(r.headers.location).toBe(`/v1/projects/${r.json.id}`);
    expect(r.headers.etag).toBe('"1"');
    expect(r.json).toMatchObject({ organization_id: org.id, name: "Web", description: "Website", created_by_account_id: owner.accountId, version: 1 });
    expect(r.json.id).toMatch(/^prj_/);
    expect(r.json.environments.map((e: any) => e.type)).toEqual(["sandbox", "live"]);
    for (const e of r.json.environments) expect(e).toMatchObject({ id: expect.stringMatching(/^env_/), project_id: r.json.id });
    expect(await events(r.json.id)).toEqual([expect.objectContaining({ action: "project.created", organization_id: org.id })]);
  });

  it("409 already_exists on a case-insensitive name clash, naming /name and the existing id", async () => {
    const { owner, org } = await s.orgWithOwner("p-dup");
    const first = await create(owner.token, org, "Web");
    const r = await create(owner.token, org, "WEB");
    expect(r.statusCode).toBe(409);
    expect(r.json).toMatchObject({ code: "already_exists", existing_id: first.json.id, errors: [{ field: "/name", code: "already_exists" }] });
  });

  it("422 naming the field for a bad name or an unknown field", async () => {
    const { owner, org } = await s.orgWithOwner("p-invalid");
    const empty = await create(owner.token, org, "");
    expect(empty.statusCode).toBe(422);
    expect(empty.json.errors[0].field).toBe("/name");
    const unknown = await create(owner.token, org, "ok", { environments: [] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json.code).toBe("validation_failed");
  });

  it("needs projects:create or ADMIN: 403 for a plain member, 201 with the permission, 404 outside, 401 without a token", async () => {
    const { owner, org } = await s.orgWithOwner("p-authz");
    const plain = await addMember(owner.token, org, "plain@p-authz.test");
    const creator = await addMember(owner.token, org, "creator@p-authz.test", { permissions: ["projects:create"] });
    const admin = await addMember(owner.token, org, "admin@p-authz.test", { role_ids: [org.admin_role_id] });
    const stranger = await s.signup("stranger@p-authz.test");
    expect((await create(plain.token, org, "a")).statusCode).toBe(403);
    expect((await create(creator.token, org, "b")).statusCode).toBe(201);
    expect((await create(admin.token, org, "c")).statusCode).toBe(201);
    expect((await create(stranger.token, org, "d")).statusCode).toBe(404);
    expect((await create("omt_bogus", org, "e")).statusCode).toBe(401);
  });
});

describe("read and list", () => {
  it("members see only the projects they have access to; owners see all; the name filter is case-insensitive; pages link on", async () => {
    const { owner, org } = await s.orgWithOwner("p-list");
    const creator = await addMember(owner.token, org, "c@p-list.test", { permissions: ["projects:create"] });
    const plain = await addMember(owner.token, org, "m@p-list.test");
    const a = await create(owner.token, org, "Alpha");
    const b = await create(creator.token, org, "Beta");
    await create(owner.token, org, "Gamma");
    const list = (t: string, q = "") => s.call(t, "GET", `/v1/organizations/${org.id}/projects${q}`);
    expect((await list(owner.token)).json.items.map((p: any) => p.name)).toEqual(["Alpha", "Beta", "Gamma"]);
    expect((await list(creator.token)).json.items.map((p: any) => p.name)).toEqual(["Beta"]);
    expect((await list(plain.token)).json.items).toEqual([]);
    await grant(owner.token, a.json.id, "members", plain.memberId);
    expect((await list(plain.token)).json.items.map((p: any) => p.id)).toEqual([a.json.id]);
    expect((await list(owner.token, "?name=beta")).json.items.map((p: any) => p.id)).toEqual([b.json.id]);
    const page1 = await list(owner.token, "?limit=2");
    expect(page1.json.items).toHaveLength(2);
    expect(page1.headers.link).toMatch(/rel="next"/);
    const page2 = await list(owner.token, `?limit=2&cursor=${page1.json.next_cursor}`);
    expect(page2.json).toMatchObject({ items: [{ name: "Gamma" }], next_cursor: null });
    await s.call(owner.token, "DELETE", `/v1/projects/${a.json.id}/access/members/${plain.memberId}`);
  });

  it("GET: 200 with ETag and 304, 403 for a member without access, 404 outside or unknown", async () => {
    const { owner, org } = await s.orgWithOwner("p-get");
    const plain = await addMember(owner.token, org, "m@p-get.test");
    const stranger = await s.signup("x@p-get.test");
    const p = (await create(owner.token, org, "Web")).json;
    const ok = await s.call(owner.token, "GET", `/v1/projects/${p.id}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json).toEqual(p);
    expect((await s.call(owner.token, "GET", `/v1/projects/${p.id}`, undefined, { "if-none-match": '"1"' })).statusCode).toBe(304);
    const denied = await s.call(plain.token, "GET", `/v1/projects/${p.id}`);
    expect(denied.statusCode).toBe(403);
    expect(denied.json.code).toBe("forbidden");
    expect((await s.call(stranger.token, "GET", `/v1/projects/${p.id}`)).statusCode).toBe(404);
    expect((await s.call(owner.token, "GET", "/v1/projects/prj_nosuch")).statusCode).toBe(404);
    expect((await s.call(null, "GET", `/v1/projects/${p.id}`)).statusCode).toBe(401);
  });

  it("an outside account with a grant sees the project and lists it; without one the org stays hidden", async () => {
    const { owner, org } = await s.orgWithOwner("p-ext");
    const ext = await s.signup("ext@elsewhere.test");
    const p = (await create(owner.token, org, "Shared")).json;
    expect((await s.call(ext.token, "GET", `/v1/organizations/${org.id}/projects`)).statusCode).toBe(404);
    expect((await grant(owner.token, p.id, "accounts", ext.accountId)).statusCode).toBe(201);
    expect((await s.call(ext.token, "GET", `/v1/projects/${p.id}`)).statusCode).toBe(200);
    expect((await s.call(ext.token, "GET", `/v1/organizations/${org.id}/projects`)).json.items.map((x: any) => x.id)).toEqual([p.id]);
    expect((await s.call(ext.token, "PATCH", `/v1/projects/${p.id}`, { name: "Mine" })).statusCode).toBe(403);
  });

  it("environments: list both, get one, 404 for another project's environment", async () => {
    const { owner, org } = await s.orgWithOwner("p-envs");
    const p = (await create(owner.token, org, "One")).json;
    const q = (await create(owner.token, org, "Two")).json;
    const list = await s.call(owner.token, "GET", `/v1/projects/${p.id}/environments`);
    expect(list.statusCode).toBe(200);
    expect(list.json).toEqual({ items: p.environments, next_cursor: null });
    const one = await s.call(owner.token, "GET", `/v1/projects/${p.id}/environments/${p.environments[1].id}`);
    expect(one.json).toEqual({ id: p.environments[1].id, project_id: p.id, type: "live" });
    expect((await s.call(owner.token, "GET", `/v1/projects/${p.id}/environments/${q.environments[0].id}`)).statusCode).toBe(404);
    expect((await s.call(owner.token, "POST", `/v1/projects/${p.id}/environments`, {})).statusCode).toBe(405);
  });
});

describe("update", () => {
  it("renames with If-Match, bumps the version, audits project.updated; 412 on a stale version", async () => {
    const { owner, org } = await s.orgWithOwner("p-update");
    const p = (await create(owner.token, org, "Web")).json;
    const r = await s.call(owner.token, "PATCH", `/v1/projects/${p.id}`, { name: "Site", description: "new" }, { "if-match": '"1"' });
    expect(r.statusCode).toBe(200);
    expect(r.json).toMatchObject({ name: "Site", description: "new", version: 2 });
    expect(r.headers.etag).toBe('"2"');
    const stale = await s.call(owner.token, "PATCH", `/v1/projects/${p.id}`, { name: "Lost" }, { "if-match": '"1"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json.current_etag).toBe('"2"');
    expect((await s.call(owner.token, "GET", `/v1/projects/${p.id}`)).json.name).toBe("Site");
    const ev = (await events(p.id)).find((e) => e.action === "project.updated");
    expect(ev?.changes).toEqual({ name: ["Web", "Site"], description: ["", "new"] });
  });

  it("409 on another project's name (any case); a case-only rename of itself is fine; 422 naming /name", async () => {
    const { owner, org } = await s.orgWithOwner("p-rename");
    await create(owner.token, org, "Api");
    const p = (await create(owner.token, org, "Web")).json;
    const clash = await s.call(owner.token, "PATCH", `/v1/projects/${p.id}`, { name: "API" });
    expect(clash.statusCode).toBe(409);
    expect(clash.json.errors[0]).toMatchObject({ field: "/name", code: "already_exists" });
    expect((await s.call(owner.token, "PATCH", `/v1/projects/${p.id}`, { name: "WEB" })).json.name).toBe("WEB");
    const bad = await s.call(owner.token, "PATCH", `/v1/projects/${p.id}`, { name: " padded" });
    expect(bad.statusCode).toBe(422);
    expect(bad.json.errors[0].field).toBe("/name");
  });

  it("creators with projects:create administer their own projects only; viewers get 403", async () => {
    const { owner, org } = await s.orgWithOwner("p-creator");
    const c1 = await addMember(owner.token, org, "c1@p-creator.test", { permissions: ["projects:create"] });
    const c2 = await addMember(owner.token, org, "c2@p-creator.test", { permissions: ["projects:create"] });
    const mine = (await create(c1.token, org, "Mine")).json;
    expect((await s.call(c1.token, "PATCH", `/v1/projects/${mine.id}`, { description: "ok" })).statusCode).toBe(200);
    expect((await s.call(c2.token, "PATCH", `/v1/projects/${mine.id}`, { description: "no" })).statusCode).toBe(403);
    await grant(owner.token, mine.id, "members", c2.memberId, { role: "viewer" });
    expect((await s.call(c2.token, "GET", `/v1/projects/${mine.id}`)).statusCode).toBe(200);
    expect((await s.call(c2.token, "PATCH", `/v1/projects/${mine.id}`, { description: "no" })).statusCode).toBe(403);
    expect((await s.call(c2.token, "DELETE", `/v1/projects/${mine.id}`)).statusCode).toBe(403);
  });
});

describe("delete", () => {
  it("409 project_has_access_grants with counts while any grant exists; 204 once revoked; then 404", async () => {
    const { owner, org } = await s.orgWithOwner("p-delete");
    const ext = await s.signup("ext@p-delete.test");
    const p = (await create(owner.token, org, "Web")).json;
    await grant(owner.token, p.id, "teams", org.default_team_id);
    await grant(owner.token, p.id, "accounts", ext.accountId);
    const blocked = await s.call(owner.token, "DELETE", `/v1/projects/${p.id}`);
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json).toMatchObject({ code: "project_has_access_grants", members: 0, roles: 0, teams: 1, accounts: 1 });
    await s.call(owner.token, "DELETE", `/v1/projects/${p.id}/access/teams/${org.default_team_id}`);
    await s.call(owner.token, "DELETE", `/v1/projects/${p.id}/access/accounts/${ext.accountId}`);
    expect((await s.call(owner.token, "DELETE", `/v1/projects/${p.id}`, undefined, { "if-match": '"7"' })).statusCode).toBe(412);
    expect((await s.call(owner.token, "DELETE", `/v1/projects/${p.id}`)).statusCode).toBe(204);
    expect((await s.call(owner.token, "GET", `/v1/projects/${p.id}`)).statusCode).toBe(404);
    expect((await s.call(owner.token, "DELETE", `/v1/projects/${p.id}`)).statusCode).toBe(404);
    expect(await s.db.query("SELECT 1 FROM environments WHERE project_id = $1", [p.id])).toEqual([]);
    expect((await events(p.id)).at(-1)?.action).toBe("project.deleted");
    // The name is free again at once.
    expect((await create(owner.token, org, "web")).statusCode).toBe(201);
  });

  it("an organization with projects cannot be deleted (organization_has_projects)", async () => {
    const { owner, org } = await s.orgWithOwner("p-orgdel");
    const p = (await create(owner.token, org, "Web")).json;
    const r = await s.call(owner.token, "DELETE", `/v1/organizations/${org.id}`);
    expect(r.statusCode).toBe(409);
    expect(r.json.code).toBe("organization_has_projects");
    await s.call(owner.token, "DELETE", `/v1/projects/${p.id}`);
    expect((await s.call(owner.token, "DELETE", `/v1/organizations/${org.id}`)).statusCode).toBe(204);
  });
});

describe("transfer", () => {
  it("moves the project with its ID, environment IDs and account grants; audits in both orgs", async () => {
    const { owner, org } = await s.orgWithOwner("p-tr-src");
    const dst = (await s.call(owner.token, "POST", "/v1/organizations", { slug: "p-tr-dst", name: "Dst", region: "us" })).json;
    const ext = await s.signup("ext@p-tr.test");
    const p = (await create(owner.token, org, "Web")).json;
    await grant(owner.token, p.id, "accounts", ext.accountId);
    const r = await s.call(owner.token, "POST", `/v1/projects/${p.id}/transfer`, { target_organization_id: "p-tr-dst" });
    expect(r.statusCode).toBe(200);
    expect(r.json).toMatchObject({ id: p.id, organization_id: dst.id, environments: p.environments, version: 2 });
    expect((await s.call(owner.token, "GET", `/v1/projects/${p.id}/access/accounts/${ext.accountId}`)).json).toMatchObject({ external: true });
    expect((await s.call(ext.token, "GET", `/v1/projects/${p.id}`)).statusCode).toBe(200);
    const ev = (await events(p.id)).filter((e) => e.action.startsWith("project.transferred"));
    expect(ev.map((e) => [e.action, e.organization_id])).toEqual([
      ["project.transferred_out", org.id],
      ["project.transferred_in", dst.id],
    ]);
    expect(ev[0]!.changes).toEqual({ organization_id: [org.id, dst.id] });
    // The old org can be deleted now; the new one cannot.
    expect((await s.call(owner.token, "DELETE", `/v1/organizations/${dst.id}`)).json.code).toBe("organization_has_projects");
  });

  it("409 project_has_org_scoped_grants while members, roles or teams of the old org hold grants", async () => {
    const { owner, org } = await s.orgWithOwner("p-tr-scoped");
    const dst = (await s.call(owner.token, "POST", "/v1/organizations", { slug: "p-tr-scoped2", name: "D", region: "eu" })).json;
    const p = (await create(owner.token, org, "Web")).json;
    await grant(owner.token, p.id, "roles", org.default_role_id);
    const r = await s.call(owner.token, "POST", `/v1/projects/${p.id}/transfer`, { target_organization_id: dst.id });
    expect(r.statusCode).toBe(409);
    expect(r.json).toMatchObject({ code: "project_has_org_scoped_grants", roles: 1 });
    expect((await s.call(owner.token, "GET", `/v1/projects/${p.id}`)).json.organization_id).toBe(org.id);
  });

  it("409 already_exists when the target has a project of that name", async () => {
    const { owner, org } = await s.orgWithOwner("p-tr-clash");
    const dst = (await s.call(owner.token, "POST", "/v1/organizations", { slug: "p-tr-clash2", name: "D", region: "eu" })).json;
    const p = (await create(owner.token, org, "Web")).json;
    await create(owner.token, dst, "web");
    const r = await s.call(owner.token, "POST", `/v1/projects/${p.id}/transfer`, { target_organization_id: dst.id });
    expect(r.statusCode).toBe(409);
    expect(r.json.code).toBe("already_exists");
  });

  it("authorization: owner, ADMIN or billing on the source and projects:create on the target; 404 for a target the caller is not in", async () => {
    const { owner, org } = await s.orgWithOwner("p-tr-auth");
    const { owner: other, org: foreign } = await s.orgWithOwner("p-tr-foreign");
    const newOrg = async (slug: string) => (await s.call(owner.token, "POST", "/v1/organizations", { slug, name: slug, region: "eu" })).json;
    const [plainThere, creatorThere] = [await newOrg("p-tr-auth2"), await newOrg("p-tr-auth3")];
    const billing = await addMember(owner.token, org, "bill@p-tr-auth.test", { permissions: ["billing"] });
    await join(owner.token, plainThere, billing);
    await join(owner.token, creatorThere, billing, { permissions: ["projects:create"] });
    const plain = await addMember(owner.token, org, "plain@p-tr-auth.test");
    await join(owner.token, creatorThere, plain, { permissions: ["projects:create"] });
    const p = (await create(owner.token, org, "Web")).json;
    const move = (t: string, to: string) => s.call(t, "POST", `/v1/projects/${p.id}/transfer`, { target_organization_id: to });
    expect((await move(plain.token, creatorThere.id)).statusCode).toBe(403);
    expect((await move(billing.token, plainThere.id)).statusCode).toBe(403);
    expect((await move(owner.token, foreign.id)).statusCode).toBe(404);
    expect((await move(other.token, creatorThere.id)).statusCode).toBe(404);
    const bad = await move(owner.token, "Not A Slug");
    expect(bad.statusCode).toBe(422);
    expect(bad.json.errors[0].field).toBe("/target_organization_id");
    const ok = await move(billing.token, creatorThere.slug);
    expect(ok.statusCode).toBe(200);
    expect(ok.json.organization_id).toBe(creatorThere.id);
  });

  it("a transfer to the project's own organization changes nothing", async () => {
    const { owner, org } = await s.orgWithOwner("p-tr-same");
    const p = (await create(owner.token, org, "Web")).json;
    const r = await s.call(owner.token, "POST", `/v1/projects/${p.id}/transfer`, { target_organization_id: org.slug });
    expect(r.statusCode).toBe(200);
    expect(r.json).toEqual(p);
  });
});
