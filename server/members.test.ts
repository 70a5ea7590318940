// Members, one lifecycle from invitation to removal: each rule of org-api.md §1 Member and each
// status code of its endpoints.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "./store/db";
import { startTestServer, type TestServer } from "../test/support/server";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

const DAY = 24 * 3600 * 1000;
const rolesOf = async (orgId: string) => {
  const rows = await s.db.query<{ id: string; builtin: string | null; name: string }>("SELECT id, builtin, name FROM roles WHERE organization_id = $1", [
    orgId,
  ]);
  return { DEFAULT: rows.find((r) => r.builtin === "DEFAULT")!.id, ADMIN: rows.find((r) => r.builtin === "ADMIN")!.id };
};
const defaultTeam = async (orgId: string) =>
  (await s.db.query<{ id: string }>("SELECT id FROM teams WHERE organization_id = $1 AND is_default", [orgId]))[0]!.id;
const newTeam = async (orgId: string, name: string) => {
  const id = `team_t${Math.random().toString(36).slice(2, 12)}`;
  await s.db.query("INSERT INTO teams (id, organization_id, name) VALUES ($1, $2, $3)", [id, orgId, name]);
  return id;
};
const newRole = async (orgId: string, name: string, permissions: string[]) => {
  const id = `role_t${Math.random().toString(36).slice(2, 12)}`;
  await s.db.query("INSERT INTO roles (id, organization_id, name, permissions) VALUES ($1, $2, $3, $4)", [id, orgId, name, permissions]);
  return id;
};
const actions = async (orgId: string) =>
  (await s.db.query<{ action: string }>("SELECT action FROM audit_events WHERE organization_id = $1 ORDER BY id", [orgId])).map((e) => e.action);

