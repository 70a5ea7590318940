// Member PATCH reads the member without a lock and writes it checked against the version it read
// (server/routes/members.ts): racing writers over a socket, on PGlite and on PostgreSQL. With the
// same If-Match exactly one of eight wins and the rest get 412 naming the winner's ETag; without
// If-Match every writer's change is applied, one after another (a writer whose version moved runs
// again, locking), each with its own audit event and version, and nothing is lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseEngines } from "./support/engines";
import { startTestServer, type TestServer } from "./support/server";

const engines = databaseEngines("member PATCH races");

describe.each(engines)("racing member PATCHes on $name", ({ postgres }) => {
  let s: TestServer;
  let base: string;
  let owner: { token: string };
  let org: { id: string };
  beforeAll(async () => {
    s = await startTestServer({ postgres });
    base = await s.app.listen({ host: "127.0.0.1", port: 0 });
    ({ owner, org } = await s.orgWithOwner("patch-race"));
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
  const events = async (memberId: string) =>
    (await http("GET", `/v1/organizations/${org.id}/audit-events?target_id=${memberId}&limit=100`)).json.items as Array<{ action: string }>;

  it("eight PATCHes with one If-Match: one 200, seven 412 naming the winner's ETag, one audit event", async () => {
    for (let round = 0; round < 3; round++) {
      const m = await s.join(owner.token, org.id, `ifm${round}-${Date.now()}@race.test`);
      const url = `/v1/organizations/${org.id}/members/${m.memberId}`;
      const cur = await http("GET", url);
      const before = (await events(m.memberId)).length;
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
      expect((await events(m.memberId)).length).toBe(before + 1);
    }
  });

  it("eight PATCHes without If-Match: every one applied in turn, each its own version and audit event", async () => {
    const roles = [];
    for (let i = 0; i < 8; i++) roles.push((await http("POST", `/v1/organizations/${org.id}/roles`, { name: `Race ${Date.now()} ${i}` })).json);
    const m = await s.join(owner.token, org.id, `free-${Date.now()}@race.test`);
    const url = `/v1/organizations/${org.id}/members/${m.memberId}`;
    const cur = await http("GET", url);
    const before = (await events(m.memberId)).length;
    // Each writer names a role set no other names, so each one changes the member.
    const results = await Promise.all(roles.map((r) => http("PATCH", url, { role_ids: [...cur.json.role_ids, r.id] })));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    // Each answer is the member as that writer left it: eight distinct versions, one after another.
    expect(results.map((r) => r.json.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 8 }, (_, i) => cur.json.version + 1 + i));
    const last = results.find((r) => r.json.version === cur.json.version + 8)!;
    const now = await http("GET", url);
    expect(now.json.version).toBe(cur.json.version + 8);
    expect(now.json.role_ids).toEqual(last.json.role_ids);
    const written = (await events(m.memberId)).slice(0, 8 + before);
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
