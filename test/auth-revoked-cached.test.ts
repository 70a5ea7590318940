// A token revoked after this instance has seen it valid is refused inside the request's first
// statement (server/domain/tokens.ts), not before it: its 401s still count against the IP's
// budget of failed authentications, like any unknown token's, so keeping a revoked token cached
// gives a guesser nothing. Both ways the first statement checks a cached token: folded into an
// organization's access query, and alone before a handler that has none (GET /v1/me).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../server/app";
import { databaseEngines } from "./support/engines";
import { startTestServer, type TestServer } from "./support/server";

describe.each(databaseEngines("a revoked token's 401s against the failure budget"))("on $name", ({ postgres }) => {
  let s: TestServer;
  let owner = "";
  let orgId = "";
  beforeAll(async () => {
    s = await startTestServer({ postgres });
    const o = await s.orgWithOwner("revoked-cache");
    owner = o.owner.token;
    orgId = o.org.id;
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it.each([
    ["GET /v1/me (the token checked alone)", () => "/v1/me", "198.51.100.21"],
    ["GET an organization (the token folded into its access query)", () => `/v1/organizations/${orgId}`, "198.51.100.31"],
  ])("a cached token revoked later: %s answers 401 while the budget lasts, then 429 for that IP only", async (_what, url, ip) => {
    // Each case has an IP of its own: on PostgreSQL the budget is shared by every app on the database.
    const app = await buildApp({ db: s.db, config: { rateLimit: 0, authFailureLimit: 2 }, maintenanceEveryMs: 0 });
    try {
      const get = (token: string, ip: string) => app.inject({ method: "GET", url: url(), remoteAddress: ip, headers: { authorization: `Bearer ${token}` } });
      const t = await s.call(owner, "POST", "/v1/me/tokens", { name: "soon revoked", expires_at: new Date(Date.now() + 86400_000).toISOString() });
      expect(t.statusCode).toBe(201);
      // Seen valid by this instance: from now on it comes from memory, unconfirmed.
      expect((await get(t.json.token, "198.51.100.20")).statusCode).toBe(200);
      expect((await s.call(owner, "DELETE", `/v1/me/tokens/${t.json.id}`)).statusCode).toBe(204);
      if (Date.now() % 60_000 > 55_000) await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 20));
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await get(t.json.token, ip));
      expect(answers.map((r) => r.statusCode)).toEqual([401, 401, 429, 429]);
      expect(answers[0]!.json().code).toBe("unauthenticated");
      expect(answers[2]!.json().code).toBe("rate_limited");
      // The owner's valid token from another IP is not held back.
      expect((await get(owner, "198.51.100.22")).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