describe("inviting", () => {
  it("201 invited with DEFAULT role and My Team by default, a 7-day invitation, a mail, an audit event", async () => {
    const { owner, org } = await s.orgWithOwner("inv-basic");
    const r = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/members`, { email: "Alice@Example.com", note: "welcome" });
    expect(r.statusCode).toBe(201);
    expect(r.headers.location).toBe(`/v1/organizations/${org.id}/members/${r.json.id}`);
    const roles = await rolesOf(org.id);
    expect(r.json).toMatchObject({
      email: "Alice@Example.com",
      status: "invited",
      account_id: null,
      role_ids: [roles.DEFAULT],
      team_ids: [await defaultTeam(org.id)],
      permissions: [],
      effective_permissions: [],
      is_owner: false,
      joined_at: null,
      version: 1,
      invitation: { invited_by_account_id: owner.accountId, note: "welcome", sent_count: 1 },
    });
    const expires = new Date(r.json.invitation.expires_at).getTime() - s.clock.now.getTime();
    expect(Math.abs(expires - 7 * DAY)).toBeLessThan(60_000);
    const mail = await s.call(s.operatorToken, "GET", "/v1/outbox?to=alice@example.com");
    expect(mail.json.items).toHaveLength(1);
    expect(mail.json.items[0].text).toContain(mail.json.items[0].invitation_token);
    // The token is hashed at rest and never returned by reads.
    const [row] = await s.db.query<{ invitation_token_hash: string }>("SELECT invitation_token_hash FROM members WHERE id = $1", [r.json.id]);
    expect(row!.invitation_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify((await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members/${r.json.id}`)).json)).not.toContain(
      mail.json.items[0].invitation_token,
    );
    expect(await actions(org.id)).toContain("invitation.created");
  });

  it("409 already_member with existing_id for the same email in another case, for members and invitations", async () => {
    const { owner, org } = await s.orgWithOwner("inv-dup");
    const first = await s.invite(owner.token, org.id, "bob@example.com");
    const again = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/members`, { email: "BOB@example.COM" });
    expect(again.statusCode).toBe(409);
    expect(again.json).toMatchObject({ code: "already_member", existing_id: first.id, errors: [{ field: "/email" }] });
    const self = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/members`, { email: owner.email.toUpperCase() });
    expect(self.json).toMatchObject({ code: "already_member", existing_id: org.owner_member_id });
  });

  it("422 naming the field for a bad email, an unknown role or team, an empty role set", async () => {
    const { owner, org } = await s.orgWithOwner("inv-422");
    const url = `/v1/organizations/${org.id}/members`;
    for (const [body, field] of [
      [{ email: "not-an-email" }, "/email"],
      [{ email: "x@example.com", role_ids: ["role_nope"] }, "/role_ids/0"],
      [{ email: "x@example.com", team_ids: [await defaultTeam(org.id), "team_nope"] }, "/team_ids/1"],
      [{ email: "x@example.com", role_ids: [] }, "/role_ids"],
      [{ email: "x@example.com", permissions: ["root"] }, "/permissions/0"],
      [{ email: "x@example.com", extra: 1 }, "/extra"],
    ] as const) {
      const r = await s.call(owner.token, "POST", url, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(422);
      expect(
        r.json.errors.map((e: { field: string }) => e.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    expect((await s.call(owner.token, "GET", `${url}?email=x@example.com`)).json.items).toEqual([]);
  });

  it("403 for a member without the members permission; 404 for an outsider; 401 without a token", async () => {
    const { owner, org } = await s.orgWithOwner("inv-auth");
    const plain = await s.join(owner.token, org.id, "plain@inv-auth.test");
    expect((await s.call(plain.token, "POST", `/v1/organizations/${org.id}/members`, { email: "z@example.com" })).json.code).toBe("forbidden");
    const outsider = await s.signup("outsider@inv-auth.test");
    expect((await s.call(outsider.token, "POST", `/v1/organizations/${org.id}/members`, { email: "z@example.com" })).statusCode).toBe(404);
    expect((await s.call(null, "POST", `/v1/organizations/${org.id}/members`, { email: "z@example.com" })).statusCode).toBe(401);
  });

  it("holders of members may invite, but not grant what they lack, nor ADMIN (403 privilege_escalation)", async () => {
    const { owner, org } = await s.orgWithOwner("inv-esc");
    const roles = await rolesOf(org.id);
    const billingRole = await newRole(org.id, "Billing", ["billing"]);
    const hr = await s.join(owner.token, org.id, "hr@inv-esc.test", { permissions: ["members"] });
    const url = `/v1/organizations/${org.id}/members`;
    expect((await s.call(hr.token, "POST", url, { email: "ok@example.com", permissions: ["members"] })).statusCode).toBe(201);
    for (const body of [
      { email: "p@example.com", permissions: ["billing"] },
      { email: "a@example.com", role_ids: [roles.ADMIN] },
      { email: "r@example.com", role_ids: [billingRole] },
    ]) {
      const r = await s.call(hr.token, "POST", url, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(403);
      expect(r.json.code).toBe("privilege_escalation");
    }
  });

  it("429 invitation_quota_exceeded past the quota per 24 hours (re-sends count), saying when, leaving nothing behind", async () => {
    const q = await startTestServer({ config: { invitationQuota: 2 } });
    try {
      const { owner, org } = await q.orgWithOwner("quota-org");
      const url = `/v1/organizations/${org.id}/members`;
      const first = await q.invite(owner.token, org.id, "q1@example.com");
      q.clock.advance(3600 * 1000);
      expect((await q.call(owner.token, "POST", `${url}/${first.id}/invitation`)).statusCode).toBe(200);
      const r = await q.call(owner.token, "POST", url, { email: "q3@example.com" });
      expect(r.statusCode).toBe(429);
      expect(r.json.code).toBe("invitation_quota_exceeded");
      // The first invitation leaves the 24-hour window 23 hours from now (to the minute).
      const retryAfter = Number(r.headers["retry-after"]);
      expect(retryAfter).toBeGreaterThan(23 * 3600 - 60);
      expect(retryAfter).toBeLessThanOrEqual(23 * 3600);
      expect(await q.db.query("SELECT id FROM members WHERE email_normalized = 'q3@example.com'")).toEqual([]);
      expect(await q.db.query("SELECT id FROM outbox WHERE to_address = 'q3@example.com'")).toEqual([]);
      // A re-send over the quota changes nothing either.
      const again = await q.call(owner.token, "POST", `${url}/${first.id}/invitation`);
      expect(again.statusCode).toBe(429);
      expect((await q.call(owner.token, "GET", `${url}/${first.id}`)).json.invitation.sent_count).toBe(2);

      q.clock.advance(23 * 3600 * 1000);
      expect((await q.call(owner.token, "POST", url, { email: "q3@example.com" })).statusCode).toBe(201);
      expect((await q.call(owner.token, "POST", url, { email: "q4@example.com" })).statusCode).toBe(429);
      q.clock.advance(3600 * 1000);
      expect((await q.call(owner.token, "POST", url, { email: "q4@example.com" })).statusCode).toBe(201);
    } finally {
      await q.close();
    }
  });

  it("keeps counting the last day's invitations across the upgrade that introduced the counter (migration 002)", async () => {
    const q = await startTestServer({ config: { invitationQuota: 3 } });
    try {
      const { owner, org } = await q.orgWithOwner("quota-upgrade");
      await q.invite(owner.token, org.id, "u1@example.com");
      await q.invite(owner.token, org.id, "u2@example.com");
      // As a database from before the counter existed: only the audit events record the sends.
      await q.db.query("DROP TABLE invitation_sends");
      await q.db.query("DELETE FROM schema_migrations WHERE name = '002_invitation_sends.sql'");
      expect(await migrate(q.db)).toEqual(["002_invitation_sends.sql"]);
      await q.invite(owner.token, org.id, "u3@example.com");
      const r = await q.call(owner.token, "POST", `/v1/organizations/${org.id}/members`, { email: "u4@example.com" });
      expect(r.statusCode).toBe(429);
    } finally {
      await q.close();
    }
  });
});

describe("reading", () => {
  it("lists with filters (email case-insensitive, status, role, team, permission) and cursors; 304 on If-None-Match", async () => {
    const { owner, org } = await s.orgWithOwner("list-org");
    const t = await newTeam(org.id, "Ops");
    const dt = await defaultTeam(org.id);
    const a = await s.join(owner.token, org.id, "a@list.test", { team_ids: [t], permissions: ["billing"] });
    await s.invite(owner.token, org.id, "b@list.test");
    const url = `/v1/organizations/${org.id}/members`;
    const ids = async (q: string) => (await s.call(owner.token, "GET", `${url}?${q}`)).json.items.map((m: { email: string }) => m.email).sort();
    expect(await ids("email=A@LIST.TEST")).toEqual(["a@list.test"]);
    expect(await ids("status=invited")).toEqual(["b@list.test"]);
    expect(await ids("status=active")).toEqual(["a@list.test", owner.email].sort());
    expect(await ids(`team_id=${t}`)).toEqual(["a@list.test"]);
    expect(await ids(`team_id=${dt}`)).toEqual(["b@list.test", owner.email].sort());
    expect(await ids("permission=billing")).toEqual(["a@list.test"]);
    expect(await ids(`role_id=${(await rolesOf(org.id)).ADMIN}`)).toEqual([owner.email]);
    const page1 = await s.call(owner.token, "GET", `${url}?limit=2`);
    expect(page1.json.items).toHaveLength(2);
    expect(page1.headers.link).toMatch(/rel="next"/);
    const page2 = await s.call(owner.token, "GET", `${url}?limit=2&cursor=${page1.json.next_cursor}`);
    expect(page2.json.items).toHaveLength(1);
    expect(page2.json.next_cursor).toBeNull();
    const got = await s.call(a.token, "GET", `${url}/${a.memberId}`);
    expect(got.headers.etag).toBe(`"${got.json.version}"`);
    expect((await s.call(a.token, "GET", `${url}/${a.memberId}`, undefined, { "if-none-match": got.headers.etag as string })).statusCode).toBe(304);
  });

  it("an invitation past 7 days reads as expired, with no job having run", async () => {
    const { owner, org } = await s.orgWithOwner("expiry-org");
    const m = await s.invite(owner.token, org.id, "late@example.com");
    s.clock.advance(7 * DAY + 1000);
    const r = await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members/${m.id}`);
    expect(r.json.status).toBe("expired");
    expect((await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members?status=expired`)).json.items.map((x: { id: string }) => x.id)).toEqual([
      m.id,
    ]);
  });

  it("404 for a member of another organization and for an outsider", async () => {
    const { owner, org } = await s.orgWithOwner("iso-a");
    const other = await s.orgWithOwner("iso-b");
    const m = await s.invite(other.owner.token, other.org.id, "x@iso.test");
    expect((await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members/${m.id}`)).statusCode).toBe(404);
    expect((await s.call(owner.token, "GET", `/v1/organizations/${other.org.id}/members/${m.id}`)).statusCode).toBe(404);
  });
});

describe("changing a member", () => {
  it("PATCH replaces whole sets, bumps the version, honours If-Match (412 loses nothing), records the change", async () => {
    const { owner, org } = await s.orgWithOwner("patch-org");
    const t = await newTeam(org.id, "Web");
    const m = await s.join(owner.token, org.id, "p@patch.test", { permissions: ["billing", "plans"] });
    const url = `/v1/organizations/${org.id}/members/${m.memberId}`;
    const v = m.member.version;
    const r = await s.call(owner.token, "PATCH", url, { permissions: ["members"], team_ids: [t] }, { "if-match": `"${v}"` });
    expect(r.statusCode).toBe(200);
    expect(r.json).toMatchObject({ permissions: ["members"], team_ids: [t], version: v + 1 });
    const stale = await s.call(owner.token, "PATCH", url, { permissions: [] }, { "if-match": `"${v}"` });
    expect(stale.statusCode).toBe(412);
    expect(stale.json.current_etag).toBe(`"${v + 1}"`);
    expect((await s.call(owner.token, "GET", url)).json.permissions).toEqual(["members"]);
    const [ev] = await s.db.query<{ changes: Record<string, unknown> }>(
      "SELECT changes FROM audit_events WHERE organization_id = $1 AND action = 'member.updated'",
      [org.id],
    );
    expect(ev!.changes).toMatchObject({ permissions: [["billing", "plans"], ["members"]] });
  });

  it("a member keeps at least one role (422 last_role) and one team (409 last_team)", async () => {
    const { owner, org } = await s.orgWithOwner("last-org");
    const m = await s.join(owner.token, org.id, "l@last.test");
    const url = `/v1/organizations/${org.id}/members/${m.memberId}`;
    expect((await s.call(owner.token, "PATCH", url, { role_ids: [] })).json).toMatchObject({ code: "last_role", errors: [{ field: "/role_ids" }] });
    expect((await s.call(owner.token, "PATCH", url, { team_ids: [] })).json).toMatchObject({ code: "last_team", status: 409 });
    const roles = await rolesOf(org.id);
    const del = await s.call(owner.token, "DELETE", `${url}/roles/${roles.DEFAULT}`);
    expect(del.statusCode).toBe(422);
    expect(del.json.code).toBe("last_role");
  });

  it("the owner: 422 owner_has_all_permissions for permissions, 409 cannot_remove_owner for roles", async () => {
    const { owner, org } = await s.orgWithOwner("owner-org");
    const admin = await s.join(owner.token, org.id, "adm@owner.test", { role_ids: [(await rolesOf(org.id)).ADMIN] });
    const url = `/v1/organizations/${org.id}/members/${org.owner_member_id}`;
    expect((await s.call(admin.token, "PATCH", url, { permissions: ["billing"] })).json.code).toBe("owner_has_all_permissions");
    const demote = await s.call(admin.token, "PATCH", url, { role_ids: [(await rolesOf(org.id)).DEFAULT] });
    expect(demote.statusCode).toBe(409);
    expect(demote.json.code).toBe("cannot_remove_owner");
    expect((await s.call(owner.token, "GET", url)).json.role_ids).toEqual([(await rolesOf(org.id)).ADMIN]);
  });

  it("nobody changes their own roles or permissions (403 self_modification)", async () => {
    const { owner, org } = await s.orgWithOwner("self-org");
    const admin = await s.join(owner.token, org.id, "me@self.test", { role_ids: [(await rolesOf(org.id)).ADMIN] });
    const r = await s.call(admin.token, "PATCH", `/v1/organizations/${org.id}/members/${admin.memberId}`, { permissions: ["billing"] });
    expect(r.statusCode).toBe(403);
    expect(r.json.code).toBe("self_modification");
  });

  it("holders of members cannot add permissions or roles they lack (403 privilege_escalation), but can remove", async () => {
    const { owner, org } = await s.orgWithOwner("esc-org");
    const hr = await s.join(owner.token, org.id, "hr@esc.test", { permissions: ["members"] });
    const x = await s.join(owner.token, org.id, "x@esc.test", { permissions: ["billing"] });
    const url = `/v1/organizations/${org.id}/members/${x.memberId}`;
    expect((await s.call(hr.token, "PATCH", url, { permissions: ["billing", "plans"] })).json.code).toBe("privilege_escalation");
    expect((await s.call(hr.token, "PUT", `${url}/roles/${(await rolesOf(org.id)).ADMIN}`)).json.code).toBe("privilege_escalation");
    const removed = await s.call(hr.token, "PATCH", url, { permissions: [] });
    expect(removed.statusCode).toBe(200);
    expect(removed.json.permissions).toEqual([]);
  });

  it("PUT and DELETE one role: idempotent add, 404 for a role of another org, effective permissions follow", async () => {
    const { owner, org } = await s.orgWithOwner("role-org");
    const billing = await newRole(org.id, "Billers", ["billing"]);
    const m = await s.join(owner.token, org.id, "r@role.test");
    const url = `/v1/organizations/${org.id}/members/${m.memberId}/roles`;
    const added = await s.call(owner.token, "PUT", `${url}/${billing}`);
    expect(added.statusCode).toBe(200);
    expect(added.json.effective_permissions).toEqual(["billing"]);
    const again = await s.call(owner.token, "PUT", `${url}/${billing}`);
    expect(again.json.version).toBe(added.json.version);
    const other = await s.orgWithOwner("role-org-2");
    expect((await s.call(owner.token, "PUT", `${url}/${(await rolesOf(other.org.id)).ADMIN}`)).statusCode).toBe(404);
    expect((await s.call(owner.token, "DELETE", `${url}/${billing}`)).statusCode).toBe(204);
    expect((await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members/${m.memberId}`)).json.effective_permissions).toEqual([]);
  });
});

