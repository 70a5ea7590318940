// Project access grants: PUT to a natural key (201 created, 200 updated), principals checked against
// the project's org, conditional requests, revocation, and a member's effective access.
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

type Account = { token: string; accountId: string; email: string };
type Person = Account & { memberId: string };

/**
 * Invites `acct` to `org` and returns the member and a way to accept: through the API, or (while
 * the members endpoints are placeholders answering 5xx) with SQL.
 */
async function invite(ownerToken: string, org: any, acct: Account, o: { permissions?: string[]; role_ids?: string[] } = {}) {
  const r = await s.call(ownerToken, "POST", `/v1/organizations/${org.id}/members`, { email: acct.email, ...o });
  if (r.statusCode === 201) {
    return {
      memberId: r.json.id as string,
      async accept() {
        const box = await s.call(s.operatorToken, "GET", `/v1/outbox?to=${encodeURIComponent(acct.email)}`);
        expect((await s.call(acct.token, "POST", "/v1/invitations/accept", { token: box.json.items.at(-1).invitation_token })).statusCode).toBe(200);
      },
    };
  }
  expect(r.statusCode).toBeGreaterThanOrEqual(500);
  const memberId = newId("mem");
  await s.db.query("INSERT INTO members (id, organization_id, email, email_normalized, permissions) VALUES ($1, $2, $3, lower($3), $4)", [
    memberId,
    org.id,
    acct.email,
    o.permissions ?? [],
  ]);
  for (const role of o.role_ids ?? [org.default_role_id]) await s.db.query("INSERT INTO member_roles VALUES ($1, $2)", [memberId, role]);
  await s.db.query("INSERT INTO team_members (team_id, member_id) VALUES ($1, $2)", [org.default_team_id, memberId]);
  return {
    memberId,
    async accept() {
      await s.db.query("UPDATE members SET account_id = $2, joined_at = now() WHERE id = $1", [memberId, acct.accountId]);
    },
  };
}

async function addMember(ownerToken: string, org: any, email: string, o: { permissions?: string[]; role_ids?: string[] } = {}): Promise<Person> {
  const acct = await s.signup(email);
  const inv = await invite(ownerToken, org, acct, o);
  await inv.accept();
  return { ...acct, memberId: inv.memberId };
}

/** An org with its owner and one project. */
async function setup(slug: string) {
  const { owner, org } = await s.orgWithOwner(slug);
  const project = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "Web" })).json;
  return { owner, org, project, url: (type: string, id: string) => `/v1/projects/${project.id}/access/${type}/${id}` };
}

const events = (projectId: string, prefix = "project_access.") =>
  s.db.query<{ action: string; changes: any; target: any }>(
    "SELECT action, changes, target FROM audit_events WHERE project_id = $1 AND action LIKE $2 ORDER BY id",
    [projectId, `${prefix}%`],
  );

