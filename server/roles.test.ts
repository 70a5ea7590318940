// Roles: built-ins are fixed, custom roles carry permissions, names are unique in any case, and a
// role in use cannot be deleted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/support/server";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

const builtins = async (token: string, org: string) => {
  const items = (await s.call(token, "GET", `/v1/organizations/${org}/roles`)).json.items as { id: string; name: string; builtin: boolean }[];
  return { DEFAULT: items.find((r) => r.name === "DEFAULT")!, ADMIN: items.find((r) => r.name === "ADMIN")! };
};

describe("roles", () => {
  it("every organization has DEFAULT (no permissions) and ADMIN (all, admin page); members can list them", async () => {
    const { owner, org } = await s.orgWithOwner("roles-list");
    const m = await s.join(owner.token, org.id, "m@roles-list.test");
    const r = await s.call(m.token, "GET", `/v1/organizations/${org.id}/roles`);
    expect(r.statusCode).toBe(200);
    expect(r.json.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "DEFAULT", builtin: true, permissions: [], admin_page: false }),
        expect.objectContaining({ name: "ADMIN", builtin: true, permissions: ["billing", "plans", "projects:create", "members"], admin_page: true }),
      ]),
    );
  });

  it("creates a custom role (201, Location, audit); 409 already_exists naming /name for the same name in another case", async () => {
    const { owner, org } = await s.orgWithOwner("roles-create");
    const r = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/roles`, {
      name: "Billing Admins",
      permissions: ["billing", "plans"],
      description: "money",
    });
    expect(r.statusCode).toBe(201);
    expect(r.headers.location).toBe(`/v1/organizations/${org.id}/roles/${r.json.id}`);
    expect(r.json).toMatchObject({ name: "Billing Admins", builtin: false, permissions: ["billing", "plans"], version: 1 });
    const dup = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/roles`, { name: "billing admins" });
    expect(dup.statusCode).toBe(409);
    expect(dup.json).toMatchObject({ code: "already_exists", existing_id: r.json.id, errors: [{ field: "/name" }] });
    expect((await s.call(owner.token, "POST", `/v1/organizations/${org.id}/roles`, { name: "admin" })).statusCode).toBe(409);
    const bad = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/roles`, { name: "X", permissions: ["root"] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json.errors[0].field).toBe("/permissions/0");
  });

  it("updates a custom role with If-Match (412 when stale); members holding it gain its permissions", async () => {
    const { owner, org } = await s.orgWithOwner("roles-update");
    const role = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/roles`, { name: "Ops" })).json;
    const m = await s.join(owner.token, org.id, "o@roles-update.test", { role_ids: [role.id] });
    const url = `/v1/organizations/${org.id}/roles/${role.id}`;
    const r = await s.call(owner.token, "PATCH", url, { permissions: ["projects:create"] }, { "if-match": '"1"' });
    expect(r.json).toMatchObject({ permissions: ["projects:create"], version: 2 });
    expect((await s.call(owner.token, "PATCH", url, { name: "Ops 2" }, { "if-match": '"1"' })).statusCode).toBe(412);
    expect((await s.call(m.token, "GET", `/v1/organizations/${org.id}/members/${m.memberId}`)).json.effective_permissions).toEqual(["projects:create"]);
    expect((await s.call(m.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "Mine" })).statusCode).toBe(201);
  });

  it("built-in roles cannot be changed or deleted (422 builtin_role)", async () => {
    const { owner, org } = await s.orgWithOwner("roles-builtin");
    const { DEFAULT, ADMIN } = await builtins(owner.token, org.id);
    const patch = await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}/roles/${DEFAULT.id}`, { permissions: ["billing"] });
    expect(patch.statusCode).toBe(422);
    expect(patch.json.code).toBe("builtin_role");
    expect((await s.call(owner.token, "DELETE", `/v1/organizations/${org.id}/roles/${ADMIN.id}`)).json.code).toBe("builtin_role");
  });

  it("409 role_in_use while a member holds it or a grant uses it; 204 once free, then 404", async () => {
    const { owner, org } = await s.orgWithOwner("roles-inuse");
    const role = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/roles`, { name: "Temp" })).json;
    const { DEFAULT } = await builtins(owner.token, org.id);
    const m = await s.join(owner.token, org.id, "t@roles-inuse.test", { role_ids: [role.id] });
    const url = `/v1/organizations/${org.id}/roles/${role.id}`;
    expect((await s.call(owner.token, "DELETE", url)).json).toMatchObject({ code: "role_in_use", member_count: 1 });
    await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}/members/${m.memberId}`, { role_ids: [DEFAULT.id] });
    const p = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "P" })).json;
    expect((await s.call(owner.token, "PUT", `/v1/projects/${p.id}/access/roles/${role.id}`, { role: "viewer" })).statusCode).toBe(201);
    expect((await s.call(owner.token, "DELETE", url)).json).toMatchObject({ code: "role_in_use", grant_count: 1 });
    await s.call(owner.token, "DELETE", `/v1/projects/${p.id}/access/roles/${role.id}`);
    expect((await s.call(owner.token, "DELETE", url)).statusCode).toBe(204);
    expect((await s.call(owner.token, "GET", url)).statusCode).toBe(404);
  });

  it("only owner and ADMIN manage roles: 403 for members (even with members), 404 outsiders, 401 without token", async () => {
    const { owner, org } = await s.orgWithOwner("roles-auth");
    const hr = await s.join(owner.token, org.id, "hr@roles-auth.test", { permissions: ["members"] });
    expect((await s.call(hr.token, "POST", `/v1/organizations/${org.id}/roles`, { name: "X" })).statusCode).toBe(403);
    const admin = await s.join(owner.token, org.id, "adm@roles-auth.test", { role_ids: [(await builtins(owner.token, org.id)).ADMIN.id] });
    expect((await s.call(admin.token, "POST", `/v1/organizations/${org.id}/roles`, { name: "X" })).statusCode).toBe(201);
    const out = await s.signup("out@roles-auth.test");
    expect((await s.call(out.token, "GET", `/v1/organizations/${org.id}/roles`)).statusCode).toBe(404);
    expect((await s.call(null, "GET", `/v1/organizations/${org.id}/roles`)).statusCode).toBe(401);
  });
});
