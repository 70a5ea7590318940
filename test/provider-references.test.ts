// The provider never destroys what a program still declares (issue 11), through the real
// dynamic-provider host against a real server: how a program names an organization is never a
// change, a replacement that adopts the same object never deletes it, reads that cannot tell
// "deleted" from "not visible" never drop anything, and outputs show what the server decided.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host, providerEnv, Stack, type Kind } from "./support/engine";

let env: Awaited<ReturnType<typeof providerEnv>>;
beforeAll(async () => {
  env = await providerEnv();
});
afterAll(async () => {
  await env?.close();
});

const call = (method: string, url: string, body?: unknown, token = env.owner.token) => env.server.call(token, method, url, body);

/** A stack on another host configured with `token` and holding a copy of `name`'s state. */
async function asAnotherAccount(token: string, name: string): Promise<Stack> {
  const other = new Stack(await Host.start());
  await other.host.configure({ ...env.config, "orgs:apiToken": token });
  other.state.set(name, structuredClone(env.stack.get(name)));
  return other;
}

describe("organization references", () => {
  it("a slug rename is no change for members, roles, teams and projects that name the organization by slug, and nothing is deleted", async () => {
    const { stack } = env;
    await stack.up("organization", "acme", { slug: "acme-ref", name: "Acme", region: "eu" });
    const org = stack.get("acme");
    const byOldSlug = { organization: "acme-ref" };
    await stack.up("role", "dev", { ...byOldSlug, name: "Developer" });
    await stack.up("team", "ops", { ...byOldSlug, name: "Ops" });
    await stack.up("project", "api", { ...byOldSlug, name: "api" });
    await stack.up("member", "dana", { ...byOldSlug, email: "dana@ref.test", roles: ["Developer"], teams: ["Ops"] });
    const resources: [Kind, string, Record<string, unknown>][] = [
      ["role", "dev", { name: "Developer" }],
      ["team", "ops", { name: "Ops" }],
      ["project", "api", { name: "api" }],
      ["member", "dana", { email: "dana@ref.test", roles: ["Developer"], teams: ["Ops"] }],
    ];

    // The program renames its organization; the other resources now say the new slug (as
    // members.yaml would), or still the old one, or the ID: the same organization each time.
    await stack.up("organization", "acme", { slug: "acme-renamed", name: "Acme", region: "eu" });
    for (const [kind, name, rest] of resources) {
      for (const organization of ["acme-renamed", "acme-ref", org.id]) {
        const step = await stack.preview(kind, name, { organization, ...rest });
        expect(step.op, `${kind} ${name} named by ${organization}`).toBe("same");
      }
      const up = await stack.up(kind, name, { organization: "acme-renamed", ...rest });
      expect(up.op, `${kind} ${name}`).toBe("same");
    }
    const members = (await call("GET", `/v1/organizations/${org.id}/members?email=dana@ref.test`)).json.items;
    expect(members).toHaveLength(1);
    expect(members[0].id).toBe(stack.get("dana").outputs.memberId);

    // Renamed by hand: the same again, and resolving costs one request per new spelling per run.
    expect((await call("PATCH", `/v1/organizations/${org.id}`, { slug: "acme-by-hand" })).statusCode).toBe(200);
    const before = env.requests();
    for (const [kind, name, rest] of resources) expect((await stack.preview(kind, name, { organization: "acme-by-hand", ...rest })).op).toBe("same");
    expect(env.requests() - before).toBe(1);
    // A reference that resolves to another organization still replaces (a project transfers).
    const other = (await call("POST", "/v1/organizations", { slug: "acme-other", name: "Other", region: "eu" })).json;
    for (const [kind, name, rest] of resources) {
      const step = await stack.preview(kind, name, { organization: "acme-other", ...rest });
      expect(step.op, `${kind} ${name}`).toBe(kind === "project" ? "update" : "replace");
      expect((await stack.preview(kind, name, { organization: other.id, ...rest })).op).toBe(kind === "project" ? "update" : "replace");
    }
  });

  it("a replacement (or a renamed resource) whose create adopts the same member never deletes it", async () => {
    const { stack } = env;
    await stack.up("organization", "keep", { slug: "keep-ref", name: "Keep", region: "eu" });
    const org = stack.get("keep");
    await stack.up("member", "erik", { organization: org.id, email: "erik@ref.test" });
    const erik = stack.get("erik");
    // The same run: a new resource for the same person (the program renamed "erik" to
    // "erik-smith") adopts the membership, then the engine deletes the old resource.
    await stack.nextRun(env.config);
    await stack.up("member", "erik-smith", { organization: org.id, email: "erik@ref.test", adopt: true });
    expect(stack.get("erik-smith").id).toBe(erik.id);
    await stack.destroy("erik");
    expect((await call("GET", `/v1/organizations/${org.id}/members/${erik.outputs.memberId}`)).statusCode).toBe(200);
    // A later run deletes it as usual.
    await stack.nextRun(env.config);
    await stack.destroy("erik-smith");
    expect((await call("GET", `/v1/organizations/${org.id}/members/${erik.outputs.memberId}`)).statusCode).toBe(404);
  });
});