describe("PUT a grant", () => {
  it("201 with Location and ETag when created, 200 when changed or unchanged; audited granted/updated", async () => {
    const { owner, org, project, url } = await setup("g-put");
    const bob = await addMember(owner.token, org, "bob@g-put.test");
    const created = await s.call(owner.token, "PUT", url("members", bob.memberId), { role: "viewer" });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe(url("members", bob.memberId));
    expect(created.headers.etag).toBe('"1"');
    expect(created.json).toMatchObject({
      project_id: project.id,
      principal_type: "members",
      principal_id: bob.memberId,
      role: "viewer",
      environment_roles: { sandbox: "viewer", live: "viewer" },
      external: false,
      version: 1,
    });
    const same = await s.call(owner.token, "PUT", url("members", bob.memberId), { role: "viewer" });
    expect(same.statusCode).toBe(200);
    expect(same.json.version).toBe(1);
    const changed = await s.call(owner.token, "PUT", url("members", bob.memberId), { role: "admin" });
    expect(changed.statusCode).toBe(200);
    expect(changed.json).toMatchObject({ role: "admin", environment_roles: { sandbox: "admin", live: "admin" }, version: 2 });
    const ev = await events(project.id);
    expect(ev.map((e) => e.action)).toEqual(["project_access.granted", "project_access.updated"]);
    expect(ev[0]!.target).toEqual({ type: "project_access", id: `${project.id}/members/${bob.memberId}`, display_name: "bob@g-put.test" });
    expect(ev[1]!.changes.role).toEqual(["viewer", "admin"]);
  });

  it("environment roles default from the level, can be set per type or to null; admins are admin everywhere (422)", async () => {
    const { owner, org, url } = await setup("g-env");
    const put = (body: unknown) => s.call(owner.token, "PUT", url("teams", org.default_team_id), body);
    expect((await put({ role: "viewer", environment_roles: { sandbox: "contributor" } })).json.environment_roles).toEqual({
      sandbox: "contributor",
      live: "viewer",
    });
    // PUT replaces: what is left out goes back to the level's default.
    expect((await put({ role: "viewer", environment_roles: { live: null } })).json.environment_roles).toEqual({ sandbox: "viewer", live: null });
    const adminLimited = await put({ role: "admin", environment_roles: { live: "viewer" } });
    expect(adminLimited.statusCode).toBe(422);
    expect(adminLimited.json.errors[0].field).toBe("/environment_roles/live");
    const badLevel = await put({ role: "owner" });
    expect(badLevel.statusCode).toBe(422);
    expect(badLevel.json.errors[0].field).toBe("/role");
    const badEnv = await put({ role: "viewer", environment_roles: { staging: "admin" } });
    expect(badEnv.statusCode).toBe(422);
    expect((await put(undefined)).statusCode).toBe(422);
  });

  it("principals must belong to the project's org (422 principal_not_in_organization); accounts must exist (422 account_not_found)", async () => {
    const { owner, url } = await setup("g-principal");
    const { org: other } = await s.orgWithOwner("g-principal-other");
    const put = (type: string, id: string) => s.call(owner.token, "PUT", url(type, id), { role: "viewer" });
    for (const [type, id] of [
      ["members", other.owner_member_id],
      ["roles", other.admin_role_id],
      ["teams", other.default_team_id],
      ["members", "mem_nosuch"],
    ] as const) {
      const r = await put(type, id);
      expect(r.statusCode).toBe(422);
      expect(r.json).toMatchObject({ code: "principal_not_in_organization", errors: [{ field: "principal_id" }] });
    }
    const acct = await put("accounts", "acct_nosuch");
    expect(acct.statusCode).toBe(422);
    expect(acct.json.code).toBe("account_not_found");
    expect((await put("users", "x")).statusCode).toBe(404);
  });

  it("external is true for an outside account and false for an account that is a member", async () => {
    const { owner, org, url } = await setup("g-external");
    const outsider = await s.signup("out@g-external.test");
    const member = await addMember(owner.token, org, "in@g-external.test");
    expect((await s.call(owner.token, "PUT", url("accounts", outsider.accountId), { role: "viewer" })).json.external).toBe(true);
    expect((await s.call(owner.token, "PUT", url("accounts", member.accountId), { role: "viewer" })).json.external).toBe(false);
  });

  it("conditional PUT: 412 on a stale If-Match, on If-Match for a grant that is gone, and on If-None-Match: * when it exists", async () => {
    const { owner, org, url } = await setup("g-cond");
    const u = url("roles", org.default_role_id);
    const missing = await s.call(owner.token, "PUT", u, { role: "viewer" }, { "if-match": '"1"' });
    expect(missing.statusCode).toBe(412);
    expect((await s.call(owner.token, "PUT", u, { role: "viewer" }, { "if-none-match": "*" })).statusCode).toBe(201);
    const again = await s.call(owner.token, "PUT", u, { role: "admin" }, { "if-none-match": "*" });
    expect(again.statusCode).toBe(412);
    expect(again.json.current_etag).toBe('"1"');
    expect((await s.call(owner.token, "PUT", u, { role: "admin" }, { "if-match": '"1"' })).statusCode).toBe(200);
    const stale = await s.call(owner.token, "PUT", u, { role: "viewer" }, { "if-match": '"1"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json.current_etag).toBe('"2"');
    expect((await s.call(owner.token, "GET", u)).json.role).toBe("admin");
  });
});

describe("read and revoke", () => {
  it("GET one (200, 404), list filtered by principal type and paged", async () => {
    const { owner, org, project, url } = await setup("g-read");
    const ext = await s.signup("ext@g-read.test");
    await s.call(owner.token, "PUT", url("teams", org.default_team_id), { role: "viewer" });
    await s.call(owner.token, "PUT", url("roles", org.default_role_id), { role: "viewer" });
    await s.call(owner.token, "PUT", url("accounts", ext.accountId), { role: "viewer" });
    expect((await s.call(owner.token, "GET", url("teams", org.default_team_id))).json.principal_type).toBe("teams");
    expect((await s.call(owner.token, "GET", url("teams", "team_nosuch"))).statusCode).toBe(404);
    const list = (q: string) => s.call(owner.token, "GET", `/v1/projects/${project.id}/access${q}`);
    expect((await list("")).json.items.map((g: any) => g.principal_type)).toEqual(["accounts", "roles", "teams"]);
    expect((await list("?principal_type=roles")).json.items).toHaveLength(1);
    expect((await list("?principal_type=people")).statusCode).toBe(400);
    const p1 = await list("?limit=2");
    expect(p1.json.items).toHaveLength(2);
    const p2 = await list(`?limit=2&cursor=${p1.json.next_cursor}`);
    expect(p2.json).toMatchObject({ items: [{ principal_type: "teams" }], next_cursor: null });
  });

  it("DELETE: 204 and audited; 404 when already gone; 412 on a stale If-Match", async () => {
    const { owner, org, project, url } = await setup("g-delete");
    const u = url("teams", org.default_team_id);
    await s.call(owner.token, "PUT", u, { role: "viewer" });
    expect((await s.call(owner.token, "DELETE", u, undefined, { "if-match": '"3"' })).statusCode).toBe(412);
    expect((await s.call(owner.token, "DELETE", u, undefined, { "if-match": '"1"' })).statusCode).toBe(204);
    expect((await s.call(owner.token, "GET", u)).statusCode).toBe(404);
    expect((await s.call(owner.token, "DELETE", u)).statusCode).toBe(404);
    const ev = await events(project.id);
    expect(ev.at(-1)).toMatchObject({ action: "project_access.revoked", target: { display_name: "My Team" }, changes: { role: ["viewer", null] } });
  });
});

describe("authorization", () => {
  it("project admins manage grants; viewers and plain members get 403; outsiders 404; no token 401", async () => {
    const { owner, org, project, url } = await setup("g-authz");
    const admin = await addMember(owner.token, org, "admin@g-authz.test");
    const viewer = await addMember(owner.token, org, "viewer@g-authz.test");
    const plain = await addMember(owner.token, org, "plain@g-authz.test");
    const stranger = await s.signup("stranger@g-authz.test");
    await s.call(owner.token, "PUT", url("members", admin.memberId), { role: "admin" });
    await s.call(owner.token, "PUT", url("members", viewer.memberId), { role: "viewer" });
    const target = url("members", plain.memberId);
    expect((await s.call(viewer.token, "PUT", target, { role: "viewer" })).statusCode).toBe(403);
    expect((await s.call(plain.token, "PUT", target, { role: "viewer" })).statusCode).toBe(403);
    expect((await s.call(stranger.token, "PUT", target, { role: "viewer" })).statusCode).toBe(404);
    expect((await s.call(null, "PUT", target, { role: "viewer" })).statusCode).toBe(401);
    expect((await s.call(admin.token, "PUT", target, { role: "viewer" })).statusCode).toBe(201);
    expect((await s.call(viewer.token, "GET", `/v1/projects/${project.id}/access`)).statusCode).toBe(200);
    expect((await s.call(plain.token, "GET", `/v1/projects/${project.id}/access`)).statusCode).toBe(200);
    expect((await s.call(viewer.token, "DELETE", target)).statusCode).toBe(403);
    expect((await s.call(stranger.token, "GET", target)).statusCode).toBe(404);
    expect((await s.call(admin.token, "DELETE", target)).statusCode).toBe(204);
    expect((await s.call(plain.token, "GET", `/v1/projects/${project.id}/access`)).statusCode).toBe(403);
  });

  it("role and team grants reach their members; a grant to an invited member takes effect on acceptance", async () => {
    const { owner, org, project, url } = await setup("g-reach");
    const viaRole = await addMember(owner.token, org, "role@g-reach.test");
    const get = (t: string) => s.call(t, "GET", `/v1/projects/${project.id}`);
    expect((await get(viaRole.token)).statusCode).toBe(403);
    await s.call(owner.token, "PUT", url("roles", org.default_role_id), { role: "viewer" });
    expect((await get(viaRole.token)).statusCode).toBe(200);
    await s.call(owner.token, "DELETE", url("roles", org.default_role_id));
    await s.call(owner.token, "PUT", url("teams", org.default_team_id), { role: "viewer" });
    expect((await get(viaRole.token)).statusCode).toBe(200);
    await s.call(owner.token, "DELETE", url("teams", org.default_team_id));

    const later = await s.signup("later@g-reach.test");
    const inv = await invite(owner.token, org, later);
    expect((await s.call(owner.token, "PUT", url("members", inv.memberId), { role: "viewer" })).statusCode).toBe(201);
    expect((await get(later.token)).statusCode).toBe(404);
    await inv.accept();
    expect((await get(later.token)).statusCode).toBe(200);
  });
});

describe("an outside account with an admin grant (§4 note 8)", () => {
  it("administers that project (edit, grant, revoke) and sees nothing else of the organization", async () => {
    const { owner, org, project, url } = await setup("g-ext-admin");
    const other = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "Other" })).json;
    const ext = await s.signup("ext@g-ext-admin.test");
    const friend = await s.signup("friend@g-ext-admin.test");
    await s.call(owner.token, "PUT", url("accounts", ext.accountId), { role: "admin" });
    const as = (method: string, path: string, body?: unknown) => s.call(ext.token, method, path, body);
    expect((await as("PATCH", `/v1/projects/${project.id}`, { description: "run by a contractor" })).statusCode).toBe(200);
    expect((await as("PUT", url("accounts", friend.accountId), { role: "viewer" })).statusCode).toBe(201);
    expect((await as("PUT", url("teams", org.default_team_id), { role: "viewer" })).statusCode).toBe(201);
    expect((await as("DELETE", url("accounts", friend.accountId))).statusCode).toBe(204);
    expect((await as("GET", `/v1/organizations/${org.id}/projects`)).json.items.map((p: any) => p.id)).toEqual([project.id]);
    for (const path of ["", "/members", "/teams", "/roles", `/members/${org.owner_member_id}/project-access`, "/audit-events"]) {
      expect((await as("GET", `/v1/organizations/${org.id}${path}`)).statusCode, path).toBe(404);
    }
    expect((await as("GET", `/v1/projects/${other.id}`)).statusCode).toBe(404);
    expect((await as("PUT", `/v1/projects/${other.id}/access/accounts/${friend.accountId}`, { role: "viewer" })).statusCode).toBe(404);
    expect((await as("GET", "/v1/me")).json.memberships).toEqual([]);
    // Moving the project needs the organization's owner, ADMIN or billing: said without naming the organization.
    const dest = await s.orgWithOwner("ext-dest-org");
    const moved = await as("POST", `/v1/projects/${project.id}/transfer`, { target_organization_id: dest.org.id });
    expect({ status: moved.statusCode, code: moved.json.code }).toEqual({ status: 403, code: "forbidden" });
    expect(moved.json.detail).not.toContain("g-ext-admin");
    // A name taken in the organization is refused without naming the organization or the other project.
    const renamed = await as("PATCH", `/v1/projects/${project.id}`, { name: "other" });
    expect({ status: renamed.statusCode, code: renamed.json.code }).toEqual({ status: 409, code: "already_exists" });
    expect(renamed.json.existing_id).toBeUndefined();
    expect(renamed.body).not.toContain("g-ext-admin");
    expect(renamed.body).not.toContain(other.id);
  });
});

