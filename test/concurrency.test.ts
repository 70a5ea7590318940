// Two writers, same member, same If-Match, real parallel requests over a socket: exactly one wins,
// the other gets 412 with the current ETag, and no update is lost; eight racing member PATCHes with
// and without If-Match; parallel creates of one grant;
// the invitation quota under parallel invitations. On PGlite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseEngines } from "./support/engines";
import { startTestServer, type TestServer } from "./support/server";

const engines = databaseEngines("concurrency");

describe.each(engines)("concurrent writers on $name", ({ postgres }) => {
  let s: TestServer;
  let base: string;
  let owner: { token: string };
  let org: { id: string };
  beforeAll(async () => {
    s = await startTestServer({ postgres });
    base = await s.app.listen({ host: "127.0.0.1", port: 0 });
    ({ owner, org } = await s.orgWithOwner("race-org"));
  });
  afterAll(() => s.close());

  const http = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, etag: r.headers.get("etag"), json: await r.json().catch(() => null) };
  };

  it("member PATCH: one 200, one 412, the winner's change is the one kept", async () => {
    const m = await s.join(owner.token, org.id, `m${Date.now()}@race.test`);
    const url = `/v1/organizations/${org.id}/members/${m.memberId}`;
    for (let round = 0; round < 5; round++) {
      const cur = await http("GET", url);
      const [a, b] = await Promise.all([
        http("PATCH", url, { permissions: ["billing"] }, { "if-match": cur.etag! }),
        http("PATCH", url, { permissions: ["plans"] }, { "if-match": cur.etag! }),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 412]);
      const winner = a.status === 200 ? a : b;
      const loser = a.status === 200 ? b : a;
      expect(loser.json.code).toBe("precondition_failed");
      expect(loser.json.current_etag).toBe(winner.etag);
      const now = await http("GET", url);
      expect(now.json.permissions).toEqual(winner.json.permissions);
      expect(now.json.version).toBe(Number(JSON.parse(cur.etag!)) + 1);
      // Reset for the next round, so each round changes something.
      await http("PATCH", url, { permissions: [] });
    }
  });

  it("organization PATCH with If-Match: no lost update across 8 parallel writers", async () => {
    const cur = await http("GET", `/v1/organizations/${org.id}`);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => http("PATCH", `/v1/organizations/${org.id}`, { name: `Writer ${i}` }, { "if-match": cur.etag! })),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(7);
    expect((await http("GET", `/v1/organizations/${org.id}`)).json.name).toBe(ok[0]!.json.name);
  });

  it("parallel role additions to one member without If-Match: every role is kept (row locks, no lost update)", async () => {
    const m = await s.join(owner.token, org.id, `roles${Date.now()}@race.test`);
    const roles = await Promise.all(
      Array.from({ length: 6 }, (_, i) => http("POST", `/v1/organizations/${org.id}/roles`, { name: `Racer ${Date.now()} ${i}` })),
    );
    const url = `/v1/organizations/${org.id}/members/${m.memberId}`;
    const before = await http("GET", url);
    const results = await Promise.all(roles.map((r) => http("PUT", `${url}/roles/${r.json.id}`)));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const after = await http("GET", url);
    for (const r of roles) expect(after.json.role_ids).toContain(r.json.id);
    expect(after.json.role_ids).toHaveLength(before.json.role_ids.length + 6);
    expect(after.json.version).toBe(before.json.version + 6);
  });

  it("parallel invitations of the same email: one 201, the rest 409 already_member, one row", async () => {
    const email = `dup${Date.now()}@race.test`;
    const results = await Promise.all(Array.from({ length: 6 }, () => http("POST", `/v1/organizations/${org.id}/members`, { email })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) expect(r.json.code).toBe("already_member");
    expect(await s.db.query("SELECT id FROM members WHERE email_normalized = $1", [email])).toHaveLength(1);
  });

  it("parallel PUTs creating the same grant: one 201, the others apply to it (200), never a 409 or 500", async () => {
    const m = await s.invite(owner.token, org.id, `grant${Date.now()}@race.test`);
    const project = await http("POST", `/v1/organizations/${org.id}/projects`, { name: `Race ${Date.now()}` });
    const url = `/v1/projects/${project.json.id}/access/members/${m.id}`;
    const results = await Promise.all(["viewer", "admin", "viewer", "admin", "viewer", "admin"].map((role) => http("PUT", url, { role })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    const [grant] = await s.db.query<{ version: number; role: string }>("SELECT version, role FROM project_access WHERE project_id = $1", [project.json.id]);
    const now = await http("GET", url);
    expect(now.json).toMatchObject({ version: grant!.version, role: grant!.role });
    // Every PUT that changed the level made a version and an event; one event for the grant itself.
    const events = await s.db.query<{ action: string }>("SELECT action FROM audit_events WHERE project_id = $1 AND action LIKE 'project_access.%'", [
      project.json.id,
    ]);
    expect(events.filter((e) => e.action === "project_access.granted")).toHaveLength(1);
    expect(events.filter((e) => e.action === "project_access.updated")).toHaveLength(grant!.version - 1);
  });

  // Member PATCH reads the member without a lock and writes it checked against the version it read
  // (server/routes/members.ts): with the same If-Match exactly one of eight wins and the rest get 412
  // naming the winner's ETag; without If-Match every writer's change is applied, one after another (a
  // writer whose version moved runs again, locking), each with its own audit event and version.
  const auditOf = async (memberId: string) =>
    (await http("GET", `/v1/organizations/${org.id}/audit-events?target_id=${memberId}&limit=100`)).json.items as Array<{ action: string }>;

  it("eight PATCHes with one If-Match: one 200, seven 412 naming the winner's ETag, one audit event", async () => {
    for (let round = 0; round < 3; round++) {
      const m = await s.join(owner.token, org.id, `ifm${round}-${Date.now()}@race.test`);
      const url = `/v1/organizations/${org.id}/members/${m.memberId}`;
      const cur = await http("GET", url);
      const before = (await auditOf(m.memberId)).length;
      const sets = [
        ["billing"],
        ["plans"],
        ["members"],
        ["projects:create"],
        ["billing", "plans"],
        ["plans", "members"],
        ["billing", "members"],
        ["members", "projects:create"],
      ];
      const results = await Promise.all(sets.map((p) => http("PATCH", url, { permissions: p }, { "if-match": cur.etag! })));
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      const lost = results.filter((r) => r.status === 412);
      expect(lost).toHaveLength(7);
      for (const r of lost) {
        expect(r.json.code).toBe("precondition_failed");
        expect(r.json.current_etag).toBe(ok[0]!.etag);
      }
      const now = await http("GET", url);
      expect(now.json.permissions).toEqual(ok[0]!.json.permissions);
      expect(now.json.version).toBe(cur.json.version + 1);
      expect((await auditOf(m.memberId)).length).toBe(before + 1);
    }
  });

  it("eight PATCHes without If-Match: every one applied in turn, each its own version and audit event", async () => {
    const roles = [];
    for (let i = 0; i < 8; i++) roles.push((await http("POST", `/v1/organizations/${org.id}/roles`, { name: `Race ${Date.now()} ${i}` })).json);
    const m = await s.join(owner.token, org.id, `free-${Date.now()}@race.test`);
    const url = `/v1/organizations/${org.id}/members/${m.memberId}`;
    const cur = await http("GET", url);
    const before = (await auditOf(m.memberId)).length;
    // Each writer names a role set no other names, so each one changes the member.
    const results = await Promise.all(roles.map((r) => http("PATCH", url, { role_ids: [...cur.json.role_ids, r.id] })));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    // Each answer is the member as that writer left it: eight distinct versions, one after another.
    expect(results.map((r) => r.json.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 8 }, (_, i) => cur.json.version + 1 + i));
    const last = results.find((r) => r.json.version === cur.json.version + 8)!;
    const now = await http("GET", url);
    expect(now.json.version).toBe(cur.json.version + 8);
    expect(now.json.role_ids).toEqual(last.json.role_ids);
    const written = (await auditOf(m.memberId)).slice(0, 8 + before);
    expect(written.length).toBe(before + 8);
    expect(written.slice(0, 8).every((e) => e.action === "member.updated")).toBe(true);
  });

  it("a PATCH of a member of another organization, or of none, is 404 after the organization's own checks", async () => {
    const other = await s.orgWithOwner("patch-race-other");
    const theirs = await s.join(other.owner.token, other.org.id, `theirs-${Date.now()}@race.test`);
    const wrongOrg = await http("PATCH", `/v1/organizations/${org.id}/members/${theirs.memberId}`, { permissions: ["billing"] });
    expect(wrongOrg.status).toBe(404);
    expect(wrongOrg.json.code).toBe("not_found");
    const none = await http("PATCH", `/v1/organizations/${org.id}/members/mem_doesnotexist`, { permissions: ["billing"] });
    expect(none.status).toBe(404);
    // An organization the caller cannot see answers for the organization first, whatever the member.
    const outsider = await http("PATCH", `/v1/organizations/${other.org.id}/members/mem_doesnotexist`, { permissions: ["billing"] });
    expect(outsider.status).toBe(404);
    expect(outsider.json.detail).toContain(`organization ${other.org.id}`);
  });
});

