// The Project and ProjectAccess providers in the real dynamic-provider host, against a real server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProjectOutputs, ProjectAccessOutputs } from "../api/pulumi";
import { Host, HostError, Stack, UNKNOWN, providerEnv, providerText, urnOf } from "./support/engine";

let env: Awaited<ReturnType<typeof providerEnv>>;
let org: { id: string; outputs: Record<string, any> };
beforeAll(async () => {
  env = await providerEnv();
  await env.stack.up("organization", "org", { slug: "projects-org", name: "Projects", region: "eu" });
  org = env.stack.get("org");
});
afterAll(async () => {
  await env?.close();
});

const call = (method: string, url: string, body?: unknown) => env.server.call(env.owner.token, method, url, body);
const strip = ({ __provider: _, ...rest }: Record<string, any>) => rest;

describe("Project", () => {
  it("goes through create, no-op, update, refresh and delete", async () => {
    const { stack } = env;
    const inputs = { organization: org.id, name: "api", description: "The API" };
    await stack.up("project", "api", inputs);
    const p = stack.get("api");
    expect(p.id).toMatch(/^prj_/);
    const server = (await call("GET", `/v1/projects/${p.id}`)).json;
    expect(ProjectOutputs.parse(strip(p.outputs))).toMatchObject({
      organization: org.id,
      organizationId: org.id,
      name: "api",
      description: "The API",
      version: server.version,
      sandboxEnvironmentId: server.environments.find((e: any) => e.type === "sandbox").id,
      liveEnvironmentId: server.environments.find((e: any) => e.type === "live").id,
    });

    const before = env.requests();
    expect((await stack.up("project", "api", inputs)).op).toBe("same");
    expect(env.requests()).toBe(before);

    expect((await stack.up("project", "api", { ...inputs, name: "api-v2", description: "Renamed" })).op).toBe("update");
    expect((await call("GET", `/v1/projects/${p.id}`)).json).toMatchObject({ name: "api-v2", description: "Renamed" });
    await stack.refresh("api");
    expect(stack.get("api").inputs).toMatchObject({ organization: org.id, name: "api-v2", description: "Renamed" });
    await stack.destroy("api");
    expect((await call("GET", `/v1/projects/${p.id}`)).statusCode).toBe(404);
  });

  it("transfers on a change of organization: an update that keeps the ID and the environments", async () => {
    const { stack } = env;
    const target = (await call("POST", "/v1/organizations", { slug: "projects-target", name: "Target", region: "eu" })).json;
    await stack.up("project", "mover", { organization: org.id, name: "mover" });
    const before = stack.get("mover");
    const envs = [before.outputs.sandboxEnvironmentId, before.outputs.liveEnvironmentId];
    const p = await stack.preview("project", "mover", { organization: target.slug, name: "mover" });
    expect(p).toMatchObject({ op: "update", replaces: [] });
    const step = await stack.up("project", "mover", { organization: target.slug, name: "mover" });
    expect(step.op).toBe("update");
    const after = stack.get("mover");
    expect(after.id).toBe(before.id);
    expect([after.outputs.sandboxEnvironmentId, after.outputs.liveEnvironmentId]).toEqual(envs);
    expect(after.outputs).toMatchObject({ organization: "projects-target", organizationId: target.id });
    expect((await call("GET", `/v1/projects/${before.id}`)).json.organization_id).toBe(target.id);
    // Naming the same organization by ID afterwards is no change.
    expect((await stack.preview("project", "mover", { organization: target.id, name: "mover" })).op).toBe("same");

    // A transfer made outside Pulumi shows as drift; up moves it back.
    await call("POST", `/v1/projects/${before.id}/transfer`, { target_organization_id: org.id });
    await stack.refresh("mover");
    expect(stack.get("mover").inputs.organization).toBe(org.id);
    expect((await stack.preview("project", "mover", { organization: target.id, name: "mover" })).op).toBe("update");
    await stack.up("project", "mover", { organization: target.id, name: "mover" });
    expect((await call("GET", `/v1/projects/${before.id}`)).json.organization_id).toBe(target.id);

    // A team's grant cannot move with the project: the refusal says what to remove.
    const team = (await call("GET", `/v1/organizations/${target.id}`)).json.default_team_id;
    expect((await call("PUT", `/v1/projects/${before.id}/access/teams/${team}`, { role: "viewer" })).statusCode).toBe(201);
    const refused = await stack.up("project", "mover", { organization: org.id, name: "mover" }).catch((e) => e);
    expect(refused.message).toMatch(
      /project_has_org_scoped_grants \(409\).* — grants to the old organization's members, roles and teams cannot move with the project: remove those ProjectAccess resources/,
    );
    await call("DELETE", `/v1/projects/${before.id}/access/teams/${team}`);
    await stack.destroy("mover");
  });

  it("explains a delete refused because of grants nobody declared", async () => {
    const { stack } = env;
    await stack.up("project", "granted", { organization: org.id, name: "granted" });
    const id = stack.get("granted").id;
    expect((await call("PUT", `/v1/projects/${id}/access/teams/${org.outputs.defaultTeamId}`, { role: "viewer" })).statusCode).toBe(201);
    const err = await stack.destroy("granted").catch((e) => e);
    expect(err).toBeInstanceOf(HostError);
    expect(err.message).toMatch(/project_has_access_grants \(409\).*grants this stack does not declare.*teams: 1/);
    await call("DELETE", `/v1/projects/${id}/access/teams/${org.outputs.defaultTeamId}`);
    await stack.destroy("granted");
  });

  it("adopts an existing project only with adopt: true", async () => {
    const { stack } = env;
    const existing = (await call("POST", `/v1/organizations/${org.id}/projects`, { name: "Legacy", description: "old" })).json;
    const err = await stack.up("project", "legacy", { organization: org.id, name: "legacy" }).catch((e) => e);
    expect(err.message).toMatch(/already_exists \(409\).*set `adopt: true`/);
    await stack.up("project", "legacy", { organization: org.id, name: "legacy", description: "adopted", adopt: true });
    expect(stack.get("legacy").id).toBe(existing.id);
    expect((await call("GET", `/v1/projects/${existing.id}`)).json).toMatchObject({ name: "legacy", description: "adopted" });
    await stack.destroy("legacy");
  });

  it("never reads a project as gone when the token lost sight of it: 404 with its organization hidden, or 403", async () => {
    const { stack } = env;
    await stack.up("project", "hidden", { organization: org.id, name: "hidden" });
    const outsider = await env.server.signup("lost-access@example.test");
    // A plain member: sees the organization, not the project.
    const plain = await env.server.signup("plain@example.test");
    await call("POST", `/v1/organizations/${org.id}/members`, { email: plain.email });
    const outbox = await env.server.call(env.server.operatorToken, "GET", `/v1/outbox?to=${plain.email}`);
    await env.server.call(plain.token, "POST", "/v1/invitations/accept", { token: outbox.json.items.at(-1).invitation_token });
    for (const token of [outsider.token, plain.token]) {
      const other = new Stack(await Host.start());
      try {
        await other.host.configure({ ...env.config, "orgs:apiToken": token });
        other.state.set("hidden", { ...stack.get("hidden") });
        const err = await other.refresh("hidden").catch((e) => e);
        expect(err).toBeInstanceOf(HostError);
        expect(err.message).toMatch(/the server does not say it was deleted: the token's account cannot see it|forbidden \(403\)/);
        expect(other.state.has("hidden")).toBe(true);
      } finally {
        await other.host.stop();
      }
    }
    await stack.destroy("hidden");
  });

  it("reads a project deleted outside Pulumi as gone, its organization being visible", async () => {
    const { stack } = env;
    await stack.up("project", "doomed", { organization: org.id, name: "doomed" });
    await call("DELETE", `/v1/projects/${stack.get("doomed").id}`);
    expect(await stack.refresh("doomed")).toBe("gone");
  });
});

describe("ProjectAccess", () => {
  let project: string;
  beforeAll(async () => {
    await env.stack.up("project", "shared", { organization: org.id, name: "shared" });
    project = env.stack.get("shared").id;
  });

  it("goes through create, no-op, update, refresh and delete", async () => {
    const { stack } = env;
    const team = org.outputs.defaultTeamId;
    const inputs = { project, team, level: "viewer" };
    await stack.up("project-access", "team-view", inputs);
    const g = stack.get("team-view");
    expect(g.id).toBe(`${project}/teams/${team}`);
    expect(ProjectAccessOutputs.parse(strip(g.outputs))).toMatchObject({
      project,
      team,
      level: "viewer",
      principalType: "teams",
      principalId: team,
      external: false,
    });

    const before = env.requests();
    expect((await stack.up("project-access", "team-view", inputs)).op).toBe("same");
    expect(env.requests()).toBe(before);

    const p = await stack.preview("project-access", "team-view", { ...inputs, level: "admin" });
    expect(p).toMatchObject({ op: "update", replaces: [] });
    await stack.up("project-access", "team-view", { ...inputs, level: "admin" });
    expect((await call("GET", `/v1/projects/${project}/access/teams/${team}`)).json).toMatchObject({
      role: "admin",
      environment_roles: { sandbox: "admin", live: "admin" },
    });

    await stack.up("project-access", "team-view", { ...inputs, environmentRoles: { sandbox: "contributor" } });
    expect((await call("GET", `/v1/projects/${project}/access/teams/${team}`)).json).toMatchObject({
      role: "viewer",
      environment_roles: { sandbox: "contributor" },
    });
    expect((await stack.preview("project-access", "team-view", { ...inputs, environmentRoles: { sandbox: "contributor" } })).op).toBe("same");

    // Drift through the API shows in read and diff.
    await call("PUT", `/v1/projects/${project}/access/teams/${team}`, { role: "admin" });
    await stack.refresh("team-view");
    expect(stack.get("team-view").inputs).toMatchObject({ level: "admin" });
    expect((await stack.preview("project-access", "team-view", { ...inputs, environmentRoles: { sandbox: "contributor" } })).op).toBe("update");

    await stack.destroy("team-view");
    expect((await call("GET", `/v1/projects/${project}/access/teams/${team}`)).statusCode).toBe(404);
  });

  it("replaces on a change of principal, and only updates on a change of level", async () => {
    const { stack } = env;
    await stack.up("project-access", "swap", { project, role: org.outputs.defaultRoleId, level: "viewer" });
    const p = await stack.preview("project-access", "swap", { project, team: org.outputs.defaultTeamId, level: "viewer" });
    expect(p.op).toBe("replace");
    expect(p.replaces).toEqual(expect.arrayContaining(["team", "role"]));
    const step = await stack.up("project-access", "swap", { project, team: org.outputs.defaultTeamId, level: "viewer" });
    expect(step.op).toBe("replace");
    expect((await call("GET", `/v1/projects/${project}/access/roles/${org.outputs.defaultRoleId}`)).statusCode).toBe(404);
    expect((await call("GET", `/v1/projects/${project}/access/teams/${org.outputs.defaultTeamId}`)).statusCode).toBe(200);
    await stack.destroy("swap");
  });

  it("grants an external account, and refuses an existing grant unless adopted", async () => {
    const { stack } = env;
    const outsider = await env.server.signup("outsider@example.test");
    await call("PUT", `/v1/projects/${project}/access/accounts/${outsider.accountId}`, { role: "viewer" });
    const err = await stack.up("project-access", "outsider", { project, account: outsider.accountId, level: "viewer" }).catch((e) => e);
    expect(err.message).toMatch(/already exists \(level viewer\): set `adopt: true`/);
    await stack.up("project-access", "outsider", { project, account: outsider.accountId, level: "admin", adopt: true });
    expect(stack.get("outsider").outputs).toMatchObject({ external: true, principalType: "accounts", level: "admin" });
    await stack.destroy("outsider");
  });

  it("checks for exactly one principal, with its path, before any call", async () => {
    const __provider = await providerText("project-access");
    const urn = urnOf("project-access", "bad");
    const before = env.requests();
    const two = await env.stack.host.check(urn, {}, { __provider, project, member: "mem_1", team: "team_1", level: "owner" });
    expect(two.failures).toEqual(
      expect.arrayContaining([
        { property: "level", reason: expect.any(String) },
        { property: "team", reason: "set exactly one of member, role, team or account" },
      ]),
    );
    const none = await env.stack.host.check(urn, {}, { __provider, project, level: "viewer" });
    expect(none.failures).toEqual([{ property: "member", reason: "set exactly one of member, role, team or account" }]);
    const preview = await env.stack.host.check(urn, {}, { __provider, project: UNKNOWN, member: UNKNOWN, level: "viewer" });
    expect(preview.failures).toEqual([]);
    expect(env.requests()).toBe(before);
  });

  it("reads a revoked grant as gone and deletes a missing one quietly", async () => {
    const { stack } = env;
    await stack.up("project-access", "revoked", { project, role: org.outputs.adminRoleId, level: "viewer" });
    const snapshot = { ...stack.get("revoked") };
    await call("DELETE", `/v1/projects/${project}/access/roles/${org.outputs.adminRoleId}`);
    expect(await stack.refresh("revoked")).toBe("gone");
    await env.stack.host.delete(snapshot.urn, snapshot.id, snapshot.outputs);
  });

  it("refuses to overwrite a level changed outside Pulumi", async () => {
    const { stack } = env;
    const inputs = { project, team: org.outputs.defaultTeamId, level: "viewer" };
    await stack.up("project-access", "contested", inputs);
    await call("PUT", `/v1/projects/${project}/access/teams/${org.outputs.defaultTeamId}`, { role: "admin" });
    const err = await stack.up("project-access", "contested", { ...inputs, environmentRoles: { live: null } }).catch((e) => e);
    expect(err.message).toMatch(/precondition_failed \(412\).*pulumi refresh/);
    await stack.refresh("contested");
    await stack.destroy("contested");
  });
});
