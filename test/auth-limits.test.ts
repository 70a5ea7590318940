// Requests without a valid token cost something: the IP's per-second budget for requests without
// a token, and its per-minute budget of failed authentications, past which its requests with a
// token get 429 before the token is looked up. Behind a proxy (ORGS_TRUST_PROXY), the client's
// IP is the one counted. In-process on PGlite; across instances in test/cluster.test.ts.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../server/app";
import { startTestServer, type TestServer } from "./support/server";

let s: TestServer;
let token = "";
beforeAll(async () => {
  s = await startTestServer();
  token = (await s.signup("limits@limits.test")).token;
});
afterAll(async () => {
  await s?.close();
});

const get = (app: FastifyInstance, auth: string | null, ip = "198.51.100.7", headers: Record<string, string> = {}) =>
  app.inject({ method: "GET", url: "/v1/me", remoteAddress: ip, headers: { ...(auth ? { authorization: auth } : {}), ...headers } });
const intoSecond = () => new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));

describe("failed authentications, per IP", () => {
  it("past ORGS_AUTH_FAILURE_LIMIT a minute, the IP's requests with a token get 429 with Retry-After, valid tokens too; other IPs are not affected", async () => {
    const app = await buildApp({ db: s.db, config: { rateLimit: 0, authFailureLimit: 3 }, maintenanceEveryMs: 0 });
    try {
      if (Date.now() % 60_000 > 55_000) await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 20));
      const guesses = [];
      for (let i = 0; i < 5; i++) guesses.push(await get(app, `Bearer omt_guess_${i}`));
      expect(guesses.map((r) => r.statusCode)).toEqual([401, 401, 401, 429, 429]);
      const limited = guesses[3]!;
      expect(limited.json().code).toBe("rate_limited");
      expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(60);
      expect(limited.headers["ratelimit-limit"], "the per-second headers do not describe this budget").toBeUndefined();
      // Malformed headers are failures too, and a valid token from the same IP waits with them.
      expect((await get(app, "Token nope")).statusCode).toBe(429);
      expect((await get(app, `Bearer ${token}`)).statusCode).toBe(429);
      expect((await get(app, `Bearer ${token}`, "198.51.100.8")).statusCode).toBe(200);
      expect((await get(app, "Bearer omt_other_ip", "198.51.100.8")).statusCode).toBe(401);
      // A request with no token is no guess: it gets its 401.
      expect((await get(app, null)).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });

  it("valid tokens are never counted as failures", async () => {
    const app = await buildApp({ db: s.db, config: { rateLimit: 0, authFailureLimit: 2 }, maintenanceEveryMs: 0 });
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => get(app, `Bearer ${token}`, "198.51.100.9")));
      expect(answers.every((r) => r.statusCode === 200)).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe("requests without a token, per IP", () => {
  it("count against ORGS_RATE_LIMIT per second for their IP: 401 within it (no RateLimit-* on a 401), 429 past it", async () => {
    const app = await buildApp({ db: s.db, config: { rateLimit: 3, authFailureLimit: 0 }, maintenanceEveryMs: 0 });
    try {
      let codes: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        await intoSecond();
        const second = Math.floor(Date.now() / 1000);
        const answers = [];
        for (let i = 0; i < 5; i++) answers.push(await get(app, null, "198.51.100.10"));
        codes = answers.map((r) => r.statusCode);
        expect(answers[0]!.headers["ratelimit-limit"]).toBeUndefined();
        expect(answers[4]!.headers["ratelimit-limit"]).toBe("3");
        if (Math.floor(Date.now() / 1000) === second) break;
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await app.close();
    }
  });
});

describe("behind a proxy (ORGS_TRUST_PROXY)", () => {
  it("the per-IP budgets count the client named by X-Forwarded-For when the request comes from a trusted proxy, and not otherwise", async () => {
    const app = await buildApp({ db: s.db, config: { rateLimit: 0, authFailureLimit: 1 }, maintenanceEveryMs: 0, trustProxy: "127.0.0.1" });
    try {
      const via = (client: string, auth: string, from = "127.0.0.1") => get(app, auth, from, { "x-forwarded-for": client });
      expect((await via("203.0.113.1", "Bearer omt_bad")).statusCode).toBe(401);
      expect((await via("203.0.113.1", "Bearer omt_bad")).statusCode).toBe(429);
      // Another client behind the same proxy has its own budget.
      expect((await via("203.0.113.2", `Bearer ${token}`)).statusCode).toBe(200);
      // From an untrusted address the header is ignored: the sender's own IP counts.
      expect((await via("203.0.113.3", "Bearer omt_bad", "192.0.2.50")).statusCode).toBe(401);
      expect((await via("203.0.113.4", "Bearer omt_bad", "192.0.2.50")).statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });
});
