// The app factory's own behaviour under faults a client cannot cause but must be told about.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/support/server";

describe("database faults", () => {
  let s: TestServer;
  let owner: { token: string };
  beforeAll(async () => {
    s = await startTestServer();
    ({ owner } = await s.orgWithOwner("faulty"));
  });
  afterAll(() => s.close());

  it("answers 503 unavailable with Retry-After when the database drops the connection", async () => {
    const query = s.db.query;
    // Fault injection: PostgreSQL's admin_shutdown, as a restarting server sends it.
    s.db.query = async () => {
      throw Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
    };
    try {
      const r = await s.call(owner.token, "GET", "/v1/organizations/faulty");
      expect(r.statusCode).toBe(503);
      expect(r.headers["content-type"]).toContain("application/problem+json");
      expect(r.headers["retry-after"]).toBe("1");
      expect(r.json.code).toBe("unavailable");
    } finally {
      s.db.query = query;
    }
    expect((await s.call(owner.token, "GET", "/v1/organizations/faulty")).statusCode).toBe(200);
  });

  it("answers 500 internal, without details, for a bug", async () => {
    const query = s.db.query;
    s.db.query = async () => {
      throw new TypeError("cannot read properties of undefined");
    };
    try {
      const r = await s.call(owner.token, "GET", "/v1/organizations/faulty");
      expect(r.statusCode).toBe(500);
      expect(r.json.code).toBe("internal");
      expect(r.body).not.toContain("cannot read properties");
      expect(r.json.request_id).toMatch(/^req_/);
      expect(r.json.request_id).toBe(r.headers["x-request-id"]);
    } finally {
      s.db.query = query;
    }
  });
});
