// Idempotency-Key on POST, Stripe's semantics: replay, 422 on another body, 409 in flight, keys
// scoped per account, 24-hour window.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/server";

let s: TestServer;
let owner: { token: string };
let org: { id: string };
beforeAll(async () => {
  s = await startTestServer();
  ({ owner, org } = await s.orgWithOwner("idem-org"));
});
afterAll(() => s.close());

const post = (token: string, key: string, body: unknown) => s.call(token, "POST", `/v1/organizations/${org.id}/teams`, body, { "idempotency-key": key });
const teams = async (name: string) => (await s.db.query("SELECT id FROM teams WHERE organization_id = $1 AND lower(name) = lower($2)", [org.id, name])).length;

describe("Idempotency-Key", () => {
  it("the same key and body replays the first response (status, body, Location) and creates nothing more", async () => {
    const first = await post(owner.token, "k-1", { name: "Replay" });
    expect(first.statusCode).toBe(201);
    const again = await post(owner.token, "k-1", { name: "Replay" });
    expect(again.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json).toEqual(first.json);
    expect(again.headers.location).toBe(first.headers.location);
    expect(await teams("Replay")).toBe(1);
  });

  it("the same key with another body: 422 idempotency_key_reused, nothing created", async () => {
    await post(owner.token, "k-2", { name: "One" });
    const r = await post(owner.token, "k-2", { name: "Two" });
    expect(r.statusCode).toBe(422);
    expect(r.json.code).toBe("idempotency_key_reused");
    expect(await teams("Two")).toBe(0);
  });

  it("a request that failed with a 4xx replays the same failure (its execution began)", async () => {
    const first = await post(owner.token, "k-3", { name: "My Team" });
    expect(first.statusCode).toBe(409);
    const again = await post(owner.token, "k-3", { name: "My Team" });
    expect(again.statusCode).toBe(409);
    expect(again.json.code).toBe("already_exists");
    expect(again.headers["idempotent-replayed"]).toBe("true");
  });

  it("keys are scoped per account: another caller's same key is a new request", async () => {
    const other = await s.join(owner.token, org.id, "hr@idem.test", { permissions: ["members"] });
    await post(owner.token, "shared", { name: "Mine" });
    const r = await post(other.token, "shared", { name: "Theirs" });
    expect(r.statusCode).toBe(201);
    expect(r.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("after 24 hours the key is forgotten", async () => {
    await post(owner.token, "k-old", { name: "Day One" });
    s.clock.advance(24 * 3600 * 1000 + 1000);
    const r = await post(owner.token, "k-old", { name: "Day Two" });
    expect(r.statusCode).toBe(201);
    expect(r.json.name).toBe("Day Two");
  });

  it("400 invalid_header for an empty or over-long key", async () => {
    for (const key of ["", "x".repeat(256)]) {
      const r = await post(owner.token, key, { name: "Nope" });
      expect(r.statusCode).toBe(400);
      expect(r.json.code).toBe("invalid_header");
    }
    expect(await teams("Nope")).toBe(0);
  });
});
