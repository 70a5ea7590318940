// Browser sign-in: the one-time email link, TOTP when the account has 2FA, the session cookie
// (HttpOnly, SameSite, expiring), CSRF on unsafe requests, sign-out, the mail limit; API tokens
// unchanged beside it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/support/server";
import { databaseEngines } from "../test/support/engines";
import { totp } from "./domain/totp";

let s: TestServer;
describe.each(databaseEngines("browser sessions"))("on $name", ({ postgres }) => {
  beforeAll(async () => {
    s = await startTestServer({ postgres, config: { signInMailsPerHour: 3 } });
  });
  afterAll(async () => {
    await s.close();
  });

  /** The token of the last sign-in link mailed to `email`, read from the outbox as the operator. */
  async function linkToken(email: string): Promise<string> {
    const r = await s.call(s.operatorToken, "GET", `/v1/outbox?to=${encodeURIComponent(email)}&limit=100`);
    const mail = r.json.items.filter((m: { subject: string }) => m.subject === "Sign in to orgs").at(-1);
    const m = /\/admin\/sign-in#token=(\S+)/.exec(mail?.text ?? "");
    if (!m) throw new Error(`no sign-in link mailed to ${email}: ${r.body}`);
    return m[1]!;
  }

  const cookieOf = (setCookie: string | string[] | undefined) => /orgs_session=([^;]*)/.exec(String(setCookie))![1]!;

  /** Signs in by link; returns the cookie header and the session body. */
  async function signIn(email: string) {
    expect((await s.call(null, "POST", "/v1/sessions/sign-in-link", { email })).statusCode).toBe(202);
    const r = await s.call(null, "POST", "/v1/sessions", { token: await linkToken(email) });
    expect(r.statusCode).toBe(201);
    return { cookie: `orgs_session=${cookieOf(r.headers["set-cookie"])}`, session: r.json, setCookie: String(r.headers["set-cookie"]) };
  }

  describe("sign-in by email link", () => {
    it("mails a link; the link opens an HttpOnly SameSite session that authenticates API calls", async () => {
      const u = await s.signup("ada@example.com");
      const { cookie, session, setCookie } = await signIn("Ada@Example.com");
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      expect(setCookie).toMatch(/Max-Age=43200/);
      expect(setCookie).not.toMatch(/Secure/); // http://127.0.0.1 in tests
      expect(session).toMatchObject({ two_factor: "not_enrolled", account: { id: u.accountId, email: "ada@example.com" } });
      expect(session.csrf_token).toBeTruthy();
      const me = await s.call(null, "GET", "/v1/me", undefined, { cookie });
      expect(me.statusCode).toBe(200);
      expect(me.json.id).toBe(u.accountId);
      // The session is stored as a hash.
      const rows = await s.db.query<{ token_hash: string }>("SELECT token_hash FROM sessions WHERE account_id = $1", [u.accountId]);
      expect(rows[0]!.token_hash).not.toContain(cookie.split("=")[1]);
    });

    it("a link works once, and not after its lifetime", async () => {
      await s.signup("once@example.com");
      await s.call(null, "POST", "/v1/sessions/sign-in-link", { email: "once@example.com" });
      const token = await linkToken("once@example.com");
      expect((await s.call(null, "POST", "/v1/sessions", { token })).statusCode).toBe(201);
      const again = await s.call(null, "POST", "/v1/sessions", { token });
      expect(again.statusCode).toBe(401);
      expect(again.json.detail).toMatch(/used already/);
      await s.call(null, "POST", "/v1/sessions/sign-in-link", { email: "once@example.com" });
      const late = await linkToken("once@example.com");
      s.clock.advance(16 * 60_000);
      const r = await s.call(null, "POST", "/v1/sessions", { token: late });
      expect(r.statusCode).toBe(401);
      expect(r.json.detail).toMatch(/expired/);
      expect((await s.call(null, "POST", "/v1/sessions", { token: "osl_nonsense" })).statusCode).toBe(401);
    });

    it("the same 202 for an address no account has (and no mail); 429 with Retry-After past the hourly limit", async () => {
      const none = await s.call(null, "POST", "/v1/sessions/sign-in-link", { email: "nobody@example.com" });
      expect(none.statusCode).toBe(202);
      const outbox = await s.call(s.operatorToken, "GET", "/v1/outbox?to=nobody@example.com");
      expect(outbox.json.items).toEqual([]);
      await s.signup("busy@example.com");
      for (let i = 0; i < 3; i++) expect((await s.call(null, "POST", "/v1/sessions/sign-in-link", { email: "busy@example.com" })).statusCode).toBe(202);
      const r = await s.call(null, "POST", "/v1/sessions/sign-in-link", { email: "BUSY@example.com" });
      expect(r.statusCode).toBe(429);
      expect(r.json.code).toBe("rate_limited");
      expect(Number(r.headers["retry-after"])).toBeGreaterThan(3000);
      s.clock.advance(3600_000);
      expect((await s.call(null, "POST", "/v1/sessions/sign-in-link", { email: "busy@example.com" })).statusCode).toBe(202);
      const bad = await s.call(null, "POST", "/v1/sessions/sign-in-link", { email: "not-an-email" });
      expect(bad.statusCode).toBe(422);
      expect(bad.json.errors[0].field).toBe("/email");
    });

    it("the hourly limit is exact under a parallel burst: 20 requests at once, 3 links and 3 mails", async () => {
      // Each request counts the address's links and inserts one in its own transaction; without a
      // lock per address, concurrent counts on PostgreSQL all see fewer than the limit.
      await s.signup("burst@example.com");
      const answers = await Promise.all(Array.from({ length: 20 }, () => s.call(null, "POST", "/v1/sessions/sign-in-link", { email: "burst@example.com" })));
      expect(answers.map((r) => r.statusCode).sort()).toEqual([...Array(3).fill(202), ...Array(17).fill(429)]);
      const links = await s.db.query<{ n: number }>("SELECT count(*)::int AS n FROM sign_in_links WHERE email_normalized = 'burst@example.com'");
      expect(links[0]!.n).toBe(3);
      const outbox = await s.call(s.operatorToken, "GET", "/v1/outbox?to=burst@example.com&limit=100");
      expect(outbox.json.items.filter((m: { subject: string }) => m.subject === "Sign in to orgs")).toHaveLength(3);
    });

    it("the session expires", async () => {
      await s.signup("short@example.com");
      const { cookie } = await signIn("short@example.com");
      s.clock.advance(12 * 3600_000 + 1000);
      const r = await s.call(null, "GET", "/v1/me", undefined, { cookie });
      expect(r.statusCode).toBe(401);
      expect(r.json.detail).toMatch(/session has ended/);
    });
  });

  describe("CSRF, sign-out, tokens beside sessions", () => {
    it("an unsafe request with the cookie needs X-CSRF-Token; with it, it is audited as the account", async () => {
      await s.signup("csrf@example.com");
      const { cookie, session } = await signIn("csrf@example.com");
      const body = { slug: "csrf-org", name: "CSRF", region: "eu" };
      const without = await s.call(null, "POST", "/v1/organizations", body, { cookie });
      expect(without.statusCode).toBe(401);
      expect(without.json.detail).toMatch(/x-csrf-token/i);
      const wrong = await s.call(null, "POST", "/v1/organizations", body, { cookie, "x-csrf-token": "x".repeat(session.csrf_token.length) });
      expect(wrong.statusCode).toBe(401);
      const ok = await s.call(null, "POST", "/v1/organizations", body, { cookie, "x-csrf-token": session.csrf_token });
      expect(ok.statusCode).toBe(201);
      const events = await s.call(null, "GET", "/v1/organizations/csrf-org/audit-events", undefined, { cookie });
      expect(events.json.items[0]).toMatchObject({ action: "organization.created", actor: { type: "account", email: "csrf@example.com", token_id: null } });
    });

    it("sign-out ends the session and clears the cookie", async () => {
      await s.signup("bye@example.com");
      const { cookie, session } = await signIn("bye@example.com");
      expect((await s.call(null, "DELETE", "/v1/session", undefined, { cookie })).statusCode).toBe(401); // no CSRF token
      const out = await s.call(null, "DELETE", "/v1/session", undefined, { cookie, "x-csrf-token": session.csrf_token });
      expect(out.statusCode).toBe(204);
      expect(String(out.headers["set-cookie"])).toMatch(/orgs_session=; .*Max-Age=0/);
      expect((await s.call(null, "GET", "/v1/me", undefined, { cookie })).statusCode).toBe(401);
      expect((await s.call(null, "GET", "/v1/session", undefined, { cookie })).statusCode).toBe(401);
    });

    it("a request with an Authorization header is judged by the token alone", async () => {
      const u = await s.signup("both@example.com");
      const other = await s.signup("other@example.com");
      const { cookie } = await signIn("both@example.com");
      expect((await s.call(other.token, "GET", "/v1/me", undefined, { cookie })).json.id).toBe(other.accountId);
      expect((await s.call("omt_bad", "GET", "/v1/me", undefined, { cookie })).statusCode).toBe(401);
      // A token needs no CSRF header.
      expect((await s.call(u.token, "POST", "/v1/organizations", { slug: "tok-org", name: "T", region: "us" })).statusCode).toBe(201);
    });
  });

  describe("two-factor sign-in", () => {
    async function enrolled(email: string) {
      const u = await s.signup(email);
      const e = await s.call(u.token, "POST", "/v1/me/two-factor");
      await s.call(u.token, "POST", "/v1/me/two-factor/confirm", { code: totp(e.json.secret, s.clock.current()) });
      s.clock.advance(31_000); // the confirmation's code is used
      return { ...u, secret: e.json.secret as string };
    }

    it("the link opens a pending session that can do nothing but give the code; the code completes it with a new cookie", async () => {
      const u = await enrolled("tfa@example.com");
      const { cookie, session, setCookie } = await signIn("tfa@example.com");
      expect(session.two_factor).toBe("pending");
      expect(setCookie).toMatch(/Max-Age=900/);
      const me = await s.call(null, "GET", "/v1/me", undefined, { cookie });
      expect(me.statusCode).toBe(401);
      expect(me.json.detail).toMatch(/authenticator/);
      const wrong = await s.call(null, "POST", "/v1/session/two-factor", { code: "000000" }, { cookie, "x-csrf-token": session.csrf_token });
      expect(wrong.statusCode).toBe(422);
      expect(wrong.json).toMatchObject({ code: "invalid_two_factor_code", attempts_left: 4 });
      const ok = await s.call(
        null,
        "POST",
        "/v1/session/two-factor",
        { code: totp(u.secret, s.clock.current()) },
        { cookie, "x-csrf-token": session.csrf_token },
      );
      expect(ok.statusCode).toBe(200);
      expect(ok.json.two_factor).toBe("verified");
      const fresh = `orgs_session=${cookieOf(ok.headers["set-cookie"])}`;
      expect(fresh).not.toBe(cookie);
      expect((await s.call(null, "GET", "/v1/me", undefined, { cookie })).statusCode).toBe(401);
      const me2 = await s.call(null, "GET", "/v1/me", undefined, { cookie: fresh });
      expect(me2.statusCode).toBe(200);
      expect(me2.json.two_factor_enabled).toBe(true);
    });

    it("five wrong codes end the pending session", async () => {
      await enrolled("guess@example.com");
      const { cookie, session } = await signIn("guess@example.com");
      let last;
      for (let i = 0; i < 5; i++)
        last = await s.call(null, "POST", "/v1/session/two-factor", { code: "123456" }, { cookie, "x-csrf-token": session.csrf_token });
      expect(last!.statusCode).toBe(401);
      expect((await s.call(null, "GET", "/v1/session", undefined, { cookie })).statusCode).toBe(401);
    });
  });
});
