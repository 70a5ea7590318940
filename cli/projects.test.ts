// The real `orgs` binary against a real server: roles, teams, projects, project access, API tokens,
// two-factor and the audit log (including --follow).
import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, eventually, type Cli } from "../test/support/cli";
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
  await s.call(owner.token, "POST", "/v1/organizations", { slug: "globex", name: "Globex", region: "us" });
  await s.call(owner.token, "POST", "/v1/organizations/acme/members", { email: "bob@example.test" });
  cli = cliRunner(url, owner.token);
});
afterAll(() => s?.close());

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) from a base32 secret. */
function totp(secret: string, at = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const h = createHmac("sha1", key).update(counter).digest();
  const o = h[h.length - 1]! & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

describe("role:*", () => {
  it("create, list, get, update (replacing permissions), delete", async () => {
    const c = await cli(["role:create", "devs", ...ORG, "--permission=projects:create", "--description", "Developers", "--format", "json"]);
    expect(c.code).toBe(0);
    expect(c.json).toMatchObject({ name: "devs", permissions: ["projects:create"], builtin: false });
    const list = await cli(["role:list", ...ORG]);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+BUILT-IN\s+PERMISSIONS\s+DESCRIPTION\n/);
    expect(list.stdout).toMatch(/ADMIN\s+yes/);
    expect(list.stdout).toMatch(/devs\s+projects:create\s+Developers/);
    expect((await cli(["role:get", "DEVS", ...ORG, "--format", "json"])).json.id).toBe(c.json.id);
    const u = await cli(["role:update", "devs", ...ORG, "--permission=members,billing", "--format", "json"]);
    expect([...u.json.permissions].sort()).toEqual(["billing", "members"]);
    expect((await cli(["role:delete", "devs", ...ORG])).code).toBe(2);
    const del = await cli(["role:delete", "devs", ...ORG, "--yes", "--format", "json"]);
    expect(del.code).toBe(0);
    expect(del.json).toMatchObject({ id: c.json.id, name: "devs", deleted: true });
    expect((await cli(["role:get", "devs", ...ORG])).code).toBe(1);
  });

  it("bad input: permission (2), duplicate name (1), built-in role (1)", async () => {
    expect((await cli(["role:create", "x", ...ORG, "--permission=everything"])).code).toBe(2);
    await cli(["role:create", "ops", ...ORG]);
    const dup = await cli(["role:create", "OPS", ...ORG]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("already_exists (409)");
    const builtin = await cli(["role:update", "ADMIN", ...ORG, "--name", "boss"]);
    expect(builtin.code).toBe(1);
    expect(builtin.stderr).toContain("builtin_role (422)");
  });
});

describe("team:* and team:member:*", () => {
  it("create, list, get, update", async () => {
    const c = await cli(["team:create", "Backend", ...ORG, "--description", "APIs", "--format", "json"]);
    expect(c.code).toBe(0);
    expect(c.json).toMatchObject({ name: "Backend", description: "APIs", is_default: false });
    const list = await cli(["team:list", ...ORG]);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+MEMBERS\s+DEFAULT\s+DESCRIPTION\n/);
    // The owner and the invited bob: invitees belong to their teams from the invitation on.
    expect(list.stdout).toMatch(/My Team\s+2\s+yes/);
    expect((await cli(["team:get", "backend", ...ORG, "--format", "json"])).json.id).toBe(c.json.id);
    expect((await cli(["team:update", "Backend", ...ORG, "--description", "Services", "--format", "json"])).json.description).toBe("Services");
    expect((await cli(["team:update", "Backend", ...ORG])).code).toBe(2);
  });

  it("member add (with a team role), list, remove", async () => {
    const add = await cli(["team:member:add", "Backend", "bob@example.test", ...ORG, "--role", "maintainer", "--format", "json"]);
    expect(add.code).toBe(0);
    expect(add.json).toMatchObject({ email: "bob@example.test", role: "maintainer" });
    const list = await cli(["team:member:list", "Backend", ...ORG]);
    expect(list.stdout).toMatch(/^MEMBER\s+EMAIL\s+ROLE\s+ADDED\n/);
    expect(list.stdout).toMatch(/bob@example\.test\s+maintainer/);
    expect((await cli(["team:member:add", "Backend", "bob@example.test", ...ORG, "--role", "boss"])).code).toBe(2);
    expect((await cli(["team:member:remove", "Backend", "bob@example.test", ...ORG])).code).toBe(2);
    const removed = await cli(["team:member:remove", "Backend", "bob@example.test", ...ORG, "-y", "--format", "csv"]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^team_id,member_id,email,deleted\nteam_\w+,mem_\w+,bob@example\.test,true\n$/);
    expect((await cli(["team:member:list", "Backend", ...ORG, "--format", "json"])).json).toEqual([]);
  });

  it("removing a member's last team exits 1 with last_team", async () => {
    const r = await cli(["team:member:remove", "My Team", "bob@example.test", ...ORG, "-y"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("last_team (409)");
  });
});

describe("project:* and project:access:*", () => {
  let id: string;

  it("create, list, get by name or ID, update, environments", async () => {
    const c = await cli(["project:create", "web", ...ORG, "--description", "Website", "--format", "json"]);
    expect(c.code).toBe(0);
    id = c.json.id;
    expect(c.json.environments.map((e: { type: string }) => e.type).sort()).toEqual(["live", "sandbox"]);
    const list = await cli(["project:list", ...ORG]);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+ORGANIZATION\s+DESCRIPTION\s+CREATED\n/);
    expect(list.stdout).toMatch(/prj_\w+\s+web\s+org_\w+\s+Website/);
    expect((await cli(["project:get", "WEB", ...ORG, "--format", "json"])).json.id).toBe(id);
    expect((await cli(["project:get", id, "--format", "json"], { env: { ORGS_ORG: undefined } })).json.name).toBe("web");
    expect((await cli(["project:update", "web", ...ORG, "--description", "Site", "--format", "json"])).json.description).toBe("Site");
    const envs = await cli(["project:environments", id]);
    expect(envs.stdout).toMatch(/^ID\s+TYPE\s+PROJECT\n/);
    expect(envs.stdout).toMatch(/env_\w+\s+sandbox/);
    expect((await cli(["project:create", "web", ...ORG])).code).toBe(1);
  });

  it("access:grant to a member and a team, access:list with names", async () => {
    const m = await cli([
      "project:access:grant",
      "web",
      ...ORG,
      "--member",
      "bob@example.test",
      "--level",
      "viewer",
      "--sandbox",
      "contributor",
      "--format",
      "json",
    ]);
    expect(m.code).toBe(0);
    expect(m.json).toMatchObject({ principal_type: "members", role: "viewer", environment_roles: { sandbox: "contributor" } });
    expect(m.stderr).toContain("Granted viewer access to web for bob@example.test");
    const t = await cli(["project:access:grant", id, "--team", "Backend", "--level", "admin"]);
    expect(t.code).toBe(0);
    const list = await cli(["project:access:list", "web", ...ORG]);
    expect(list.stdout).toMatch(/^TYPE\s+PRINCIPAL\s+LEVEL\s+SANDBOX\s+LIVE\s+EXTERNAL\n/);
    expect(list.stdout).toMatch(/members\s+bob@example\.test\s+viewer\s+contributor/);
    expect(list.stdout).toMatch(/teams\s+Backend\s+admin/);
    expect((await cli(["project:access:list", "web", ...ORG, "--type", "teams", "--format", "json"])).json).toHaveLength(1);
  });

  it("access:grant bad input: no principal, two principals, bad level (2); unknown account (1)", async () => {
    expect((await cli(["project:access:grant", "web", ...ORG, "--level", "admin"])).code).toBe(2);
    expect((await cli(["project:access:grant", "web", ...ORG, "--team", "Backend", "--role", "ADMIN", "--level", "admin"])).code).toBe(2);
    expect((await cli(["project:access:grant", "web", ...ORG, "--team", "Backend", "--level", "owner"])).code).toBe(2);
    const acct = await cli(["project:access:grant", "web", ...ORG, "--account", "acct_nosuch0000", "--level", "viewer"]);
    expect(acct.code).toBe(1);
    expect(acct.stderr).toContain("account_not_found (422)");
  });

  it("delete is blocked by grants; revoke (confirmed), transfer, delete", async () => {
    const blocked = await cli(["project:delete", "web", ...ORG, "-y"]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain("project_has_access_grants (409)");
    expect((await cli(["project:access:revoke", "web", ...ORG, "--team", "Backend"])).code).toBe(2);
    const revoked = await cli(["project:access:revoke", "web", ...ORG, "--team", "Backend", "-y", "--format", "json"]);
    expect(revoked.code).toBe(0);
    expect(revoked.json).toMatchObject({ project_id: id, principal_type: "teams", deleted: true });
    expect((await cli(["project:access:revoke", "web", ...ORG, "--member", "bob@example.test", "-y"])).code).toBe(0);
    expect((await cli(["project:transfer", "web", ...ORG, "-y"])).code).toBe(2); // no --to
    const moved = await cli(["project:transfer", "web", ...ORG, "--to", "globex", "-y", "--format", "json"]);
    expect(moved.code).toBe(0);
    expect(moved.json.id).toBe(id);
    expect((await cli(["project:delete", id])).code).toBe(2);
    const deleted = await cli(["project:delete", id, "--yes", "--format", "json"]);
    expect(deleted.code).toBe(0);
    expect(deleted.json).toMatchObject({ id, name: "web", deleted: true });
    expect((await cli(["project:get", id])).code).toBe(1);
  });

  it("team:delete refuses without --yes, then deletes", async () => {
    expect((await cli(["team:delete", "Backend", ...ORG])).code).toBe(2);
    const r = await cli(["team:delete", "Backend", ...ORG, "--yes", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ name: "Backend", deleted: true });
    // A table prints nothing on stdout: the note on stderr is for people.
    await cli(["team:create", "Doomed", ...ORG]);
    const t = await cli(["team:delete", "Doomed", ...ORG, "--yes"]);
    expect(t.stdout).toBe("");
    expect(t.stderr).toBe("Deleted team Doomed.\n");
  });
});

describe("token:* and 2fa:*", () => {
  it("token:create shows the secret once; token:list never does; token:revoke by name", async () => {
    const c = await cli(["token:create", "ci", "--expires-in", "30d", "--orgs", "acme", "--format", "json"]);
    expect(c.code).toBe(0);
    expect(c.json.token).toMatch(/^omt_/);
    expect(c.json.organization_ids).toHaveLength(1);
    expect((await cli(["organization:list", "--format", "json"], { token: c.json.token })).code).toBe(0);
    const list = await cli(["token:list"]);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+LAST4\s+ORGANIZATIONS\s+EXPIRES\s+LAST USED\n/);
    expect(list.stdout).toContain(c.json.last4);
    expect(list.stdout).not.toContain(c.json.token);
    expect((await cli(["token:create", "x", "--expires-in", "soon"])).code).toBe(2);
    expect((await cli(["token:revoke", "ci"])).code).toBe(2);
    const revoked = await cli(["token:revoke", "ci", "-y", "--format", "json"]);
    expect(revoked.code).toBe(0);
    expect(revoked.json).toMatchObject({ id: c.json.id, name: "ci", last4: c.json.last4, deleted: true });
    expect(revoked.json.token).toBeUndefined();
    expect((await cli(["organization:list"], { token: c.json.token })).code).toBe(1);
  });

  it("2fa:enroll, confirm with a current code, disable with a code not used before", async () => {
    const me = await s.signup("tfa@example.test");
    const e = await cli(["2fa:enroll", "--format", "json"], { token: me.token });
    expect(e.code).toBe(0);
    expect(e.json.otpauth_url).toMatch(/^otpauth:\/\/totp\//);
    const wrong = await cli(["2fa:confirm", "000000"], { token: me.token });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("invalid_two_factor_code (422)");
    const t0 = Date.now();
    const ok = await cli(["2fa:confirm", totp(e.json.secret, t0), "--format", "json"], { token: me.token });
    expect(ok.code).toBe(0);
    expect(ok.json.two_factor_enabled).toBe(true);
    // Each code is accepted once: the confirming one again is refused, the next one (30 s ahead,
    // within the accepted drift) disables.
    expect((await cli(["2fa:disable", totp(e.json.secret, t0)], { token: me.token })).code).toBe(1);
    expect((await cli(["2fa:disable", totp(e.json.secret, t0 + 30_000)], { token: me.token })).code).toBe(0);
  });
});

describe("audit:list", () => {
  it("lists events newest first, with filters, --limit, json and csv", async () => {
    const t = await cli(["audit:list", ...ORG]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^TIME\s+ACTION\s+ACTOR\s+TARGET\s+CHANGES\n/);
    expect(t.stdout).toMatch(new RegExp(`organization\\.created\\s+${owner.email}\\s+organization acme`));
    const j = await cli(["audit:list", ...ORG, "--action", "project.created", "--format", "json"]);
    expect(j.json.length).toBeGreaterThan(0);
    expect(j.json.every((e: { action: string }) => e.action === "project.created")).toBe(true);
    expect((await cli(["audit:list", ...ORG, "--limit", "2", "--format", "json"])).json).toHaveLength(2);
    expect((await cli(["audit:list", ...ORG, "--since", "1h", "--actor", owner.email, "--format", "json"])).json.length).toBeGreaterThan(2);
    expect((await cli(["audit:list", ...ORG, "--until", "2000-01-01T00:00:00Z", "--format", "json"])).json).toEqual([]);
    const csv = await cli(["audit:list", ...ORG, "--limit", "1", "--format", "csv"]);
    expect(csv.stdout.split("\n")[0]).toBe("time,action,actor,target,changes");
  });

  it("bad filters are usage errors; a non-admin gets 403", async () => {
    expect((await cli(["audit:list", ...ORG, "--since", "last tuesday"])).code).toBe(2);
    expect((await cli(["audit:list", ...ORG, "--limit", "0"])).code).toBe(2);
    const outsider = await s.signup("outsider@example.test");
    const r = await cli(["audit:list", ...ORG], { token: outsider.token });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not_found \(404\)|forbidden \(403\)/);
  });

  it("--follow prints new events as they happen, one JSON object per line", async () => {
    const f = cli.spawn(["audit:list", ...ORG, "--follow", "--interval", "1", "--limit", "3", "--format", "json"]);
    await eventually(() => f.output().split("\n").filter(Boolean).length >= 3);
    await s.call(owner.token, "POST", "/v1/organizations/acme/teams", { name: "Followed" });
    await eventually(() => f.output().includes('"team.created"') && f.output().includes("Followed"));
    expect(await f.stop()).toBe(0);
    const lines = f
      .output()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ action: "team.created", target: { display_name: "Followed" } });
    expect(new Set(lines.map((e) => e.id)).size).toBe(lines.length);
  });
});
