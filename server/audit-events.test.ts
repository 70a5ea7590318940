// The audit log: every change leaves an event with actor, target and changes; admins read it
// newest first, filtered and cursor-paged; events outlive what they describe.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/support/server";

let s: TestServer;
let owner: { token: string; accountId: string; email: string };
let org: any;
let member: { token: string; memberId: string; accountId: string };
beforeAll(async () => {
  s = await startTestServer();
  ({ owner, org } = await s.orgWithOwner("audit-org"));
  member = await s.join(owner.token, org.id, "m@audit.test", { permissions: ["members", "billing"] });
  await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { name: "Audited" }, { "user-agent": "audit-test/1.0" });
  const team = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/teams`, { name: "Gone" })).json;
  await s.call(owner.token, "DELETE", `/v1/organizations/${org.id}/teams/${team.id}`);
  const p = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "Site" })).json;
  await s.call(owner.token, "PUT", `/v1/projects/${p.id}/access/members/${member.memberId}`, { role: "viewer" });
});
afterAll(async () => {
  await s.close();
});

const list = async (q = "") => s.call(owner.token, "GET", `/v1/organizations/${org.id}/audit-events${q}`);

describe("audit events", () => {
  it("records each change, newest first, with actor, target, changes, request ID, IP and user agent", async () => {
    const r = await list();
    expect(r.statusCode).toBe(200);
    const actions = r.json.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual([...actions].sort(() => 0)); // stable
    expect(actions[0]).toBe("project_access.granted");
    expect(actions.at(-1)).toBe("organization.created");
    expect(actions).toEqual(
      expect.arrayContaining(["invitation.created", "invitation.accepted", "organization.updated", "team.created", "team.deleted", "project.created"]),
    );
    const ids = r.json.items.map((e: { id: string }) => e.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const upd = r.json.items.find((e: { action: string }) => e.action === "organization.updated");
    expect(upd).toMatchObject({
      actor: { type: "token", account_id: owner.accountId, email: owner.email },
      target: { type: "organization", id: org.id },
      changes: { name: ["audit-org", "Audited"] },
      user_agent: "audit-test/1.0",
    });
    expect(upd.request_id).toMatch(/^req_/);
    expect(upd.source_ip).toBeTruthy();
  });

  it("filters by action (exact or family), actor, target, project and time", async () => {
    const by = async (q: string) => (await list(q)).json.items.map((e: { action: string }) => e.action);
    expect(await by("?action=team.deleted")).toEqual(["team.deleted"]);
    expect(await by("?action=team")).toEqual(["team.deleted", "team.created"]);
    expect(await by(`?actor_id=${member.accountId}`)).toEqual(["invitation.accepted"]);
    expect(await by(`?target_type=organization`)).toEqual(["organization.updated", "organization.created"]);
    const project = (await s.call(owner.token, "GET", `/v1/organizations/${org.id}/projects`)).json.items[0];
    expect(await by(`?project_id=${project.id}`)).toEqual(["project_access.granted", "project.created"]);
    expect(await by(`?since=${encodeURIComponent(new Date(s.clock.current().getTime() + 3_600_000).toISOString())}`)).toEqual([]);
    expect((await list("?since=yesterday")).json.errors[0].field).toBe("/since");
  });

  it("pages with cursors and Link to the end, no event twice; `after` returns only newer events", async () => {
    const all = (await list("?limit=100")).json.items.map((e: { id: string }) => e.id);
    const seen: string[] = [];
    let url = `/v1/organizations/${org.id}/audit-events?limit=3`;
    for (;;) {
      const r = await s.call(owner.token, "GET", url);
      seen.push(...r.json.items.map((e: { id: string }) => e.id));
      if (!r.json.next_cursor) break;
      expect(r.headers.link).toContain('rel="next"');
      url = `/v1/organizations/${org.id}/audit-events?limit=3&cursor=${r.json.next_cursor}`;
    }
    expect(seen).toEqual(all);
    expect((await list(`?after=${all[2]}`)).json.items.map((e: { id: string }) => e.id)).toEqual(all.slice(0, 2));
  });

  it("one event by ID; events stay readable after their target is deleted", async () => {
    const gone = (await list("?action=team.deleted")).json.items[0];
    const r = await s.call(owner.token, "GET", `/v1/organizations/${org.id}/audit-events/${gone.id}`);
    expect(r.json).toMatchObject({ action: "team.deleted", target: { type: "team", display_name: "Gone" } });
    expect((await s.call(owner.token, "GET", `/v1/organizations/${org.id}/audit-events/evt_nope`)).statusCode).toBe(404);
  });

  it("only owner and ADMIN read it: 403 for other members (even with permissions), 404 for outsiders", async () => {
    expect((await s.call(member.token, "GET", `/v1/organizations/${org.id}/audit-events`)).statusCode).toBe(403);
    const out = await s.signup("out@audit.test");
    expect((await s.call(out.token, "GET", `/v1/organizations/${org.id}/audit-events`)).statusCode).toBe(404);
  });

  it("a failed change leaves no event (same transaction)", async () => {
    const before = (await list("?limit=100")).json.items.length;
    const r = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/teams`, { name: "GONE" });
    expect(r.statusCode).toBe(201);
    const dup = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/teams`, { name: "gone" });
    expect(dup.statusCode).toBe(409);
    expect((await list("?limit=100")).json.items.length).toBe(before + 1);
  });
});
