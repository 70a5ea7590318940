// The embedded database failing under a running server: PGlite closed (or aborted: the same from
// outside, it answers nothing again). Requests get 503 unavailable, not 500; /healthz fails, which
// is what a supervisor watches to restart the server (PGlite recovers its directory on start, as
// test/crash.test.ts shows after kill -9).
import { describe, expect, it } from "vitest";
import { startTestServer } from "./support/server";

describe("PGlite gone under a running server", () => {
  it("answers 503 unavailable with Retry-After, and /healthz fails", async () => {
    const s = await startTestServer();
    const { owner } = await s.orgWithOwner("embedded");
    expect((await s.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    await s.db.close();
    try {
      for (const [method, url, body] of [
        ["GET", "/v1/organizations/embedded", undefined],
        ["POST", "/v1/organizations/embedded/teams", { name: "After" }],
      ] as const) {
        const r = await s.call(owner.token, method, url, body);
        expect(r.statusCode, `${method} ${url}`).toBe(503);
        expect(r.headers["content-type"]).toContain("application/problem+json");
        expect(r.headers["retry-after"]).toBe("1");
        expect(r.json.code).toBe("unavailable");
      }
      expect((await s.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(503);
    } finally {
      await s.app.close();
    }
  });
});