describe.each(engines)("the invitation quota under parallel invitations on $name", ({ postgres }) => {
  it("counts every invitation: exactly the quota get in, the rest 429, nothing of them left behind", async () => {
    const s = await startTestServer({ postgres, config: { invitationQuota: 5 } });
    try {
      const base = await s.app.listen({ host: "127.0.0.1", port: 0 });
      const { owner, org } = await s.orgWithOwner("quota-race");
      const results = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const r = await fetch(`${base}/v1/organizations/${org.id}/members`, {
            method: "POST",
            headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" },
            body: JSON.stringify({ email: `q${i}@race.test` }),
          });
          return r.status;
        }),
      );
      expect(results.filter((x) => x === 201)).toHaveLength(5);
      expect(results.filter((x) => x === 429)).toHaveLength(7);
      const [{ n }] = (await s.db.query<{ n: number }>("SELECT count(*)::int AS n FROM members WHERE organization_id = $1 AND joined_at IS NULL", [
        org.id,
      ])) as [{ n: number }];
      expect(n).toBe(5);
      const [{ mails }] = (await s.db.query<{ mails: number }>("SELECT count(*)::int AS mails FROM outbox WHERE organization_id = $1", [org.id])) as [
        { mails: number },
      ];
      expect(mails).toBe(5);
    } finally {
      await s.close();
    }
  });
});
