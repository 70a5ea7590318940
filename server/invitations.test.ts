// The invitee's side: accepting (email match, expiry, single use, 2FA), my invitations, the outbox.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/support/server";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});
const DAY = 24 * 3600 * 1000;

describe("accepting an invitation", () => {
  it("200: the member becomes active, linked to the account; roles and teams take effect; the token is single-use", async () => {
    const { owner, org } = await s.orgWithOwner("acc-org");
    const invited = await s.invite(owner.token, org.id, "Carol@Example.com", { permissions: ["billing"] });
    const carol = await s.signup("carol@example.com");
    const token = await s.invitationToken("carol@example.com");
    const r = await s.call(carol.token, "POST", "/v1/invitations/accept", { token });
    expect(r.statusCode).toBe(200);
    expect(r.json).toMatchObject({
      id: invited.id,
      status: "active",
      account_id: carol.accountId,
      email: "Carol@Example.com",
      permissions: ["billing"],
      invitation: null,
    });
    expect(r.json.joined_at).toBeTruthy();
    expect((await s.call(carol.token, "GET", `/v1/organizations/${org.id}/billing/address`)).statusCode).toBe(200);
    const twice = await s.call(carol.token, "POST", "/v1/invitations/accept", { token });
    expect(twice.statusCode).toBe(404);
    const [ev] = await s.db.query<{ actor: { account_id: string } }>(
      "SELECT actor FROM audit_events WHERE organization_id = $1 AND action = 'invitation.accepted'",
      [org.id],
    );
    expect(ev!.actor.account_id).toBe(carol.accountId);
  });

  it("403 email_mismatch for another account; the invitation stays usable", async () => {
    const { owner, org } = await s.orgWithOwner("mismatch-org");
    await s.invite(owner.token, org.id, "dave@example.com");
    const token = await s.invitationToken("dave@example.com");
    const eve = await s.signup("eve@example.com");
    const r = await s.call(eve.token, "POST", "/v1/invitations/accept", { token });
    expect(r.statusCode).toBe(403);
    expect(r.json.code).toBe("email_mismatch");
    const dave = await s.signup("DAVE@example.com");
    expect((await s.call(dave.token, "POST", "/v1/invitations/accept", { token })).statusCode).toBe(200);
  });

  it("409 invitation_expired after 7 days; a re-send makes it acceptable again", async () => {
    const { owner, org } = await s.orgWithOwner("late-org");
    const m = await s.invite(owner.token, org.id, "frank@example.com");
    const frank = await s.signup("frank@example.com");
    s.clock.advance(7 * DAY + 60_000);
    const r = await s.call(frank.token, "POST", "/v1/invitations/accept", { token: await s.invitationToken("frank@example.com") });
    expect(r.statusCode).toBe(409);
    expect(r.json.code).toBe("invitation_expired");
    await s.call(owner.token, "POST", `/v1/organizations/${org.id}/members/${m.id}/invitation`);
    expect((await s.call(frank.token, "POST", "/v1/invitations/accept", { token: await s.invitationToken("frank@example.com") })).statusCode).toBe(200);
  });

  it("404 for an unknown token; 422 for a missing one; 401 without an account", async () => {
    const u = await s.signup("nobody@example.com");
    expect((await s.call(u.token, "POST", "/v1/invitations/accept", { token: "inv_nope" })).statusCode).toBe(404);
    const bad = await s.call(u.token, "POST", "/v1/invitations/accept", {});
    expect(bad.statusCode).toBe(422);
    expect(bad.json.errors[0].field).toBe("/token");
    expect((await s.call(null, "POST", "/v1/invitations/accept", { token: "inv_x" })).statusCode).toBe(401);
  });
});

describe("my invitations and the outbox", () => {
  it("lists the pending invitations addressed to my email, in any case, across organizations", async () => {
    const a = await s.orgWithOwner("mine-a");
    const b = await s.orgWithOwner("mine-b");
    await s.invite(a.owner.token, a.org.id, "Gina@Example.com");
    await s.invite(b.owner.token, b.org.id, "gina@example.com");
    const gina = await s.signup("gina@EXAMPLE.com");
    const r = await s.call(gina.token, "GET", "/v1/me/invitations");
    expect(r.statusCode).toBe(200);
    expect(r.json.items.map((m: { organization_id: string }) => m.organization_id).sort()).toEqual([a.org.id, b.org.id].sort());
  });

  it("the outbox is the operator's: 403 for anyone else; filters by recipient", async () => {
    const u = await s.signup("curious@example.com");
    expect((await s.call(u.token, "GET", "/v1/outbox")).statusCode).toBe(403);
    const r = await s.call(s.operatorToken, "GET", "/v1/outbox?to=GINA@example.com");
    expect(r.json.items).toHaveLength(2);
    expect(r.json.items[0].subject).toMatch(/invited to join/);
  });
});
