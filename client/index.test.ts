// The client against a real server on a socket, and against MockAgent for faults (429 storms,
// resets, malformed bodies), where a mock is the point.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MockAgent } from "undici";
import { OrgsApiError, OrgsClient, retryPolicy } from "./index";
import { startTestServer, type TestServer } from "../test/support/server";

let s: TestServer;
let url: string;
beforeAll(async () => {
  s = await startTestServer();
  url = await s.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await s.close();
});

describe("OrgsClient", () => {
  it("calls by operation ID, parses with the contract, and sends Idempotency-Key on POST", async () => {
    const u = await s.signup("client@x.test");
    const c = new OrgsClient({ baseUrl: url, token: u.token });
    const created = await c.call("createOrganization", { body: { slug: "client-org", name: "Client", region: "us" }, idempotencyKey: "k1" });
    expect(created.status).toBe(201);
    const replay = await c.call("createOrganization", { body: { slug: "client-org", name: "Client", region: "us" }, idempotencyKey: "k1" });
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.body.id).toBe(created.body.id);
    const got = await c.call("getOrganization", { params: { org: "client-org" } });
    expect(got.body.plan).toBe("free");
    await c.close();
  });

  it("turns problems into OrgsApiError with code, detail and field errors", async () => {
    const u = await s.signup("client2@x.test");
    const c = new OrgsClient({ baseUrl: url, token: u.token });
    const err = await c.call("createOrganization", { body: { slug: "Bad Slug", name: "x", region: "us" } }).catch((e) => e);
    expect(OrgsApiError.isInstance(err)).toBe(true);
    expect(err.code).toBe("validation_failed");
    expect(err.errors[0].field).toBe("/slug");
    expect(err.message).toMatch(/^validation_failed \(422\): slug: /);
    await c.close();
  });

  it("retries a 429 storm honouring Retry-After, then succeeds", async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    const pool = mock.get("http://api.test");
    pool
      .intercept({ path: "/v1/me", method: "GET" })
      .reply(429, { code: "rate_limited" }, { headers: { "retry-after": "0" } })
      .times(3);
    pool
      .intercept({ path: "/v1/me", method: "GET" })
      .reply(200, { id: "acct_1", email: "a@x.test", name: "a", two_factor_enabled: false, created_at: new Date().toISOString(), memberships: [] });
    const c = new OrgsClient({ baseUrl: "http://api.test", dispatcher: mock.compose(retryPolicy({ maxRetryWaitMs: 50 })) });
    const me = await c.call("getMe");
    expect(me.body.id).toBe("acct_1");
    mock.assertNoPendingInterceptors();
  });

  it("returns a 429 at once when its Retry-After is longer than it will wait (an invitation quota)", async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock
      .get("http://api.test")
      .intercept({ path: "/v1/me", method: "GET" })
      .reply(
        429,
        { type: "about:blank", title: "Too many invitations sent", status: 429, code: "invitation_quota_exceeded", detail: "retry later" },
        { headers: { "retry-after": "3600", "content-type": "application/problem+json" } },
      );
    const c = new OrgsClient({ baseUrl: "http://api.test", dispatcher: mock.compose(retryPolicy({ maxRetryWaitMs: 10_000 })) });
    const started = Date.now();
    await expect(c.call("getMe")).rejects.toMatchObject({ status: 429, code: "invitation_quota_exceeded" });
    expect(Date.now() - started).toBeLessThan(5_000);
    mock.assertNoPendingInterceptors();
  });

  it("reports a malformed body as invalid_response, not a crash", async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock.get("http://api.test").intercept({ path: "/v1/me", method: "GET" }).reply(200, "{not json");
    const c = new OrgsClient({ baseUrl: "http://api.test", dispatcher: mock });
    await expect(c.call("getMe")).rejects.toMatchObject({ code: "invalid_response" });
  });
});
