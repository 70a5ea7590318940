// An invitation's name and note: given at invite, stored, answered on the member while invited (to
// everyone who may read members), in the mail, kept by a re-send; gone with the invitation once
// accepted, when the account's own name applies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/support/server";
import { databaseEngines } from "../test/support/engines";

let s: TestServer;
describe.each(databaseEngines("invitation name and note"))("on $name", ({ postgres }) => {
  beforeAll(async () => {
    s = await startTestServer({ postgres });
  });
  afterAll(async () => {
    await s.close();
  });

  const mailsTo = async (email: string) =>
    (await s.call(s.operatorToken, "GET", `/v1/outbox?to=${encodeURIComponent(email)}&limit=100`)).json.items as { subject: string; text: string }[];

  it("201 with name and note on the invitation; read back, listed, greeted in the mail; a re-send keeps both", async () => {
    const { owner, org } = await s.orgWithOwner("named-invites");
    const r = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/members`, {
      email: "ada@example.com",
      name: "Ada Lovelace",
      note: "Welcome to the platform team.",
    });
    expect(r.statusCode).toBe(201);
    expect(r.json.invitation).toMatchObject({ name: "Ada Lovelace", note: "Welcome to the platform team.", sent_count: 1 });
    const got = await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members/${r.json.id}`);
    expect(got.json.invitation).toMatchObject({ name: "Ada Lovelace", note: "Welcome to the platform team." });
    const listed = await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members?status=invited`);
    expect(listed.json.items.find((m: { id: string }) => m.id === r.json.id).invitation.name).toBe("Ada Lovelace");
    const [mail] = await mailsTo("ada@example.com");
    expect(mail!.text).toMatch(/^Hello Ada Lovelace,\n\n/);
    expect(mail!.text).toContain("\n\nWelcome to the platform team.\n");

    const resent = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/members/${r.json.id}/invitation`);
    expect(resent.statusCode).toBe(200);
    expect(resent.json.invitation).toMatchObject({ name: "Ada Lovelace", note: "Welcome to the platform team.", sent_count: 2 });
    const mails = await mailsTo("ada@example.com");
    expect(mails).toHaveLength(2);
    expect(mails[1]!.text).toMatch(/^Hello Ada Lovelace,/);

    // Accepted: the member has no invitation any more; the account's name is the account's own.
    const ada = await s.signup("ada@example.com", "Ada King");
    const accepted = await s.call(ada.token, "POST", "/v1/invitations/accept", { token: (await s.invitationToken("ada@example.com"))! });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json.invitation).toBeNull();
    expect((await s.call(ada.token, "GET", "/v1/me")).json.name).toBe("Ada King");
  });

  it("without a name: null on the invitation, and the mail opens with who invites", async () => {
    const { owner, org } = await s.orgWithOwner("plain-invites");
    const m = await s.invite(owner.token, org.id, "bob@example.com");
    expect(m.invitation).toMatchObject({ name: null, note: null });
    const [mail] = await mailsTo("bob@example.com");
    expect(mail!.text).toMatch(/^owner \(owner@plain-invites\.test\) invited you/);
  });

  it("422 naming /name for an empty, padded or overlong name; nothing is written", async () => {
    const { owner, org } = await s.orgWithOwner("bad-names");
    for (const name of ["", " Ada", "x".repeat(65), "Ada\nKing"]) {
      const r = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/members`, { email: "eve@example.com", name });
      expect(r.statusCode, JSON.stringify(name)).toBe(422);
      expect(r.json.errors[0].field).toBe("/name");
    }
    const listed = await s.call(owner.token, "GET", `/v1/organizations/${org.id}/members?email=eve@example.com`);
    expect(listed.json.items).toEqual([]);
    expect(await mailsTo("eve@example.com")).toEqual([]);
  });
});
