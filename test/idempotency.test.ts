// Idempotency-Key on POST (and on PUT, PATCH and DELETE when sent), Stripe's semantics
// (org-api.md §3.4): replay, 422 on another body, 409 in flight, nothing stored before execution
// begins, keys scoped per account and path, a 24-hour window, then pruned. On PGlite and, when
// ORGS_TEST_POSTGRES_URL is set, on PostgreSQL (where requests really overlap, so the in-flight
// 409 can be shown).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { databaseEngines } from "./support/engines";
import { startTestServer, type TestServer } from "./support/server";

const engines = databaseEngines("idempotency");

describe.each(engines)("Idempotency-Key on $name", ({ postgres }) => {
  let s: TestServer;
  let base: string;
  let owner: { token: string };
  let org: { id: string };
  beforeAll(async () => {
    s = await startTestServer({ postgres });
    base = await s.app.listen({ host: "127.0.0.1", port: 0 });
    ({ owner, org } = await s.orgWithOwner("idem-org"));
  });
  afterAll(() => s.close());

  const teamsUrl = () => `/v1/organizations/${org.id}/teams`;
  const post = (token: string, key: string, body: unknown, url = teamsUrl()) => s.call(token, "POST", url, body, { "idempotency-key": key });
  /** The same over a real socket, so requests overlap. */
  const postHttp = async (key: string, body: unknown) => {
    const r = await fetch(`${base}${teamsUrl()}`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify(body),
    });
    return { status: r.status, replayed: r.headers.get("idempotent-replayed"), location: r.headers.get("location"), json: await r.json() };
  };
  const teams = async (name: string) =>
    (await s.db.query("SELECT id FROM teams WHERE organization_id = $1 AND lower(name) = lower($2)", [org.id, name])).length;
  const events = async (name: string) =>
    (await s.db.query("SELECT id FROM audit_events WHERE organization_id = $1 AND action = 'team.created' AND target->>'display_name' = $2", [org.id, name]))
      .length;

  it("the same key and body replays the first response (status, body, Location) and creates nothing more", async () => {
    const first = await post(owner.token, "k-1", { name: "Replay" });
    expect(first.statusCode).toBe(201);
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      const again = await post(owner.token, "k-1", { name: "Replay" });
      expect(again.statusCode).toBe(201);
      expect(again.headers["idempotent-replayed"]).toBe("true");
      expect(again.json).toEqual(first.json);
      expect(again.headers.location).toBe(first.headers.location);
    }
    expect(await teams("Replay")).toBe(1);
    expect(await events("Replay")).toBe(1);
  });

  it("the body is compared as JSON, not as text: reordered keys and whitespace are the same request", async () => {
    const first = await post(owner.token, "k-json", '{"name":"Same","description":"d"}');
    const again = await post(owner.token, "k-json", '{ "name": "Same",\n "description": "d" }');
    expect(again.statusCode).toBe(201);
    expect(again.json.id).toBe(first.json.id);
    expect(await teams("Same")).toBe(1);
  });

  it("the same key with another body: 422 idempotency_key_reused, nothing created, the first result intact", async () => {
    const first = await post(owner.token, "k-2", { name: "One" });
    const r = await post(owner.token, "k-2", { name: "Two" });
    expect(r.statusCode).toBe(422);
    expect(r.json.code).toBe("idempotency_key_reused");
    expect(r.headers["content-type"]).toContain("application/problem+json");
    expect(await teams("Two")).toBe(0);
    expect((await post(owner.token, "k-2", { name: "One" })).json).toEqual(first.json);
  });

  it("a request that failed with a 4xx in its handler replays the same failure (its execution began)", async () => {
    const first = await post(owner.token, "k-3", { name: "My Team" });
    expect(first.statusCode).toBe(409);
    const again = await post(owner.token, "k-3", { name: "My Team" });
    expect(again.statusCode).toBe(409);
    expect(again.json.code).toBe("already_exists");
    expect(again.headers["idempotent-replayed"]).toBe("true");
  });

  it("nothing is stored for a validation failure: the key then serves a corrected body", async () => {
    const bad = await post(owner.token, "k-4", { name: "" });
    expect(bad.statusCode).toBe(422);
    expect(bad.json.code).toBe("validation_failed");
    const good = await post(owner.token, "k-4", { name: "Corrected" });
    expect(good.statusCode).toBe(201);
    expect(good.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("keys are scoped per account and per path: the same key elsewhere is a new request", async () => {
    const other = await s.join(owner.token, org.id, "hr@idem.test", { permissions: ["members"] });
    await post(owner.token, "shared", { name: "Mine" });
    const theirs = await post(other.token, "shared", { name: "Theirs" });
    expect(theirs.statusCode).toBe(201);
    expect(theirs.headers["idempotent-replayed"]).toBeUndefined();
    const role = await post(owner.token, "shared", { name: "Mine" }, `/v1/organizations/${org.id}/roles`);
    expect(role.statusCode).toBe(201);
    expect(role.json.id).toMatch(/^role_/);
    expect(await teams("Mine")).toBe(1);
    expect(await teams("Theirs")).toBe(1);
  });

  it("a key is kept for 24 hours, then forgotten", async () => {
    const first = await post(owner.token, "k-old", { name: "Day One" });
    s.clock.advance(23 * 3600 * 1000);
    const kept = await post(owner.token, "k-old", { name: "Day One" });
    expect(kept.headers["idempotent-replayed"]).toBe("true");
    expect(kept.json.id).toBe(first.json.id);
    s.clock.advance(3600 * 1000 + 1000);
    const r = await post(owner.token, "k-old", { name: "Day Two" });
    expect(r.statusCode).toBe(201);
    expect(r.json.name).toBe("Day Two");
  });

  it("the server prunes records past their 24 hours on its own (idempotency keys, quota counts), and only those", async () => {
    const q = await startTestServer({ postgres, maintenanceEveryMs: 50 });
    try {
      const { owner: o, org: g } = await q.orgWithOwner("prune-org");
      const team = (name: string, key: string) => q.call(o.token, "POST", `/v1/organizations/${g.id}/teams`, { name }, { "idempotency-key": key });
      await team("Old", "k-day-one");
      await q.invite(o.token, g.id, "old@prune.test");
      q.clock.advance(24 * 3600 * 1000 + 120_000);
      await team("New", "k-day-two");
      await q.invite(o.token, g.id, "new@prune.test");
      await vi.waitFor(
        async () => {
          expect((await q.db.query<{ key: string }>("SELECT key FROM idempotency_keys WHERE key LIKE 'k-day-%'")).map((r) => r.key)).toEqual(["k-day-two"]);
          expect(await q.db.query("SELECT sent FROM invitation_sends WHERE organization_id = $1 AND sent > 0", [g.id])).toEqual([{ sent: 1 }]);
        },
        { timeout: 5000, interval: 50 },
      );
    } finally {
      await q.close();
    }
  });

  it("on PUT, PATCH and DELETE too: a write retried with its key after it committed answers as the first time", async () => {
    const m = await s.invite(owner.token, org.id, `put${Date.now()}@idem.test`);
    const project = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: `Idem ${Date.now()}` })).json;
    const grant = `/v1/projects/${project.id}/access/members/${m.id}`;
    const put = (key: string) => s.call(owner.token, "PUT", grant, { role: "viewer" }, { "if-none-match": "*", "idempotency-key": key });
    const first = await put("put-1");
    expect(first.statusCode).toBe(201);
    const again = await put("put-1");
    expect(again.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json).toEqual(first.json);
    expect((await put("put-2")).statusCode).toBe(412);

    const member = `/v1/organizations/${org.id}/members/${m.id}`;
    const patch = () => s.call(owner.token, "PATCH", member, { permissions: ["billing"] }, { "if-match": '"1"', "idempotency-key": "patch-1" });
    expect((await patch()).statusCode).toBe(200);
    const replayed = await patch();
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json.version).toBe(2);
    const del = () => s.call(owner.token, "DELETE", grant, undefined, { "idempotency-key": "delete-1" });
    expect((await del()).statusCode).toBe(204);
    expect((await del()).statusCode).toBe(204);
    expect((await s.call(owner.token, "DELETE", grant)).statusCode).toBe(404);
  });

  it("400 invalid_header for an empty or over-long key; 255 characters is fine", async () => {
    for (const key of ["", "x".repeat(256)]) {
      const r = await post(owner.token, key, { name: "Nope" });
      expect(r.statusCode).toBe(400);
      expect(r.json.code).toBe("invalid_header");
    }
    expect(await teams("Nope")).toBe(0);
    expect((await post(owner.token, "y".repeat(255), { name: "Long Key" })).statusCode).toBe(201);
  });

  it("parallel requests with one key over a socket: one object; every answer is that 201 or a 409 in flight", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => postHttp("k-par", { name: "Parallel" })));
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of created) expect(r.json).toEqual(created[0]!.json);
    expect(created.filter((r) => r.replayed === null)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.json.code).toBe("idempotency_key_in_use");
    }
    expect(await teams("Parallel")).toBe(1);
  });

  const inFlight = "a key whose first request is still running gets 409 idempotency_key_in_use; afterwards, the replay";
  if (!postgres)
    it.skip(`${inFlight} — PostgreSQL only: PGlite runs one transaction at a time, so no request can arrive while another holds its key`, () => {});
  else
    it(inFlight, async () => {
      // Hold the organization row, which createTeam locks, so the first request stays in flight.
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      const blocker = s.db.tx(async (q) => {
        await q.query("SELECT id FROM organizations WHERE id = $1 FOR UPDATE", [org.id]);
        locked();
        await held;
      });
      await isLocked;
      const first = postHttp("k-flight", { name: "In Flight" });
      // Wait until the first request holds its idempotency lock (it then blocks on the org row).
      for (let i = 0; ; i++) {
        const [row] = await s.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted");
        if (row!.n > 0) break;
        if (i > 200) throw new Error("the first request never took its idempotency lock");
        await new Promise((r) => setTimeout(r, 10));
      }
      const second = await postHttp("k-flight", { name: "In Flight" });
      expect(second.status).toBe(409);
      expect(second.json.code).toBe("idempotency_key_in_use");
      release();
      await blocker;
      const done = await first;
      expect(done.status).toBe(201);
      const third = await postHttp("k-flight", { name: "In Flight" });
      expect(third.status).toBe(201);
      expect(third.replayed).toBe("true");
      expect(third.json.id).toBe(done.json.id);
      expect(await teams("In Flight")).toBe(1);
    });
});