describe("acting on admins and on the owner (org-api.md §4 note 1)", () => {
  it("a user admin cannot change, demote or remove a member who holds ADMIN (403 saying who can); the owner and ADMIN can", async () => {
    const { owner, org } = await s.orgWithOwner("on-admins");
    const roles = await rolesOf(org.id);
    const t = await newTeam(org.id, "Ops");
    const hr = await s.join(owner.token, org.id, "hr@on-admins.test", { permissions: ["members"] });
    const admin = await s.join(owner.token, org.id, "adm@on-admins.test", { role_ids: [roles.ADMIN, roles.DEFAULT] });
    const other = await s.join(owner.token, org.id, "adm2@on-admins.test", { role_ids: [roles.ADMIN] });
    const url = `/v1/organizations/${org.id}/members/${admin.memberId}`;
    const before = (await s.call(owner.token, "GET", url)).json;
    for (const [method, path, body] of [
      ["PATCH", "", { role_ids: [roles.DEFAULT] }],
      ["PATCH", "", { role_ids: [roles.ADMIN, roles.DEFAULT] }],
      ["PATCH", "", { permissions: ["members"] }],
      ["PATCH", "", { team_ids: [t] }],
      ["PATCH", "", {}],
      ["DELETE", `/roles/${roles.ADMIN}`, undefined],
      ["PUT", `/roles/${roles.DEFAULT}`, undefined],
      ["DELETE", "", undefined],
    ] as const) {
      const r = await s.call(hr.token, method, `${url}${path}`, body);
      expect({ status: r.statusCode, code: r.json.code }, `${method} ${path} ${JSON.stringify(body)}`).toEqual({ status: 403, code: "forbidden" });
      expect(r.json.detail).toMatch(/adm@on-admins\.test holds the ADMIN role: only the owner and ADMIN members can/);
    }
    for (const [method, path] of [
      ["PUT", `/teams/${t}/members/${admin.memberId}`],
      ["DELETE", `/teams/${await defaultTeam(org.id)}/members/${admin.memberId}`],
    ] as const) {
      const r = await s.call(hr.token, method, `/v1/organizations/${org.id}${path}`, method === "PUT" ? { role: "member" } : undefined);
      expect({ status: r.statusCode, code: r.json.code }, `${method} ${path}`).toEqual({ status: 403, code: "forbidden" });
    }
    expect((await s.call(owner.token, "GET", url)).json).toEqual(before);
    expect(await actions(org.id)).not.toContain("member.updated");
    // Admins act on admins.
    expect((await s.call(other.token, "DELETE", `${url}/roles/${roles.ADMIN}`)).statusCode).toBe(204);
    expect((await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}/members/${other.memberId}`, { role_ids: [roles.DEFAULT] })).statusCode).toBe(200);
    // Once demoted, they are members like any other for the user admin.
    expect((await s.call(hr.token, "DELETE", url)).statusCode).toBe(204);
  });

  it("a user admin cannot revoke or re-send an invitation that gives ADMIN", async () => {
    const { owner, org } = await s.orgWithOwner("on-invited-admins");
    const roles = await rolesOf(org.id);
    const hr = await s.join(owner.token, org.id, "hr@on-invited-admins.test", { permissions: ["members"] });
    const invited = await s.invite(owner.token, org.id, "soon@on-invited-admins.test", { role_ids: [roles.ADMIN] });
    const url = `/v1/organizations/${org.id}/members/${invited.id}`;
    const resend = await s.call(hr.token, "POST", `${url}/invitation`);
    expect({ status: resend.statusCode, code: resend.json.code }).toEqual({ status: 403, code: "forbidden" });
    expect(resend.json.detail).toMatch(/soon@on-invited-admins\.test is invited with the ADMIN role: only the owner and ADMIN members can re-send/);
    const revoke = await s.call(hr.token, "DELETE", url);
    expect({ status: revoke.statusCode, code: revoke.json.code }).toEqual({ status: 403, code: "forbidden" });
    expect(revoke.json.detail).toMatch(/only the owner and ADMIN members can revoke/);
    expect((await s.call(owner.token, "GET", url)).json.invitation.sent_count).toBe(1);
    expect((await s.call(owner.token, "DELETE", url)).statusCode).toBe(204);
  });

  it("only the owner changes the owner's teams, through PATCH or the team endpoints; requests that change nothing are refused too", async () => {
    const { owner, org } = await s.orgWithOwner("owner-teams");
    const roles = await rolesOf(org.id);
    const dt = await defaultTeam(org.id);
    const t = await newTeam(org.id, "Ops");
    const admin = await s.join(owner.token, org.id, "adm@owner-teams.test", { role_ids: [roles.ADMIN] });
    const hr = await s.join(owner.token, org.id, "hr@owner-teams.test", { permissions: ["members"] });
    const url = `/v1/organizations/${org.id}/members/${org.owner_member_id}`;
    for (const who of [admin, hr]) {
      for (const [method, path, body] of [
        ["PATCH", url, { team_ids: [t] }],
        ["PATCH", url, { team_ids: [dt] }],
        ["PATCH", url, {}],
        ["PUT", `/v1/organizations/${org.id}/teams/${t}/members/${org.owner_member_id}`, { role: "member" }],
        ["PUT", `/v1/organizations/${org.id}/teams/${dt}/members/${org.owner_member_id}`, { role: "member" }],
        ["DELETE", `/v1/organizations/${org.id}/teams/${dt}/members/${org.owner_member_id}`, undefined],
      ] as const) {
        const r = await s.call(who.token, method, path, body);
        expect({ status: r.statusCode, code: r.json.code }, `${who.email}: ${method} ${path} ${JSON.stringify(body)}`).toEqual({
          status: 403,
          code: "forbidden",
        });
        expect(r.json.detail).toBe(
          `${owner.email} owns the organization: only the owner changes the owner's teams, and nobody changes the owner's roles or permissions`,
        );
      }
    }
    expect((await s.call(owner.token, "GET", url)).json.team_ids).toEqual([dt]);
    // The owner does it.
    expect((await s.call(owner.token, "PATCH", url, { team_ids: [dt, t] })).json.team_ids).toEqual([dt, t].sort());
    expect((await s.call(owner.token, "DELETE", `/v1/organizations/${org.id}/teams/${t}/members/${org.owner_member_id}`)).statusCode).toBe(204);
    expect((await s.call(owner.token, "PUT", `/v1/organizations/${org.id}/teams/${t}/members/${org.owner_member_id}`, { role: "maintainer" })).statusCode).toBe(
      201,
    );
  });
});

describe("re-sending and removing", () => {
  it("re-sending an expired invitation: a new token (the old one stops working), 7 more days, sent_count 2", async () => {
    const { owner, org } = await s.orgWithOwner("resend-org");
    const m = await s.invite(owner.token, org.id, "again@example.com");
    const oldToken = await s.invitationToken("again@example.com");
    s.clock.advance(8 * DAY);
    const r = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/members/${m.id}/invitation`);
    expect(r.statusCode).toBe(200);
    expect(r.json).toMatchObject({ status: "invited", invitation: { sent_count: 2 } });
    const newToken = await s.invitationToken("again@example.com");
    expect(newToken).not.toBe(oldToken);
    const invitee = await s.signup("again@example.com");
    expect((await s.call(invitee.token, "POST", "/v1/invitations/accept", { token: oldToken })).statusCode).toBe(404);
    expect((await s.call(invitee.token, "POST", "/v1/invitations/accept", { token: newToken })).json.status).toBe("active");
    const active = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/members/${m.id}/invitation`);
    expect(active.statusCode).toBe(409);
    expect(active.json.code).toBe("member_active");
  });

  it("removing a member cascades to roles, teams and direct project grants, each audited; 204 then 404", async () => {
    const { owner, org } = await s.orgWithOwner("rm-org");
    const m = await s.join(owner.token, org.id, "gone@rm.test");
    const p = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "Site" });
    const grant = await s.call(owner.token, "PUT", `/v1/projects/${p.json.id}/access/members/${m.memberId}`, { role: "viewer" });
    expect(grant.statusCode).toBe(201);
    const r = await s.call(owner.token, "DELETE", `/v1/organizations/${org.id}/members/${m.memberId}`);
    expect(r.statusCode).toBe(204);
    expect((await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members/${m.memberId}`)).statusCode).toBe(404);
    expect(await s.db.query("SELECT 1 FROM project_access WHERE principal_id = $1", [m.memberId])).toEqual([]);
    expect(await s.db.query("SELECT 1 FROM team_members WHERE member_id = $1", [m.memberId])).toEqual([]);
    expect(await actions(org.id)).toEqual(expect.arrayContaining(["project_access.revoked", "member.removed"]));
    expect((await s.call(m.token, "GET", `/v1/organizations/${org.id}`)).statusCode).toBe(404);
  });

  it("a member may leave; the owner cannot leave or be removed (409 cannot_remove_owner)", async () => {
    const { owner, org } = await s.orgWithOwner("leave-org");
    const m = await s.join(owner.token, org.id, "bye@leave.test");
    expect((await s.call(m.token, "DELETE", `/v1/organizations/${org.id}/members/${m.memberId}`)).statusCode).toBe(204);
    const own = await s.call(owner.token, "DELETE", `/v1/organizations/${org.id}/members/${org.owner_member_id}`);
    expect(own.statusCode).toBe(409);
    expect(own.json.code).toBe("cannot_remove_owner");
    const admin = await s.join(owner.token, org.id, "adm@leave.test", { role_ids: [(await rolesOf(org.id)).ADMIN] });
    expect((await s.call(admin.token, "DELETE", `/v1/organizations/${org.id}/members/${org.owner_member_id}`)).json.code).toBe("cannot_remove_owner");
    expect(await actions(org.id)).toContain("member.left");
  });

  it("revoking an invitation: its token stops working", async () => {
    const { owner, org } = await s.orgWithOwner("revoke-org");
    const m = await s.invite(owner.token, org.id, "nope@revoke.test");
    const token = await s.invitationToken("nope@revoke.test");
    expect((await s.call(owner.token, "DELETE", `/v1/organizations/${org.id}/members/${m.id}`)).statusCode).toBe(204);
    const invitee = await s.signup("nope@revoke.test");
    expect((await s.call(invitee.token, "POST", "/v1/invitations/accept", { token })).statusCode).toBe(404);
    expect(await actions(org.id)).toContain("invitation.revoked");
  });

  it("403 for a plain member removing someone else", async () => {
    const { owner, org } = await s.orgWithOwner("rm403-org");
    const a = await s.join(owner.token, org.id, "a@rm403.test");
    const b = await s.join(owner.token, org.id, "b@rm403.test");
    const r = await s.call(a.token, "DELETE", `/v1/organizations/${org.id}/members/${b.memberId}`);
    expect(r.statusCode).toBe(403);
    expect((await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members/${b.memberId}`)).statusCode).toBe(200);
  });
});

describe("ownership transfer", () => {
  it("moves ownership to an active member; the previous owner keeps ADMIN; exactly one owner", async () => {
    const { owner, org } = await s.orgWithOwner("xfer-org");
    const next = await s.join(owner.token, org.id, "next@xfer.test", { permissions: ["billing"] });
    const r = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/ownership-transfer`, { new_owner_member_id: next.memberId });
    expect(r.statusCode).toBe(200);
    expect(r.json.owner_account_id).toBe(next.accountId);
    const members = (await s.call(next.token, "GET", `/v1/organizations/${org.id}/members`)).json.items;
    expect(members.filter((m: { is_owner: boolean }) => m.is_owner).map((m: { id: string }) => m.id)).toEqual([next.memberId]);
    expect(members.find((m: { id: string }) => m.id === org.owner_member_id).role_ids).toEqual([(await rolesOf(org.id)).ADMIN]);
    expect(members.find((m: { id: string }) => m.id === next.memberId).permissions).toEqual([]);
    // The former owner is now an ordinary admin: no more owner-only actions.
    expect((await s.call(owner.token, "DELETE", `/v1/organizations/${org.id}`)).statusCode).toBe(403);
  });

  it("409 target_not_active_member for an invitation; 403 for anyone but the owner", async () => {
    const { owner, org } = await s.orgWithOwner("xfer2-org");
    const invited = await s.invite(owner.token, org.id, "pending@xfer2.test");
    const r = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/ownership-transfer`, { new_owner_member_id: invited.id });
    expect(r.statusCode).toBe(409);
    expect(r.json.code).toBe("target_not_active_member");
    const admin = await s.join(owner.token, org.id, "adm@xfer2.test", { role_ids: [(await rolesOf(org.id)).ADMIN] });
    expect((await s.call(admin.token, "POST", `/v1/organizations/${org.id}/ownership-transfer`, { new_owner_member_id: admin.memberId })).statusCode).toBe(403);
  });
});
