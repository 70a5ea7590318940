// API tokens (shown once, hashed, expiring, optionally restricted) and TOTP two-factor
// authentication, including an organization that requires it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/support/server";
import { hashToken } from "./domain/ids";
import { totp } from "./domain/totp";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});
const inDays = (d: number) => new Date(s.clock.now.getTime() + d * 86_400_000).toISOString();

/** Enrols and confirms 2FA for an account; returns its secret. */
async function enableTwoFactor(token: string): Promise<string> {
  const e = await s.call(token, "POST", "/v1/me/two-factor");
  if (e.statusCode !== 201) throw new Error(e.body);
  const c = await s.call(token, "POST", "/v1/me/two-factor/confirm", { code: totp(e.json.secret, s.clock.current()) });
  if (c.statusCode !== 200) throw new Error(c.body);
  return e.json.secret;
}

describe("API tokens", () => {
  it("201: the secret is shown once, stored as a hash; lists never show it", async () => {
    const u = await s.signup("tok@example.com");
    const r = await s.call(u.token, "POST", "/v1/me/tokens", { name: "ci", expires_at: inDays(30) });
    expect(r.statusCode).toBe(201);
    expect(r.json.token).toMatch(/^omt_/);
    expect(r.json.last4).toBe(r.json.token.slice(-4));
    const [row] = await s.db.query<{ token_hash: string }>("SELECT token_hash FROM api_tokens WHERE id = $1", [r.json.id]);
    expect(row!.token_hash).toBe(hashToken(r.json.token));
    const list = await s.call(u.token, "GET", "/v1/me/tokens");
    expect(list.json.items.map((t: { name: string }) => t.name).sort()).toEqual(["ci", "sign-up"]);
    expect(list.body).not.toContain(r.json.token);
    expect((await s.call(r.json.token, "GET", "/v1/me")).json.email).toBe("tok@example.com");
  });

  it("422 naming /expires_at for the past or more than a year away", async () => {
    const u = await s.signup("exp@example.com");
    for (const when of [inDays(-1), inDays(400)]) {
      const r = await s.call(u.token, "POST", "/v1/me/tokens", { name: "x", expires_at: when });
      expect(r.statusCode).toBe(422);
      expect(r.json.errors[0].field).toBe("/expires_at");
    }
    expect((await s.call(u.token, "POST", "/v1/me/tokens", { name: "x" })).json.errors[0].field).toBe("/expires_at");
  });

  it("an expired token is 401 with a message saying so", async () => {
    const u = await s.signup("old@example.com");
    const t = (await s.call(u.token, "POST", "/v1/me/tokens", { name: "short", expires_at: inDays(1) })).json;
    s.clock.advance(2 * 86_400_000);
    const r = await s.call(t.token, "GET", "/v1/me");
    expect(r.statusCode).toBe(401);
    expect(r.json.detail).toMatch(/expired/);
  });

  it("a token restricted to organizations sees only those (404 elsewhere) and cannot mint a broader token", async () => {
    const a = await s.orgWithOwner("scope-a");
    const other = await s.call(a.owner.token, "POST", "/v1/organizations", { slug: "scope-b", name: "B", region: "us" });
    const scoped = (await s.call(a.owner.token, "POST", "/v1/me/tokens", { name: "only-a", expires_at: inDays(10), organization_ids: [a.org.id] })).json;
    expect((await s.call(scoped.token, "GET", `/v1/organizations/${a.org.id}`)).statusCode).toBe(200);
    expect((await s.call(scoped.token, "GET", `/v1/organizations/${other.json.id}`)).statusCode).toBe(404);
    expect((await s.call(scoped.token, "GET", "/v1/organizations")).json.items.map((o: { id: string }) => o.id)).toEqual([a.org.id]);
    const broader = await s.call(scoped.token, "POST", "/v1/me/tokens", { name: "all", expires_at: inDays(10) });
    expect(broader.statusCode).toBe(403);
    expect(broader.json.code).toBe("privilege_escalation");
    const notMine = await s.call(a.owner.token, "POST", "/v1/me/tokens", {
      name: "x",
      expires_at: inDays(10),
      organization_ids: ["org_00000000000000000000000000"],
    });
    expect(notMine.json.errors[0].field).toBe("/organization_ids/0");
  });

  it("revoking: 204, the token stops working at once; 404 for someone else's token", async () => {
    const u = await s.signup("rev@example.com");
    const v = await s.signup("other@example.com");
    const t = (await s.call(u.token, "POST", "/v1/me/tokens", { name: "tmp", expires_at: inDays(5) })).json;
    expect((await s.call(v.token, "DELETE", `/v1/me/tokens/${t.id}`)).statusCode).toBe(404);
    expect((await s.call(u.token, "DELETE", `/v1/me/tokens/${t.id}`)).statusCode).toBe(204);
    expect((await s.call(t.token, "GET", "/v1/me")).statusCode).toBe(401);
  });
});