describe("a member's effective project access", () => {
  it("combines direct, role and team grants, most permissive first; implicit rights show as owner/admin/creator", async () => {
    const { owner, org, project, url } = await setup("g-effective");
    const bob = await addMember(owner.token, org, "bob@g-effective.test", { permissions: ["projects:create"] });
    const other = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "Other" })).json;
    const own = (await s.call(bob.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "Bobs" })).json;
    await s.call(owner.token, "PUT", url("members", bob.memberId), { role: "viewer", environment_roles: { sandbox: "contributor", live: null } });
    await s.call(owner.token, "PUT", url("teams", org.default_team_id), { role: "viewer", environment_roles: { live: "viewer", sandbox: "viewer" } });
    await s.call(owner.token, "PUT", url("roles", org.default_role_id), { role: "admin" });
    const mine = await s.call(bob.token, "GET", `/v1/organizations/${org.id}/members/${bob.memberId}/project-access`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json.items).toEqual([
      {
        project_id: project.id,
        project_name: "Web",
        role: "admin",
        environment_roles: { sandbox: "admin", live: "admin" },
        sources: ["member", `role:${org.default_role_id}`, `team:${org.default_team_id}`],
      },
      { project_id: own.id, project_name: "Bobs", role: "admin", environment_roles: { sandbox: "admin", live: "admin" }, sources: ["creator"] },
    ]);
    await s.call(owner.token, "DELETE", url("roles", org.default_role_id));
    const after = await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members/${bob.memberId}/project-access`);
    expect(after.json.items[0]).toMatchObject({ role: "viewer", environment_roles: { sandbox: "contributor", live: "viewer" } });
    const ownerView = await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members/${org.owner_member_id}/project-access`);
    expect(ownerView.json.items.map((e: any) => [e.project_id, e.sources])).toEqual([
      [project.id, ["owner", `team:${org.default_team_id}`]],
      [other.id, ["owner"]],
      [own.id, ["owner"]],
    ]);
  });

  it("readable by the member, ADMIN and the members permission: 403 for other members, 404 outside or unknown", async () => {
    const { owner, org } = await setup("g-effective-authz");
    const a = await addMember(owner.token, org, "a@g-ea.test");
    const b = await addMember(owner.token, org, "b@g-ea.test");
    const hr = await addMember(owner.token, org, "hr@g-ea.test", { permissions: ["members"] });
    const stranger = await s.signup("x@g-ea.test");
    const read = (t: string, id: string) => s.call(t, "GET", `/v1/organizations/${org.id}/members/${id}/project-access`);
    expect((await read(a.token, a.memberId)).statusCode).toBe(200);
    expect((await read(b.token, a.memberId)).statusCode).toBe(403);
    expect((await read(hr.token, a.memberId)).statusCode).toBe(200);
    expect((await read(owner.token, a.memberId)).json.items).toEqual([]);
    expect((await read(stranger.token, a.memberId)).statusCode).toBe(404);
    expect((await read(owner.token, "mem_nosuch")).statusCode).toBe(404);
  });

  it("a user admin sees only the projects it may view, and how many others there are (§4 note 7)", async () => {
    const { owner, org, project, url } = await setup("g-effective-hidden");
    const hidden = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "Payroll" })).json;
    const hr = await addMember(owner.token, org, "hr@g-eh.test", { permissions: ["members"] });
    const bob = await addMember(owner.token, org, "bob@g-eh.test");
    await s.call(owner.token, "PUT", url("members", hr.memberId), { role: "viewer" });
    await s.call(owner.token, "PUT", url("members", bob.memberId), { role: "admin" });
    await s.call(owner.token, "PUT", `/v1/projects/${hidden.id}/access/members/${bob.memberId}`, { role: "viewer", environment_roles: { live: null } });
    const read = (t: string) => s.call(t, "GET", `/v1/organizations/${org.id}/members/${bob.memberId}/project-access`);
    const byHr = await read(hr.token);
    expect(byHr.statusCode).toBe(200);
    expect(byHr.json).toEqual({
      items: [{ project_id: project.id, project_name: "Web", role: "admin", environment_roles: { sandbox: "admin", live: "admin" }, sources: ["member"] }],
      hidden_count: 1,
      next_cursor: null,
    });
    expect(byHr.body).not.toContain("Payroll");
    expect(byHr.body).not.toContain(hidden.id);
    // The owner and bob see both; nothing is hidden from them.
    for (const t of [owner.token, bob.token]) {
      const all = await read(t);
      expect(all.json.items.map((i: any) => i.project_id).sort()).toEqual([project.id, hidden.id].sort());
      expect(all.json.hidden_count).toBe(0);
    }
  });

  it("403 for a member without access says what is missing without naming the project", async () => {
    const { owner, org, project } = await setup("g-403-name");
    const plain = await addMember(owner.token, org, "plain@g-403-name.test");
    for (const [method, path] of [
      ["GET", ""],
      ["GET", "/environments"],
      ["GET", "/access"],
      ["PATCH", ""],
      ["DELETE", ""],
    ] as const) {
      const r = await s.call(plain.token, method, `/v1/projects/${project.id}${path}`, method === "PATCH" ? { description: "x" } : undefined);
      expect({ status: r.statusCode, code: r.json.code }, `${method} ${path}`).toEqual({ status: 403, code: "forbidden" });
      expect(r.json.detail).toBe(`you have no access to project ${project.id}: ask an admin of g-403-name or one of the project's admins for a grant`);
    }
  });
});
