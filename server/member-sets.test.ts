// The authoritative sets: members:plan / members:apply and access:plan / access:apply. Each rule
// of the per-member and per-grant endpoints holds over a whole set, refusals name their entries,
// and an apply is all or nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/support/server";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ config: { invitationQuota: 20 } });
});
afterAll(async () => {
  await s.close();
});

const plan = (token: string, org: string, body: unknown) => s.call(token, "POST", `/v1/organizations/${org}/members:plan`, body);
const apply = (token: string, org: string, body: unknown, version?: string) =>
  s.call(token, "POST", `/v1/organizations/${org}/members:apply`, body, version ? { "if-match": `"${version}"` } : {});
const count = async (sql: string, params: unknown[]) => Number((await s.db.query<{ n: string }>(sql, params))[0]!.n);
const actions = async (orgId: string) =>
  (await s.db.query<{ action: string }>("SELECT action FROM audit_events WHERE organization_id = $1 ORDER BY id", [orgId])).map((e) => e.action);

describe("members:plan and members:apply", () => {
  it("plans invitations, updates, removals and unmanaged members by name, writes nothing, then applies them with the plan's version", async () => {
    const { owner, org } = await s.orgWithOwner("sets-basic");
    await s.call(owner.token, "POST", `/v1/organizations/${org.id}/teams`, { name: "Platform" });
    const bob = await s.invite(owner.token, org.id, "bob@example.com");
    await s.invite(owner.token, org.id, "carol@example.com");
    const body = {
      members: [
        { email: "Alice@Example.com", role_ids: ["Default"], team_ids: ["platform"] },
        { email: "bob@example.com", role_ids: ["DEFAULT"], team_ids: ["Platform"], permissions: ["billing"] },
      ],
    };
    const before = await actions(org.id);
    const p = await plan(owner.token, org.id, body);
    expect(p.statusCode).toBe(200);
    expect(p.json.invite).toMatchObject([{ pointer: "/members/0", email: "Alice@Example.com", permissions: [] }]);
    expect(p.json.update).toMatchObject([{ pointer: "/members/1", email: "bob@example.com", member_id: bob.id }]);
    expect(Object.keys(p.json.update[0].changes).sort()).toEqual(["permissions", "team_ids"]);
    expect(p.json.remove).toEqual([]);
    expect(p.json.unmanaged).toEqual([expect.objectContaining({ email: "carol@example.com", status: "invited" })]);
    expect(p.json.invitations.needed).toBe(1);
    expect(await actions(org.id)).toEqual(before);

    const r = await apply(owner.token, org.id, { ...body, prune: true }, p.json.membership_version);
    expect(r.statusCode).toBe(200);
    expect(r.json.remove).toEqual([expect.objectContaining({ email: "carol@example.com" })]);
    expect(r.json.members.map((m: { email: string }) => m.email).sort()).toEqual(["Alice@Example.com", "bob@example.com", `${owner.email}`].sort());
    expect(r.json.membership_version).not.toBe(p.json.membership_version);
    expect((await actions(org.id)).slice(before.length).sort()).toEqual(["invitation.created", "invitation.revoked", "member.updated"]);
    expect(await count("SELECT count(*) AS n FROM outbox WHERE lower(to_address) = 'alice@example.com'", [])).toBe(1);

    // The same body again: nothing to do, nothing written.
    const again = await plan(owner.token, org.id, { ...body, prune: true });
    expect(again.json).toMatchObject({ invite: [], update: [], remove: [], unchanged: 2, membership_version: r.json.membership_version });
  });

  it("412 when the membership changed since the plan, and nothing is applied", async () => {
    const { owner, org } = await s.orgWithOwner("sets-412");
    const body = { members: [{ email: "dan@example.com" }] };
    const p = await plan(owner.token, org.id, body);
    await s.invite(owner.token, org.id, "erin@example.com");
    const r = await apply(owner.token, org.id, body, p.json.membership_version);
    expect(r.statusCode).toBe(412);
    expect(r.json.code).toBe("precondition_failed");
    expect(r.json.detail).toMatch(/changed since the plan/);
    expect(await count("SELECT count(*) AS n FROM members WHERE organization_id = $1 AND email = 'dan@example.com'", [org.id])).toBe(0);
  });

  it("refuses unknown role and team names with their pointers, and a duplicate email, all at once", async () => {
    const { owner, org } = await s.orgWithOwner("sets-names");
    const r = await plan(owner.token, org.id, {
      members: [{ email: "a@example.com", role_ids: ["DEFAULT", "Auditor"] }, { email: "b@example.com", team_ids: ["Nope"] }, { email: "A@example.com" }],
    });
    expect(r.statusCode).toBe(422);
    expect(r.json.errors.map((e: { field: string }) => e.field)).toEqual(["/members/0/role_ids/1", "/members/1/team_ids/0", "/members/2/email"]);
    expect(r.json.errors[0].message).toMatch(/no role named "Auditor" in sets-names \(its roles: ADMIN, DEFAULT\)/);
  });

  it("never removes the owner, and max_removals refuses a plan that removes too many, listing them; nothing removed", async () => {
    const { owner, org } = await s.orgWithOwner("sets-guard");
    for (const e of ["p1@example.com", "p2@example.com", "p3@example.com"]) await s.invite(owner.token, org.id, e);
    const r = await apply(owner.token, org.id, { members: [], prune: true, max_removals: 2 });
    expect(r.statusCode).toBe(422);
    expect(r.json.code).toBe("too_many_removals");
    expect(r.json.detail).toMatch(/removes 3 members, more than max_removals \(2\): p1@example.com, p2@example.com, p3@example.com/);
    expect(await count("SELECT count(*) AS n FROM members WHERE organization_id = $1", [org.id])).toBe(4);
    const ok = await apply(owner.token, org.id, { members: [], prune: true });
    expect(ok.statusCode).toBe(200);
    expect(ok.json.members).toEqual([expect.objectContaining({ email: owner.email, is_owner: true })]);
  });

  it("holds the per-member rules: a members holder cannot give ADMIN or act on an admin, nor change itself; the refusal names every entry and applies nothing", async () => {
    const { owner, org } = await s.orgWithOwner("sets-rules");
    const admin = await s.join(owner.token, org.id, "adm@example.com", { role_ids: [org.admin_role_id] });
    const mgr = await s.join(owner.token, org.id, "mgr@example.com", { permissions: ["members"] });
    const r = await apply(mgr.token, org.id, {
      members: [
        { email: "new@example.com", role_ids: ["ADMIN"] },
        { email: "adm@example.com", role_ids: ["DEFAULT"] },
        { email: "mgr@example.com", permissions: [] },
        { email: "ok@example.com" },
      ],
    });
    expect(r.statusCode).toBe(403);
    expect(r.json.code).toBe("privilege_escalation");
    expect(r.json.errors.map((e: { field: string }) => e.field)).toEqual(["/members/0", "/members/1", "/members/2"]);
    expect(r.json.errors[1].message).toMatch(/ADMIN role/);
    expect(r.json.errors[2].message).toMatch(/your own roles or permissions/);
    expect(await count("SELECT count(*) AS n FROM members WHERE organization_id = $1 AND email = 'ok@example.com'", [org.id])).toBe(0);
    expect(admin.memberId).toBeTruthy();
    // The owner's roles never change.
    const own = await plan(owner.token, org.id, { members: [{ email: owner.email, role_ids: ["DEFAULT"] }] });
    expect(own.statusCode).toBe(409);
    expect(own.json.code).toBe("cannot_remove_owner");
    // A plain member may plan (it reads the membership) but not apply a change.
    const plain = await s.join(owner.token, org.id, "plain@example.com");
    const f = await plan(plain.token, org.id, { members: [{ email: "x@example.com" }] });
    expect(f.statusCode).toBe(403);
    expect(f.json.code).toBe("forbidden");
  });

  it("counts every invitation against the quota at once: over it, 429 saying how many the plan needs and how many are left, nothing sent", async () => {
    const { owner, org } = await s.orgWithOwner("sets-quota");
    const members = Array.from({ length: 25 }, (_, i) => ({ email: `q${i}@example.com` }));
    const p = await plan(owner.token, org.id, { members });
    expect(p.json.invitations).toEqual({ needed: 25, remaining: 20 });
    const r = await apply(owner.token, org.id, { members });
    expect(r.statusCode).toBe(429);
    expect(r.json.code).toBe("invitation_quota_exceeded");
    expect(r.json.detail).toMatch(/sends 25 invitations and the organization's quota \(20 per 24 hours\) has 20 left/);
    expect(Number(r.headers["retry-after"])).toBeGreaterThan(60);
    expect(await count("SELECT count(*) AS n FROM members WHERE organization_id = $1", [org.id])).toBe(1);
    expect(await count("SELECT count(*) AS n FROM outbox WHERE to_address LIKE 'q%@example.com'", [])).toBe(0);
  });

  it("removing a member takes its direct grants, each with its event", async () => {
    const { owner, org } = await s.orgWithOwner("sets-grants");
    const m = await s.invite(owner.token, org.id, "g@example.com");
    const prj = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "api" });
    await s.call(owner.token, "PUT", `/v1/projects/${prj.json.id}/access/members/${m.id}`, { role: "viewer" });
    const r = await apply(owner.token, org.id, { members: [], prune: true });
    expect(r.statusCode).toBe(200);
    expect(await count("SELECT count(*) AS n FROM project_access WHERE project_id = $1", [prj.json.id])).toBe(0);
    expect((await actions(org.id)).slice(-2)).toEqual(["project_access.revoked", "invitation.revoked"]);
  });
});

