// The real `orgs` binary against a real server: organization:user:*, invitations, the outbox and
// ownership transfer.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, type Cli } from "../test/support/cli";
import { startTestServer, type TestServer } from "../test/support/server";

let s: TestServer;
let cli: Cli;
let owner: { token: string; accountId: string; email: string };
const ORG = ["--org", "acme"];

beforeAll(async () => {
  s = await startTestServer();
  await s.app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  ({ owner } = await s.orgWithOwner("acme"));
  cli = cliRunner(url, owner.token);
});
afterAll(() => s?.close());

const sorted = (a: string[]) => [...a].sort();

describe("organization:user:*", () => {
  it("user:add invites with permissions, name, note, team and role by name", async () => {
    const r = await cli([
      "organization:user:add",
      "Bob@Example.test",
      ...ORG,
      "--permission=members,billing",
      "--name",
      "Bob Builder",
      "--note",
      "welcome",
      "--format",
      "json",
    ]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ email: "Bob@Example.test", status: "invited", invitation: { name: "Bob Builder", note: "welcome", sent_count: 1 } });
    expect(sorted(r.json.permissions)).toEqual(["billing", "members"]);
    expect(r.stderr).toContain("Invited Bob@Example.test to acme");

    const t = await cli(["organization:user:add", "carol@example.test", ...ORG, "--team", "my team", "--role", "DEFAULT"]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^PROPERTY\s+VALUE\n/);
    expect(t.stdout).toMatch(/\nstatus\s+invited\n/);
  });

  it("user:add of an email already invited (any case) exits 1 with already_member", async () => {
    const r = await cli(["organization:user:add", "bob@example.TEST", ...ORG]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("already_member (409)");
  });

  it("user:add with an unknown team name exits 1 before inviting", async () => {
    const r = await cli(["organization:user:add", "dan@example.test", ...ORG, "--team", "Nope"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no team "Nope"');
  });

  it("user:list: a table with role and team names, json, csv, and filters", async () => {
    const t = await cli(["organization:user:list", ...ORG]);
    expect(t.code).toBe(0);
    const lines = t.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+EMAIL\s+STATUS\s+ROLES\s+TEAMS\s+PERMISSIONS$/);
    expect(t.stdout).toMatch(new RegExp(`${owner.email}\\s+active\\s+owner, ADMIN\\s+My Team`));
    expect(t.stdout).toMatch(/Bob@Example\.test\s+invited\s+DEFAULT\s+My Team\s+(billing, members|members, billing)/);

    const j = await cli(["organization:user:list", ...ORG, "--format", "json"]);
    expect(j.json.map((m: { email: string }) => m.email).sort()).toEqual(["Bob@Example.test", "carol@example.test", owner.email].sort());
    const c = await cli(["organization:user:list", ...ORG, "--format", "csv"]);
    expect(c.stdout.split("\n")[0]).toBe("id,email,status,roles,teams,permissions");
    expect(c.stdout).toContain('"DEFAULT"'.slice(1, -1));
    expect(c.stdout).toMatch(/,"(billing, members|members, billing)"\n/);

    const invited = await cli(["organization:user:list", ...ORG, "--status", "invited", "--format", "json"]);
    expect(invited.json.map((m: { status: string }) => m.status)).toEqual(["invited", "invited"]);
    const billing = await cli(["organization:user:list", ...ORG, "--permission", "billing", "--format", "json"]);
    expect(billing.json.map((m: { email: string }) => m.email)).toContain("Bob@Example.test");
    expect(billing.json.map((m: { email: string }) => m.email)).not.toContain("carol@example.test");
    expect((await cli(["organization:user:list", ...ORG, "--status", "gone"])).code).toBe(2);
    expect((await cli(["organization:user:list", ...ORG, "--permission", "root"])).code).toBe(2);
  });

  it("user:get finds a member by email, case-insensitively; an unknown email exits 1", async () => {
    const r = await cli(["organization:user:get", "BOB@example.test", ...ORG, "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.json.email).toBe("Bob@Example.test");
    const table = await cli(["organization:user:get", "bob@example.test", ...ORG]);
    expect(table.stdout).toMatch(/\ninvitation\.note\s+welcome\n/);
    const carol = await cli(["organization:user:get", "carol@example.test", ...ORG]);
    expect(carol.stdout).toMatch(/\nroles\s+DEFAULT\n/);
    expect(carol.stdout).toMatch(/\nteams\s+My Team\n/);
    expect(carol.stdout).not.toMatch(/role_ids|team_ids|role_\w+|team_\w+/);
    const none = await cli(["organization:user:get", "nobody@example.test", ...ORG]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("not_found (404)");
  });

  it("user:get --format csv has the same columns for an invited and an active member", async () => {
    const invited = await cli(["organization:user:get", "bob@example.test", ...ORG, "--format", "csv"]);
    const active = await cli(["organization:user:get", owner.email, ...ORG, "--format", "csv"]);
    const header = (r: { stdout: string }) => r.stdout.split("\n")[0];
    expect(header(invited)).toBe(header(active));
    expect(header(active)).toContain(",roles,teams,");
    expect(header(active)).toContain(",invitation.expires_at,invitation.invited_by_account_id,invitation.name,invitation.note,invitation.sent_count,");
    expect(active.stdout.split("\n")[1]).toContain(",ADMIN,My Team,");
  });

  it("user:update replaces the whole permission set; --permission= empties it", async () => {
    const r = await cli(["organization:user:update", "bob@example.test", ...ORG, "--permission=plans", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.json.permissions).toEqual(["plans"]);
    const empty = await cli(["organization:user:update", "bob@example.test", ...ORG, "--permission=", "--format", "json"]);
    expect(empty.json.permissions).toEqual([]);
    await cli(["organization:user:update", "bob@example.test", ...ORG, "--permission", "members", "--permission", "billing"]);
    const back = await cli(["organization:user:get", "bob@example.test", ...ORG, "--format", "json"]);
    expect(sorted(back.json.permissions)).toEqual(["billing", "members"]);
  });

  it("user:update: nothing to change or a bad permission is a usage error; the owner's permissions are refused by the server", async () => {
    expect((await cli(["organization:user:update", "bob@example.test", ...ORG])).code).toBe(2);
    expect((await cli(["organization:user:update", "bob@example.test", ...ORG, "--permission=admin"])).code).toBe(2);
    const self = await cli(["organization:user:update", owner.email, ...ORG, "--permission=billing"]);
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/\((403|422)\)/);
  });

  it("user:delete refuses without --yes, then revokes the invitation", async () => {
    const refused = await cli(["organization:user:delete", "carol@example.test", ...ORG]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--yes");
    const r = await cli(["organization:user:delete", "carol@example.test", ...ORG, "--yes", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Revoked the invitation of carol@example.test");
    // What went, for scripts: the member as it was, marked deleted.
    expect(r.json).toMatchObject({ email: "carol@example.test", status: "invited", deleted: true });
    expect((await cli(["organization:user:get", "carol@example.test", ...ORG])).code).toBe(1);
  });
});

describe("invitations and the outbox", () => {
  let bobToken: string;
  let invitation: string;

  it("invitation:resend sends again", async () => {
    const r = await cli(["invitation:resend", "bob@example.test", ...ORG, "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.json.invitation.sent_count).toBe(2);
  });

  it("outbox:list shows the mail to the operator only", async () => {
    const r = await cli(["outbox:list", "--to", "Bob@Example.test", "--format", "json"], { token: s.operatorToken });
    expect(r.code).toBe(0);
    expect(r.json.length).toBeGreaterThanOrEqual(2);
    // Re-sending replaced the first token: the newest mail carries the live one.
    const mail = [...r.json].sort((a, b) => (a.created_at + a.id < b.created_at + b.id ? -1 : 1));
    invitation = mail
      .map((m: { invitation_token: string | null }) => m.invitation_token)
      .filter(Boolean)
      .at(-1)!;
    expect(invitation).toBeTruthy();
    const table = await cli(["outbox:list"], { token: s.operatorToken });
    expect(table.stdout).toMatch(/^ID\s+TO\s+SUBJECT\s+INVITATION TOKEN\s+LINK\s+SENT\n/);
    expect(table.stdout).toMatch(/http:\/\/\S+\/admin\/accept#token=inv_/);
    const denied = await cli(["outbox:list"]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain("forbidden (403)");
  });

  it("invitation:list shows the invitee their invitations; invitation:accept joins", async () => {
    bobToken = (await s.signup("bob@example.test")).token;
    const list = await cli(["invitation:list", "--format", "json"], { token: bobToken });
    expect(list.code).toBe(0);
    expect(list.json).toHaveLength(1);
    expect(list.json[0]).toMatchObject({ email: "Bob@Example.test", status: "invited", organization_slug: "acme" });
    // The invitee cannot read the organization yet: the table names it by slug and name, not by ID.
    const table = await cli(["invitation:list"], { token: bobToken });
    expect(table.stdout).toMatch(/^MEMBER\s+ORGANIZATION\s+NAME\s+EMAIL/);
    expect(table.stdout).toMatch(/\sacme\s/);
    expect(table.stdout).not.toMatch(/org_/);
    const bad = await cli(["invitation:accept", "not-a-token"], { token: bobToken });
    expect(bad.code).toBe(1);
    const accepted = await cli(["invitation:accept", invitation], { token: bobToken });
    expect(accepted.code).toBe(0);
    expect(accepted.stderr).toBe("You are now a member of acme.\n");
    expect(accepted.stdout).toMatch(/\nstatus\s+active\n/);
    expect(accepted.stdout).toMatch(/\nroles\s+DEFAULT\n/);
    expect((await cli(["organization:user:get", "bob@example.test", ...ORG, "--format", "json"])).json).toMatchObject({
      status: "active",
      email: "Bob@Example.test",
    });
    expect((await cli(["invitation:list", "--format", "json"], { token: bobToken })).json).toEqual([]);
  });

  it("invitation:resend of an active member exits 1", async () => {
    const r = await cli(["invitation:resend", "bob@example.test", ...ORG]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("member_active (409)");
  });

  it("organization:transfer-ownership refuses without --yes, then moves ownership to an active member", async () => {
    expect((await cli(["organization:transfer-ownership", "bob@example.test", ...ORG])).code).toBe(2);
    const pending = await cli(["organization:user:add", "erin@example.test", ...ORG]);
    expect(pending.code).toBe(0);
    const notActive = await cli(["organization:transfer-ownership", "erin@example.test", ...ORG, "-y"]);
    expect(notActive.code).toBe(1);
    expect(notActive.stderr).toContain("target_not_active_member (409)");
    const r = await cli(["organization:transfer-ownership", "bob@example.test", ...ORG, "-y", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.json.owner_account_id).not.toBe(owner.accountId);
    const me = await cli(["organization:user:get", owner.email, ...ORG, "--format", "json"]);
    expect(me.json.is_owner).toBe(false);
  });
});
