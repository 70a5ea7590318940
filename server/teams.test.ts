// Teams and team membership: unique names, ≥ 1 team per member, deleting a team drops its grants
// and never removes anyone, maintainers manage their own team.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/support/server";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

const team = async (token: string, org: string, name: string) => {
  const r = await s.call(token, "POST", `/v1/organizations/${org}/teams`, { name });
  if (r.statusCode !== 201) throw new Error(r.body);
  return r.json;
};

describe("teams", () => {
  it("creates (201), lists with member counts, renames with If-Match; 409 naming /name in any case", async () => {
    const { owner, org } = await s.orgWithOwner("teams-basic");
    const t = await team(owner.token, org.id, "Platform");
    expect(t).toMatchObject({ name: "Platform", is_default: false, member_count: 0, version: 1 });
    const list = (await s.call(owner.token, "GET", `/v1/organizations/${org.id}/teams`)).json.items;
    expect(list.map((x: { name: string; member_count: number }) => [x.name, x.member_count]).sort()).toEqual([
      ["My Team", 1],
      ["Platform", 0],
    ]);
    const dup = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/teams`, { name: "PLATFORM" });
    expect(dup.json).toMatchObject({ code: "already_exists", errors: [{ field: "/name" }] });
    const url = `/v1/organizations/${org.id}/teams/${t.id}`;
    expect((await s.call(owner.token, "PATCH", url, { name: "Infra" }, { "if-match": '"1"' })).json).toMatchObject({ name: "Infra", version: 2 });
    expect((await s.call(owner.token, "PATCH", url, { name: "Infra 2" }, { "if-match": '"1"' })).statusCode).toBe(412);
    expect((await s.call(owner.token, "PATCH", url, { name: "my team" })).statusCode).toBe(409);
  });

  it("422 team_limit_reached past the configured limit", async () => {
    const small = await startTestServer({ config: { maxTeamsPerOrg: 2 } });
    try {
      const { owner, org } = await small.orgWithOwner("tiny");
      expect((await small.call(owner.token, "POST", `/v1/organizations/${org.id}/teams`, { name: "Two" })).statusCode).toBe(201);
      const r = await small.call(owner.token, "POST", `/v1/organizations/${org.id}/teams`, { name: "Three" });
      expect(r.statusCode).toBe(422);
      expect(r.json.code).toBe("team_limit_reached");
    } finally {
      await small.close();
    }
  });

  it("PUT adds a member (201) or changes their team role (200); 422 not_an_organization_member for another org's member", async () => {
    const { owner, org } = await s.orgWithOwner("teams-put");
    const t = await team(owner.token, org.id, "Web");
    const m = await s.join(owner.token, org.id, "w@teams-put.test");
    const url = `/v1/organizations/${org.id}/teams/${t.id}/members/${m.memberId}`;
    const added = await s.call(owner.token, "PUT", url, { role: "member" });
    expect(added.statusCode).toBe(201);
    expect(added.json).toMatchObject({ team_id: t.id, member_id: m.memberId, email: "w@teams-put.test", role: "member" });
    const promoted = await s.call(owner.token, "PUT", url, { role: "maintainer" });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json.role).toBe("maintainer");
    expect((await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members/${m.memberId}`)).json.team_ids).toContain(t.id);
    const other = await s.orgWithOwner("teams-put-2");
    const stranger = await s.invite(other.owner.token, other.org.id, "s@teams-put.test");
    const r = await s.call(owner.token, "PUT", `/v1/organizations/${org.id}/teams/${t.id}/members/${stranger.id}`, { role: "member" });
    expect(r.statusCode).toBe(422);
    expect(r.json.code).toBe("not_an_organization_member");
    const bad = await s.call(owner.token, "PUT", url, { role: "boss" });
    expect(bad.statusCode).toBe(422);
    expect(bad.json.errors[0].field).toBe("/role");
  });

  it("409 last_team when removing a member's only team; 204 when they have another", async () => {
    const { owner, org } = await s.orgWithOwner("teams-last");
    const t = await team(owner.token, org.id, "Extra");
    const m = await s.join(owner.token, org.id, "l@teams-last.test");
    const myTeam = m.member.team_ids[0];
    const r = await s.call(owner.token, "DELETE", `/v1/organizations/${org.id}/teams/${myTeam}/members/${m.memberId}`);
    expect(r.statusCode).toBe(409);
    expect(r.json.code).toBe("last_team");
    await s.call(owner.token, "PUT", `/v1/organizations/${org.id}/teams/${t.id}/members/${m.memberId}`, { role: "member" });
    expect((await s.call(owner.token, "DELETE", `/v1/organizations/${org.id}/teams/${myTeam}/members/${m.memberId}`)).statusCode).toBe(204);
    expect(
      (await s.call(owner.token, "GET", `/v1/organizations/${org.id}/teams/${myTeam}/members`)).json.items.map((x: { member_id: string }) => x.member_id),
    ).not.toContain(m.memberId);
  });

  it("deleting a team: 409 team_is_last_for_members naming them; otherwise its grants go and its members stay", async () => {
    const { owner, org } = await s.orgWithOwner("teams-del");
    const t = await team(owner.token, org.id, "Doomed");
    const m = await s.join(owner.token, org.id, "d@teams-del.test", { team_ids: [t.id] });
    const url = `/v1/organizations/${org.id}/teams/${t.id}`;
    const blocked = await s.call(owner.token, "DELETE", url);
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json).toMatchObject({ code: "team_is_last_for_members", member_ids: [m.memberId] });
    const myTeam = (await s.call(owner.token, "GET", `/v1/organizations/${org.id}/teams`)).json.items.find((x: { is_default: boolean }) => x.is_default).id;
    await s.call(owner.token, "PUT", `/v1/organizations/${org.id}/teams/${myTeam}/members/${m.memberId}`, { role: "member" });
    const p = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "Proj" })).json;
    expect((await s.call(owner.token, "PUT", `/v1/projects/${p.id}/access/teams/${t.id}`, { role: "viewer" })).statusCode).toBe(201);
    expect((await s.call(owner.token, "DELETE", url)).statusCode).toBe(204);
    expect((await s.call(owner.token, "GET", `/v1/projects/${p.id}/access`)).json.items).toEqual([]);
    expect((await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members/${m.memberId}`)).json.status).toBe("active");
    const events = await s.db.query<{ action: string }>("SELECT action FROM audit_events WHERE organization_id = $1", [org.id]);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["team.deleted", "project_access.revoked"]));
  });

  it("who manages: members permission yes, plain member 403, a team's maintainer for their own team only", async () => {
    const { owner, org } = await s.orgWithOwner("teams-auth");
    const a = await team(owner.token, org.id, "A");
    const b = await team(owner.token, org.id, "B");
    const hr = await s.join(owner.token, org.id, "hr@teams-auth.test", { permissions: ["members"] });
    const lead = await s.join(owner.token, org.id, "lead@teams-auth.test");
    const dev = await s.join(owner.token, org.id, "dev@teams-auth.test");
    expect((await s.call(hr.token, "POST", `/v1/organizations/${org.id}/teams`, { name: "C" })).statusCode).toBe(201);
    expect((await s.call(dev.token, "POST", `/v1/organizations/${org.id}/teams`, { name: "D" })).statusCode).toBe(403);
    await s.call(owner.token, "PUT", `/v1/organizations/${org.id}/teams/${a.id}/members/${lead.memberId}`, { role: "maintainer" });
    expect((await s.call(lead.token, "PUT", `/v1/organizations/${org.id}/teams/${a.id}/members/${dev.memberId}`, { role: "member" })).statusCode).toBe(201);
    expect((await s.call(lead.token, "PUT", `/v1/organizations/${org.id}/teams/${b.id}/members/${dev.memberId}`, { role: "member" })).statusCode).toBe(403);
    expect((await s.call(lead.token, "PATCH", `/v1/organizations/${org.id}/teams/${a.id}`, { name: "A2" })).statusCode).toBe(403);
    const out = await s.signup("out@teams-auth.test");
    expect((await s.call(out.token, "GET", `/v1/organizations/${org.id}/teams`)).statusCode).toBe(404);
  });
});

describe("deleting a team changes its members' teams", () => {
  it("only the owner deletes a team the owner is in; only the owner and ADMIN one an admin is in (403 otherwise)", async () => {
    const { owner, org } = await s.orgWithOwner("teams-guarded");
    const userAdmin = await s.join(owner.token, org.id, "ua@teams-guarded.test", { permissions: ["members"] });
    const admin = await s.join(owner.token, org.id, "adm@teams-guarded.test", { role_ids: [org.admin_role_id] });
    const withOwner = await team(owner.token, org.id, "With owner");
    const withAdmin = await team(owner.token, org.id, "With admin");
    const plain = await team(owner.token, org.id, "Plain");
    const put = (t: string, m: string) => s.call(owner.token, "PUT", `/v1/organizations/${org.id}/teams/${t}/members/${m}`, { role: "member" });
    expect((await put(withOwner.id, org.owner_member_id)).statusCode).toBe(201);
    expect((await put(withAdmin.id, admin.memberId)).statusCode).toBe(201);
    expect((await put(plain.id, userAdmin.memberId)).statusCode).toBe(201);
    const del = (token: string, t: string) => s.call(token, "DELETE", `/v1/organizations/${org.id}/teams/${t}`);

    const byUserAdmin = await del(userAdmin.token, withOwner.id);
    expect(byUserAdmin.statusCode).toBe(403);
    expect(byUserAdmin.json.detail).toMatch(/owns the organization: only the owner changes the owner's teams/);
    expect((await del(admin.token, withOwner.id)).statusCode).toBe(403);
    const adminsTeam = await del(userAdmin.token, withAdmin.id);
    expect(adminsTeam.statusCode).toBe(403);
    expect(adminsTeam.json.detail).toMatch(/holds the ADMIN role: only the owner and ADMIN members can change an admin's roles, teams or permissions/);
    // Nothing was deleted by the refusals; the callers who may, can.
    expect((await del(userAdmin.token, plain.id)).statusCode).toBe(204);
    expect((await del(admin.token, withAdmin.id)).statusCode).toBe(204);
    expect((await del(owner.token, withOwner.id)).statusCode).toBe(204);
  });
});