describe("access:plan and access:apply", () => {
  it("grants, changes and revokes a project's grants by member email and team name, with one event each", async () => {
    const { owner, org } = await s.orgWithOwner("acc-basic");
    const m = await s.invite(owner.token, org.id, "v@example.com");
    const other = await s.invite(owner.token, org.id, "w@example.com");
    const prj = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "api" })).json;
    await s.call(owner.token, "PUT", `/v1/projects/${prj.id}/access/members/${other.id}`, { role: "viewer" });
    const body = {
      grants: [
        { member: "V@example.com", level: "admin" },
        { team: "My Team", level: "viewer", environment_roles: { sandbox: "contributor" } },
      ],
    };
    const p = await s.call(owner.token, "POST", `/v1/projects/${prj.id}/access:plan`, body);
    expect(p.statusCode).toBe(200);
    expect(p.json.grant).toMatchObject([
      { pointer: "/grants/0", principal_type: "members", principal_id: m.id, display_name: "v@example.com", level: "admin" },
      { pointer: "/grants/1", principal_type: "teams", display_name: "My Team", environment_roles: { sandbox: "contributor", live: "viewer" } },
    ]);
    expect(p.json.unmanaged).toMatchObject([{ principal_id: other.id, display_name: "w@example.com" }]);
    const r = await s.call(owner.token, "POST", `/v1/projects/${prj.id}/access:apply`, { ...body, prune: true }, { "if-match": `"${p.json.access_version}"` });
    expect(r.statusCode).toBe(200);
    expect(r.json.revoke).toMatchObject([{ principal_id: other.id }]);
    expect(r.json.grants).toHaveLength(2);
    expect((await actions(org.id)).slice(-3)).toEqual(["project_access.granted", "project_access.granted", "project_access.revoked"]);
    const stale = await s.call(owner.token, "POST", `/v1/projects/${prj.id}/access:apply`, body, { "if-match": `"${p.json.access_version}"` });
    expect(stale.statusCode).toBe(412);
  });

  it("refuses principals of another organization, unknown accounts and admins short of admin everywhere, with pointers", async () => {
    const { owner, org } = await s.orgWithOwner("acc-bad");
    const prj = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "api" })).json;
    const r = await s.call(owner.token, "POST", `/v1/projects/${prj.id}/access:plan`, {
      grants: [
        { member: "nobody@example.com", level: "viewer" },
        { account: "acct_nope", level: "viewer" },
        { role: "DEFAULT", level: "admin", environment_roles: { live: "viewer" } },
      ],
    });
    expect(r.statusCode).toBe(422);
    expect(r.json.errors.map((e: { field: string }) => e.field)).toEqual(["/grants/0/member", "/grants/1/account", "/grants/2/environment_roles/live"]);
  });
});