describe("two-factor authentication", () => {
  it("enrol (201 secret + otpauth URI), confirm with the current code, then 2FA is on; 409 enrolling again", async () => {
    const u = await s.signup("tfa@example.com");
    const e = await s.call(u.token, "POST", "/v1/me/two-factor");
    expect(e.statusCode).toBe(201);
    expect(e.json.otpauth_url).toMatch(/^otpauth:\/\/totp\/orgs%3Atfa%40example\.com\?secret=/);
    expect((await s.call(u.token, "GET", "/v1/me")).json.two_factor_enabled).toBe(false);
    const wrong = await s.call(u.token, "POST", "/v1/me/two-factor/confirm", {
      code: "000000" === totp(e.json.secret, s.clock.current()) ? "111111" : "000000",
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json).toMatchObject({ code: "invalid_two_factor_code", errors: [{ field: "/code" }] });
    const ok = await s.call(u.token, "POST", "/v1/me/two-factor/confirm", { code: totp(e.json.secret, s.clock.current()) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json.two_factor_enabled).toBe(true);
    expect((await s.call(u.token, "POST", "/v1/me/two-factor")).statusCode).toBe(409);
    const bad = await s.call(u.token, "POST", "/v1/me/two-factor/confirm", { code: "12ab56" });
    expect(bad.json.errors[0].field).toBe("/code");
  });

  it("disabling needs a current code that was not used before", async () => {
    const u = await s.signup("off@example.com");
    const { secret } = (await s.call(u.token, "POST", "/v1/me/two-factor")).json;
    const t = s.clock.current();
    expect((await s.call(u.token, "POST", "/v1/me/two-factor/confirm", { code: totp(secret, t) })).statusCode).toBe(200);
    expect(
      (await s.call(u.token, "DELETE", "/v1/me/two-factor", { code: "000000" === totp(secret, s.clock.current()) ? "111111" : "000000" })).statusCode,
    ).toBe(422);
    // The code that confirmed the enrolment, replayed: refused (RFC 6238 §5.2).
    const replay = await s.call(u.token, "DELETE", "/v1/me/two-factor", { code: totp(secret, t) });
    expect(replay.statusCode).toBe(422);
    expect(replay.json).toMatchObject({ code: "invalid_two_factor_code", errors: [{ field: "/code" }] });
    // The next code (one step ahead, within the accepted drift) is new.
    expect((await s.call(u.token, "DELETE", "/v1/me/two-factor", { code: totp(secret, new Date(t.getTime() + 30_000)) })).statusCode).toBe(204);
    expect((await s.call(u.token, "GET", "/v1/me")).json.two_factor_enabled).toBe(false);
  });

  it("an organization requiring 2FA: members without it get 403 two_factor_required until they enrol; nobody is removed", async () => {
    const owner = await s.signup("strict-owner@example.com");
    await enableTwoFactor(owner.token);
    const org = (await s.call(owner.token, "POST", "/v1/organizations", { slug: "strict-org", name: "Strict", region: "eu" })).json;
    const m = await s.join(owner.token, org.id, "lax@example.com");
    expect((await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { require_two_factor: true })).statusCode).toBe(200);
    const blocked = await s.call(m.token, "GET", `/v1/organizations/${org.id}`);
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json.code).toBe("two_factor_required");
    expect((await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members/${m.memberId}`)).json.status).toBe("active");
    await enableTwoFactor(m.token);
    expect((await s.call(m.token, "GET", `/v1/organizations/${org.id}`)).statusCode).toBe(200);
  });

  it("an invitee must enrol before accepting an invitation to such an organization", async () => {
    const owner = await s.signup("strict2@example.com");
    await enableTwoFactor(owner.token);
    const org = (await s.call(owner.token, "POST", "/v1/organizations", { slug: "strict-two", name: "S", region: "us", require_two_factor: true })).json;
    await s.invite(owner.token, org.id, "newbie@example.com");
    const newbie = await s.signup("newbie@example.com");
    const token = await s.invitationToken("newbie@example.com");
    const r = await s.call(newbie.token, "POST", "/v1/invitations/accept", { token });
    expect(r.statusCode).toBe(403);
    expect(r.json.code).toBe("two_factor_required");
    await enableTwoFactor(newbie.token);
    expect((await s.call(newbie.token, "POST", "/v1/invitations/accept", { token })).statusCode).toBe(200);
  });
});

describe("sign-up", () => {
  it("closed: refused to anyone (403), to a bad token (401), open to the operator", async () => {
    const closed = await startTestServer({ config: { signup: "closed" } });
    try {
      const body = { email: "new@example.com", name: "New" };
      const anonymous = await closed.call(null, "POST", "/v1/accounts", body);
      expect(anonymous.statusCode).toBe(403);
      expect(anonymous.json.code).toBe("forbidden");
      const member = (await closed.call(closed.operatorToken, "POST", "/v1/accounts", { email: "first@example.com", name: "First" })).json.token.token;
      expect((await closed.call(member, "POST", "/v1/accounts", body)).statusCode).toBe(403);
      expect((await closed.call("omt_not_a_token", "POST", "/v1/accounts", body)).statusCode).toBe(401);
      const byOperator = await closed.call(closed.operatorToken, "POST", "/v1/accounts", body);
      expect(byOperator.statusCode).toBe(201);
      expect(byOperator.json.account.email).toBe("new@example.com");
    } finally {
      await closed.close();
    }
  });
});
