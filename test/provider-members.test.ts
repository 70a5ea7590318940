// The Role, Team and Member providers in the real dynamic-provider host, against a real server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemberOutputs, RoleOutputs, TeamOutputs } from "../api/pulumi";
import { Host, HostError, providerEnv, Stack } from "./support/engine";

let env: Awaited<ReturnType<typeof providerEnv>>;
let org: { id: string; outputs: Record<string, any> };
beforeAll(async () => {
  env = await providerEnv();
  await env.stack.up("organization", "org", { slug: "members-org", name: "Members", region: "eu" });
  org = env.stack.get("org");
});
afterAll(async () => {
  await env?.close();
});

const call = (method: string, url: string, body?: unknown) => env.server.call(env.owner.token, method, url, body);
const strip = ({ __provider: _, ...rest }: Record<string, any>) => rest;
const DAY = 24 * 3600 * 1000;

describe("Role", () => {
  it("goes through create, no-op, update, refresh and delete", async () => {
    const { stack } = env;
    const inputs = { organization: org.id, name: "Developer", permissions: ["projects:create"] };
    await stack.up("role", "dev", inputs);
    const r = stack.get("dev");
    expect(r.id).toBe(`${org.id}/${r.outputs.roleId}`);
    expect(RoleOutputs.parse(strip(r.outputs))).toMatchObject({ name: "Developer", permissions: ["projects:create"], organizationId: org.id });

    const before = env.requests();
    expect((await stack.up("role", "dev", { ...inputs, permissions: ["projects:create"] })).op).toBe("same");
    expect(env.requests()).toBe(before);

    await stack.up("role", "dev", { ...inputs, permissions: ["members", "projects:create"], description: "Builds" });
    expect((await call("GET", `/v1/organizations/${org.id}/roles/${r.outputs.roleId}`)).json).toMatchObject({ description: "Builds" });
    // Sets: order doesn't matter.
    expect((await stack.preview("role", "dev", { ...inputs, permissions: ["projects:create", "members"], description: "Builds" })).op).toBe("same");

    await call("PATCH", `/v1/organizations/${org.id}/roles/${r.outputs.roleId}`, { permissions: ["billing"] });
    await stack.refresh("dev");
    expect(stack.get("dev").inputs.permissions).toEqual(["billing"]);
    expect((await stack.preview("role", "dev", { ...inputs, permissions: ["members", "projects:create"], description: "Builds" })).op).toBe("update");

    await stack.destroy("dev");
    expect((await call("GET", `/v1/organizations/${org.id}/roles/${r.outputs.roleId}`)).statusCode).toBe(404);
  });

  it("replaces on a change of organization, and explains a role still in use", async () => {
    const { stack } = env;
    const other = (await call("POST", "/v1/organizations", { slug: "members-other", name: "Other", region: "eu" })).json;
    await stack.up("role", "moving", { organization: org.id, name: "Mover" });
    expect((await stack.preview("role", "moving", { organization: other.id, name: "Mover" })).op).toBe("replace");
    // The same organization named by its slug is no change (issue 11: a rename must never replace).
    expect((await stack.preview("role", "moving", { organization: "members-org", name: "Mover" })).op).toBe("same");
    const m = await call("POST", `/v1/organizations/${org.id}/members`, { email: "uses-role@example.test", role_ids: [stack.get("moving").outputs.roleId] });
    const err = await stack.destroy("moving").catch((e) => e);
    expect(err.message).toMatch(/role_in_use \(409\).*members or project grants this stack does not declare/);
    await call("DELETE", `/v1/organizations/${org.id}/members/${m.json.id}`);
    await stack.destroy("moving");
  });

  it("adopts an existing role only with adopt: true, never a built-in one, and reads one deleted by hand as gone", async () => {
    const { stack } = env;
    const existing = (await call("POST", `/v1/organizations/${org.id}/roles`, { name: "Auditor", permissions: ["billing"] })).json;
    const err = await stack.up("role", "auditor", { organization: org.id, name: "auditor" }).catch((e) => e);
    expect(err.message).toMatch(/already_exists \(409\).*set `adopt: true` on this resource to manage the existing role/);
    await stack.up("role", "auditor", { organization: org.id, name: "Auditor", permissions: ["billing", "plans"], adopt: true });
    expect(stack.get("auditor").outputs.roleId).toBe(existing.id);
    expect((await call("GET", `/v1/organizations/${org.id}/roles/${existing.id}`)).json.permissions.sort()).toEqual(["billing", "plans"]);

    const builtin = await stack.up("role", "admin", { organization: org.id, name: "ADMIN", adopt: true }).catch((e) => e);
    expect(builtin.message).toMatch(/built-in ADMIN role, which cannot be changed: use the Organization's defaultRoleId or adminRoleId/);

    await call("DELETE", `/v1/organizations/${org.id}/roles/${existing.id}`);
    expect(await stack.refresh("auditor")).toBe("gone");
  });
});

describe("Team", () => {
  it("adopts an existing team only with adopt: true", async () => {
    const { stack } = env;
    const existing = (await call("POST", `/v1/organizations/${org.id}/teams`, { name: "On-call" })).json;
    const err = await stack.up("team", "oncall", { organization: org.id, name: "ON-CALL" }).catch((e) => e);
    expect(err.message).toMatch(/already_exists \(409\).*manage the existing team/);
    await stack.up("team", "oncall", { organization: org.id, name: "On-call", description: "Pager", adopt: true });
    expect(stack.get("oncall").outputs.teamId).toBe(existing.id);
    expect((await call("GET", `/v1/organizations/${org.id}/teams/${existing.id}`)).json.description).toBe("Pager");
    await stack.destroy("oncall");
  });

  it("goes through create, no-op, update, refresh and delete, and explains a last team", async () => {
    const { stack } = env;
    const inputs = { organization: org.id, name: "Platform" };
    await stack.up("team", "platform", inputs);
    const t = stack.get("platform");
    expect(TeamOutputs.parse(strip(t.outputs))).toMatchObject({ name: "Platform", teamId: expect.stringMatching(/^team_/) });
    const before = env.requests();
    expect((await stack.up("team", "platform", inputs)).op).toBe("same");
    expect(env.requests()).toBe(before);
    await stack.up("team", "platform", { ...inputs, description: "Runs the API" });
    await stack.refresh("platform");
    expect(stack.get("platform").inputs).toMatchObject({ name: "Platform", description: "Runs the API" });

    const m = await call("POST", `/v1/organizations/${org.id}/members`, { email: "only-platform@example.test", team_ids: [t.outputs.teamId] });
    const err = await stack.destroy("platform").catch((e) => e);
    expect(err.message).toMatch(new RegExp(`team_is_last_for_members \\(409\\).*last team of ${m.json.id}`));
    await call("DELETE", `/v1/organizations/${org.id}/members/${m.json.id}`);
    await stack.destroy("platform");
  });
});

describe("Member", () => {
  it("goes through invite, no-op, update, refresh and removal", async () => {
    const { stack } = env;
    await stack.up("team", "ops", { organization: org.id, name: "Ops" });
    const ops = stack.get("ops").outputs.teamId;
    const inputs = { organization: org.id, email: "Alice@Example.test", roles: [org.outputs.defaultRoleId], name: "Alice Liddell", note: "Welcome" };
    await stack.up("member", "alice", inputs);
    const m = stack.get("alice");
    expect(m.id).toBe(`${org.id}/${m.outputs.memberId}`);
    expect(MemberOutputs.parse(strip(m.outputs))).toMatchObject({
      status: "invited",
      accountId: null,
      isOwner: false,
      email: "Alice@Example.test",
      name: "Alice Liddell",
      note: "Welcome",
    });
    // The name and the note reach the invitation (the page and the mail show them).
    expect((await call("GET", `/v1/organizations/${org.id}/members/${m.outputs.memberId}`)).json.invitation).toMatchObject({
      name: "Alice Liddell",
      note: "Welcome",
    });
    expect(Date.parse(m.outputs.invitationExpiresAt)).toBeGreaterThan(Date.now() + 6 * DAY);

    const before = env.requests();
    expect((await stack.up("member", "alice", inputs)).op).toBe("same");
    // A change of case only is no change.
    expect((await stack.up("member", "alice", { ...inputs, email: "alice@example.TEST" })).op).toBe("same");
    expect(env.requests()).toBe(before);

    await stack.up("member", "alice", { ...inputs, teams: [ops, org.outputs.defaultTeamId], permissions: ["billing"] });
    expect((await call("GET", `/v1/organizations/${org.id}/members/${m.outputs.memberId}`)).json).toMatchObject({ permissions: ["billing"] });
    expect((await call("GET", `/v1/organizations/${org.id}/members/${m.outputs.memberId}`)).json.team_ids.sort()).toEqual(
      [ops, org.outputs.defaultTeamId].sort(),
    );

    // Drift: a role given through the API shows after refresh.
    await call("PUT", `/v1/organizations/${org.id}/members/${m.outputs.memberId}/roles/${org.outputs.adminRoleId}`);
    await stack.refresh("alice");
    expect(stack.get("alice").inputs.roles.sort()).toEqual([org.outputs.defaultRoleId, org.outputs.adminRoleId].sort());
    expect((await stack.preview("member", "alice", { ...inputs, teams: [ops, org.outputs.defaultTeamId], permissions: ["billing"] })).op).toBe("update");

    // Another address replaces the member.
    const p = await stack.preview("member", "alice", { ...inputs, email: "alice2@example.test" });
    expect(p).toMatchObject({ op: "replace", replaces: ["email"], deleteBeforeReplace: false });

    await stack.destroy("alice");
    expect((await call("GET", `/v1/organizations/${org.id}/members/${m.outputs.memberId}`)).statusCode).toBe(404);
    await stack.destroy("ops");
  });

  it("shows an expired invitation in read and diff, and re-sends it on up", async () => {
    const { stack } = env;
    const inputs = { organization: org.id, email: "late@example.test" };
    await stack.up("member", "late", inputs);
    const firstExpiry = stack.get("late").outputs.invitationExpiresAt;
    env.server.clock.advance(8 * DAY);
    try {
      await stack.refresh("late");
      expect(stack.get("late").outputs.status).toBe("expired");
      expect((await stack.preview("member", "late", { ...inputs, resendExpiredInvitation: false })).op).toBe("same");
      expect((await stack.preview("member", "late", inputs)).op).toBe("update");
      await stack.up("member", "late", inputs);
      const m = stack.get("late").outputs;
      expect(m.status).toBe("invited");
      expect(Date.parse(m.invitationExpiresAt)).toBeGreaterThan(Date.parse(firstExpiry) + 7 * DAY);
      const server = (await call("GET", `/v1/organizations/${org.id}/members/${m.memberId}`)).json;
      expect(server).toMatchObject({ status: "invited", invitation: { sent_count: 2 } });
      expect((await stack.up("member", "late", inputs)).op).toBe("same");
    } finally {
      env.server.clock.advance(-8 * DAY);
    }
    await stack.destroy("late");
  });

  it("follows an accepted invitation, and updates the member without a refresh", async () => {
    const { stack } = env;
    const person = await env.server.signup("bob@example.test");
    await stack.up("member", "bob", { organization: org.id, email: "bob@example.test" });
    const outbox = await env.server.call(env.server.operatorToken, "GET", "/v1/outbox?to=bob@example.test");
    const token = outbox.json.items.at(-1).invitation_token;
    expect((await env.server.call(person.token, "POST", "/v1/invitations/accept", { token })).statusCode).toBe(200);
    // The version moved (acceptance), but no declared field did: the update goes through.
    await stack.up("member", "bob", { organization: org.id, email: "bob@example.test", permissions: ["plans"] });
    expect(stack.get("bob").outputs).toMatchObject({ status: "active", accountId: person.accountId, permissions: ["plans"], invitationExpiresAt: null });
    await stack.destroy("bob");
  });

  it("adopts an existing invitation only with adopt: true", async () => {
    const { stack } = env;
    const existing = (await call("POST", `/v1/organizations/${org.id}/members`, { email: "carol@example.test" })).json;
    const err = await stack.up("member", "carol", { organization: org.id, email: "CAROL@example.test" }).catch((e) => e);
    expect(err.message).toMatch(/already_member \(409\).*set `adopt: true`/);
    expect(stack.state.has("carol")).toBe(false);
    await stack.up("member", "carol", { organization: org.id, email: "CAROL@example.test", permissions: ["plans"], adopt: true });
    expect(stack.get("carol").id).toBe(`${org.id}/${existing.id}`);
    expect(stack.get("carol").outputs).toMatchObject({ email: "carol@example.test", permissions: ["plans"] });
    expect((await stack.preview("member", "carol", { organization: org.id, email: "CAROL@example.test", permissions: ["plans"], adopt: true })).op).toBe(
      "same",
    );
    await stack.nextRun(env.config);
    await stack.destroy("carol");
    expect((await call("GET", `/v1/organizations/${org.id}/members/${existing.id}`)).statusCode).toBe(404);
  });

  it("keeps the ID of a half-done adoption, and refuses to remove the owner", async () => {
    const { stack } = env;
    // The owner's membership exists, but the owner holds every permission and takes no explicit ones.
    const half = await stack.up("member", "owner", { organization: org.id, email: env.owner.email, permissions: ["billing"], adopt: true }).catch((e) => e);
    expect(half).toBeInstanceOf(HostError);
    expect(half.message).toMatch(/adopted but not given the declared.*owner_has_all_permissions/);
    expect(half.initFailed?.id).toBe(`${org.id}/${org.outputs.ownerMemberId}`);
    expect(stack.get("owner").outputs).toMatchObject({ isOwner: true, status: "active", permissions: [] });
    expect((await stack.preview("member", "owner", { organization: org.id, email: env.owner.email, permissions: ["billing"], adopt: true })).op).toBe("update");
    // `pulumi destroy` is another engine run (a new host): the run that adopted the owner skips its delete.
    await stack.nextRun(env.config);
    const err = await stack.destroy("owner").catch((e) => e);
    expect(err.message).toMatch(/cannot_remove_owner \(409\).*transfer the ownership first/);
  });

  it("explains, in the program's terms, that a token holding only `members` cannot demote or remove an admin", async () => {
    const admin = await env.server.join(env.owner.token, org.id, "an-admin@example.test", { role_ids: [org.outputs.adminRoleId] });
    const userAdmin = await env.server.join(env.owner.token, org.id, "user-admin@example.test", { permissions: ["members"] });
    const other = new Stack(await Host.start());
    try {
      await other.host.configure({ ...env.config, "orgs:apiToken": userAdmin.token });
      await other.up("member", "admin", { organization: org.id, email: admin.email, adopt: true });
      const demote = await other
        .up("member", "admin", { organization: org.id, email: admin.email, roles: [org.outputs.defaultRoleId], adopt: true })
        .catch((e) => e);
      expect(demote.message).toMatch(
        /forbidden \(403\): an-admin@example.test holds the ADMIN role.* — run pulumi with a token of the organization's owner or of an ADMIN member/,
      );
      await other.nextRun({ ...env.config, "orgs:apiToken": userAdmin.token });
      const remove = await other.destroy("admin").catch((e) => e);
      expect(remove.message).toMatch(
        /only the owner and ADMIN members can remove an admin — run pulumi with a token of the organization's owner or of an ADMIN member.*pulumi state delete/,
      );
    } finally {
      await other.host.stop();
    }
    expect((await call("GET", `/v1/organizations/${org.id}/members/${admin.memberId}`)).json.role_ids).toEqual([org.outputs.adminRoleId]);
  });

  it("checks inputs with property paths before any call", async () => {
    const before = env.requests();
    const p = await env.stack.preview("member", "bad", { organization: org.id, email: "not-an-email", roles: [], permissions: ["root"] }).catch((e) => e);
    expect(p.message).toMatch(/email: .*roles: .*permissions\[0\]: /);
    expect(env.requests()).toBe(before);
  });
});