describe("reads that cannot tell", () => {
  it("an organization the token's account left is an error, never gone; a deleted one is gone for the account that managed it", async () => {
    const { stack } = env;
    await stack.up("organization", "seen", { slug: "seen-ref", name: "Seen", region: "us" });
    const org = stack.get("seen");
    // An account that was a member, then removed.
    const lost = await env.server.join(env.owner.token, org.id, "lost@ref.test");
    expect((await call("DELETE", `/v1/organizations/${org.id}/members/${lost.memberId}`)).statusCode).toBe(204);
    for (const token of [lost.token, (await env.server.signup("never@ref.test")).token]) {
      const other = await asAnotherAccount(token, "seen");
      try {
        const err = await other.refresh("seen").catch((e) => e);
        expect(err.message).toMatch(/organization seen-ref \(org_\w+\) answers 404.*does not say it was deleted.*Nothing was dropped from the state/);
        expect(other.state.has("seen")).toBe(true);
      } finally {
        await other.host.stop();
      }
    }
    expect((await call("DELETE", `/v1/organizations/${org.id}`)).statusCode).toBe(204);
    // Deleted: gone for the account that managed it (the server answers it 404 `deleted`). The
    // account removed before the deletion is told nothing (404 `not_found`, as to anyone who could
    // not see it then), so its refresh still cannot tell, and drops nothing.
    const other = await asAnotherAccount(lost.token, "seen");
    try {
      expect((await other.refresh("seen").catch((e) => e)).message).toMatch(/answers 404.*does not say it was deleted.*Nothing was dropped/);
      expect(other.state.has("seen")).toBe(true);
    } finally {
      await other.host.stop();
    }
    expect(await stack.refresh("seen")).toBe("gone");
  });

  it("members, roles and teams of a deleted organization are gone; of one the token cannot see, an error", async () => {
    const { stack } = env;
    await stack.up("organization", "short", { slug: "short-ref", name: "Short", region: "us" });
    const org = stack.get("short");
    await stack.up("team", "t", { organization: org.id, name: "T" });
    const outsider = await env.server.signup("outsider@ref.test");
    const other = await asAnotherAccount(outsider.token, "t");
    try {
      expect((await other.refresh("t").catch((e) => e)).message).toMatch(/team T in org_\w+ answers 404, and so does its organization.*Nothing was dropped/);
    } finally {
      await other.host.stop();
    }
    // Deleted by hand, team first (the organization keeps no team but My Team), then the organization.
    expect((await call("DELETE", `/v1/organizations/${org.id}/teams/${stack.get("t").outputs.teamId}`)).statusCode).toBe(204);
    expect((await call("DELETE", `/v1/organizations/${org.id}`)).statusCode).toBe(204);
    expect(await stack.refresh("t")).toBe("gone");
    expect(await stack.refresh("short")).toBe("gone");
  });

  it("a grant whose project was deleted by hand is gone, and its state carries the organization", async () => {
    const { stack } = env;
    await stack.up("organization", "g", { slug: "grant-ref", name: "G", region: "eu" });
    const org = stack.get("g");
    await stack.up("project", "p", { organization: org.id, name: "p" });
    const project = stack.get("p").id;
    await stack.up("project-access", "grant", { project, team: org.outputs.defaultTeamId, level: "viewer" });
    expect(stack.get("grant").outputs.organizationId).toBe(org.id);
    // Deleted out of band: the grant first (the server refuses otherwise), then the project.
    expect((await call("DELETE", `/v1/projects/${project}/access/teams/${org.outputs.defaultTeamId}`)).statusCode).toBe(204);
    expect((await call("DELETE", `/v1/projects/${project}`)).statusCode).toBe(204);
    const before = env.requests();
    expect(await stack.refresh("grant")).toBe("gone");
    expect(env.requests() - before).toBe(1);
    expect(await stack.refresh("p")).toBe("gone");
  });
});

describe("outputs", () => {
  it("show the server's value of every field, declared or not; inputs stay as declared", async () => {
    const { stack } = env;
    await stack.up("organization", "out-o", { slug: "outputs-ref", name: "Outputs", region: "eu" });
    const org = stack.get("out-o");
    expect(org.outputs).toMatchObject({ plan: "free", requireTwoFactor: false, websiteUrl: null });
    await stack.up("project", "out-p", { organization: org.id, name: "out-p" });
    expect(stack.get("out-p").outputs).toMatchObject({ description: "" });
    await stack.up("role", "out-r", { organization: org.id, name: "R" });
    expect(stack.get("out-r").outputs).toMatchObject({ description: "", permissions: [] });
    await stack.up("member", "out-m", { organization: org.id, email: "m@ref.test" });
    expect(stack.get("out-m").outputs).toMatchObject({
      roles: [org.outputs.defaultRoleId],
      teams: [org.outputs.defaultTeamId],
      permissions: [],
      roleIds: [org.outputs.defaultRoleId],
    });
    await stack.up("project-access", "out-a", { project: stack.get("out-p").id, member: stack.get("out-m").outputs.memberId, level: "viewer" });
    expect(stack.get("out-a").outputs.environmentRoles).toEqual({ sandbox: "viewer", live: "viewer" });

    // A refresh hands back as inputs only what the program declared.
    for (const name of ["out-o", "out-p", "out-r", "out-m", "out-a"]) await stack.refresh(name);
    const declared = (name: string) =>
      Object.keys(stack.get(name).inputs)
        .filter((k) => k !== "__provider")
        .sort();
    expect(declared("out-o")).toEqual(["name", "region", "slug"]);
    expect(declared("out-m")).toEqual(["email", "organization"]);
    expect(stack.get("out-a").inputs.environmentRoles).toBeUndefined();
    // A change by hand to something undeclared is not the program's business: no change.
    await call("PATCH", `/v1/organizations/${org.id}`, { plan: "pro" });
    await stack.refresh("out-o");
    expect(stack.get("out-o").outputs.plan).toBe("pro");
    expect((await stack.preview("organization", "out-o", { slug: "outputs-ref", name: "Outputs", region: "eu" })).op).toBe("same");
  });
});

describe("roles and teams by name", () => {
  it("resolves names (case-insensitively) on create and update, shows drift by name, and names a missing one with its path", async () => {
    const { stack } = env;
    await stack.up("organization", "n", { slug: "names-ref", name: "Names", region: "eu" });
    const org = stack.get("n");
    await stack.up("role", "names-dev", { organization: org.id, name: "Developer" });
    await stack.up("role", "names-fin", { organization: org.id, name: "Finance" });
    await stack.up("team", "names-plat", { organization: org.id, name: "Platform Eng" });
    const inputs = { organization: "names-ref", email: "names@ref.test", roles: ["developer"], teams: ["Platform Eng", "My Team"] };
    await stack.up("member", "n1", inputs);
    const m = stack.get("n1");
    const server = (await call("GET", `/v1/organizations/${org.id}/members/${m.outputs.memberId}`)).json;
    expect(server.role_ids).toEqual([stack.get("names-dev").outputs.roleId]);
    expect(server.team_ids.sort()).toEqual([org.outputs.defaultTeamId, stack.get("names-plat").outputs.teamId].sort());
    expect(m.outputs.roles).toEqual(["developer"]);

    // No-op: no request at all; the same roles named by ID: no change.
    const before = env.requests();
    expect((await stack.preview("member", "n1", inputs)).op).toBe("same");
    expect(env.requests()).toBe(before);
    expect((await stack.preview("member", "n1", { ...inputs, roles: [stack.get("names-dev").outputs.roleId] })).op).toBe("same");

    // A role added by hand shows by name after a refresh, and up takes it away.
    await call("PATCH", `/v1/organizations/${org.id}/members/${m.outputs.memberId}`, {
      role_ids: [stack.get("names-dev").outputs.roleId, stack.get("names-fin").outputs.roleId],
    });
    await stack.refresh("n1");
    expect(stack.get("n1").inputs.roles.sort()).toEqual(["Finance", "developer"]);
    expect((await stack.preview("member", "n1", inputs)).op).toBe("update");
    await stack.up("member", "n1", inputs);
    expect((await call("GET", `/v1/organizations/${org.id}/members/${m.outputs.memberId}`)).json.role_ids).toEqual([stack.get("names-dev").outputs.roleId]);

    const missing = await stack.up("member", "n2", { ...inputs, email: "n2@ref.test", roles: ["Developer", "Auditor"] }).catch((e) => e);
    expect(missing.message).toMatch(/roles\[1\]: no role named "Auditor" in names-ref \(its roles: .*Developer.*\)/);
    expect(stack.state.has("n2")).toBe(false);
  });
});
