// The Organization provider in the real dynamic-provider host, against a real server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrganizationOutputs } from "../api/pulumi";
import { Host, HostError, ROOT, Stack, UNKNOWN, providerEnv, urnOf, providerText } from "./support/engine";

let env: Awaited<ReturnType<typeof providerEnv>>;
beforeAll(async () => {
  env = await providerEnv();
});
afterAll(async () => {
  await env?.close();
});

const get = (id: string, token = env.owner.token) => env.server.call(token, "GET", `/v1/organizations/${id}`);

describe("Organization", () => {
  it("goes through create, no-op, update, refresh and delete", async () => {
    const { stack } = env;
    const inputs = { slug: "lifecycle", name: "Lifecycle", region: "eu" };
    const created = await stack.up("organization", "org", inputs);
    expect(created.op).toBe("create");
    const org = stack.get("org");
    expect(org.id).toMatch(/^org_/);
    const { __provider: _, ...rest } = org.outputs;
    const outs = OrganizationOutputs.parse(rest);
    const server = (await get(org.id)).json;
    expect(outs).toMatchObject({
      slug: "lifecycle",
      name: "Lifecycle",
      region: "eu",
      ownerAccountId: env.owner.accountId,
      ownerMemberId: server.owner_member_id,
      defaultTeamId: server.default_team_id,
      defaultRoleId: server.default_role_id,
      adminRoleId: server.admin_role_id,
      version: server.version,
    });

    // A no-op `pulumi up` (and preview) makes no API call.
    const before = env.requests();
    expect((await stack.preview("organization", "org", inputs)).op).toBe("same");
    expect((await stack.up("organization", "org", inputs)).op).toBe("same");
    expect(env.requests()).toBe(before);

    const updated = await stack.up("organization", "org", { ...inputs, name: "Lifecycle Inc", plan: "pro" });
    expect(updated.op).toBe("update");
    expect((await get(org.id)).json).toMatchObject({ name: "Lifecycle Inc", plan: "pro", version: server.version + 1 });
    expect(stack.get("org").outputs).toMatchObject({ name: "Lifecycle Inc", plan: "pro", version: server.version + 1 });

    const refreshed = await stack.refresh("org");
    expect(refreshed).not.toBe("gone");
    expect(stack.get("org").inputs).toMatchObject({ slug: "lifecycle", name: "Lifecycle Inc", plan: "pro", region: "eu" });
    expect(stack.get("org").inputs.ownerAccountId).toBeUndefined();

    await stack.destroy("org");
    expect((await get(org.id)).statusCode).toBe(404);
  });

  it("shows drift made through the API in read and diff, and up puts it back", async () => {
    const { stack } = env;
    const inputs = { slug: "drifty", name: "Drifty", region: "us", requireTwoFactor: false };
    await stack.up("organization", "drifty", inputs);
    const id = stack.get("drifty").id;
    const patched = await env.server.call(env.owner.token, "PATCH", `/v1/organizations/${id}`, { name: "Renamed by hand" });
    expect(patched.statusCode).toBe(200);

    // Without refresh the state doesn't know: no change.
    expect((await stack.preview("organization", "drifty", inputs)).op).toBe("same");
    await stack.refresh("drifty");
    expect(stack.get("drifty").outputs.name).toBe("Renamed by hand");
    expect(stack.get("drifty").inputs.name).toBe("Renamed by hand");
    expect((await stack.preview("organization", "drifty", inputs)).op).toBe("update");
    await stack.up("organization", "drifty", inputs);
    expect((await get(id)).json.name).toBe("Drifty");
  });

  it("refuses an update that would overwrite a change made outside Pulumi, and says to refresh", async () => {
    const { stack } = env;
    const inputs = { slug: "guarded", name: "Guarded", region: "eu" };
    await stack.up("organization", "guarded", inputs);
    const id = stack.get("guarded").id;
    await env.server.call(env.owner.token, "PATCH", `/v1/organizations/${id}`, { name: "Hand edit" });
    const err = await stack.up("organization", "guarded", { ...inputs, name: "Program edit" }).catch((e) => e);
    expect(err).toBeInstanceOf(HostError);
    expect(err.message).toMatch(/precondition_failed \(412\).*changed outside Pulumi.*pulumi refresh/);
    expect((await get(id)).json.name).toBe("Hand edit");

    // A version bump on a field the program doesn't declare is no conflict.
    await env.server.call(env.owner.token, "PATCH", `/v1/organizations/${id}`, { name: "Guarded", plan: "team" });
    await stack.refresh("guarded");
    await env.server.call(env.owner.token, "PATCH", `/v1/organizations/${id}`, { plan: "enterprise" });
    await stack.up("organization", "guarded", { ...inputs, name: "Program edit" });
    expect((await get(id)).json).toMatchObject({ name: "Program edit", plan: "enterprise" });
  });

  it("replaces on a region change when allowed, deleting first because the slug stays", async () => {
    const { stack } = env;
    await stack.up("organization", "moving", { slug: "moving", name: "Moving", region: "us" });
    const oldId = stack.get("moving").id;
    // Not allowed: refused at preview, saying what it means.
    const refused = await stack.preview("organization", "moving", { slug: "moving", name: "Moving", region: "eu" }).catch((e) => e);
    expect(refused.message).toMatch(/region us → eu cannot be changed in place.*makes a new organization.*set `allowRegionChange: true`/);
    const p = await stack.preview("organization", "moving", { slug: "moving", name: "Moving", region: "eu", allowRegionChange: true });
    expect(p).toMatchObject({ op: "replace", replaces: ["region"], deleteBeforeReplace: true });
    const step = await stack.up("organization", "moving", { slug: "moving", name: "Moving", region: "eu", allowRegionChange: true });
    expect(step).toMatchObject({ op: "replace", deleteBeforeReplace: true });
    const fresh = stack.get("moving");
    expect(fresh.id).not.toBe(oldId);
    expect((await get(oldId)).statusCode).toBe(404);
    expect((await get(fresh.id)).json.region).toBe("eu");
    // With a new slug too, nothing collides: create first, then delete.
    const p2 = await stack.preview("organization", "moving", { slug: "moved", name: "Moving", region: "us", allowRegionChange: true });
    expect(p2).toMatchObject({ op: "replace", deleteBeforeReplace: false });
  });

  it("fails a replacement safely while the organization has projects", async () => {
    const { stack } = env;
    await stack.up("organization", "busy", { slug: "busy", name: "Busy", region: "us" });
    const id = stack.get("busy").id;
    const prj = await env.server.call(env.owner.token, "POST", `/v1/organizations/${id}/projects`, { name: "undeclared" });
    expect(prj.statusCode).toBe(201);
    const err = await stack.up("organization", "busy", { slug: "busy", name: "Busy", region: "eu", allowRegionChange: true }).catch((e) => e);
    expect(err.message).toMatch(/organization_has_projects.*an organization is deleted only once it has no projects: transfer them/);
    expect((await get(id)).statusCode).toBe(200);
    await env.server.call(env.owner.token, "DELETE", `/v1/projects/${prj.json.id}`);
  });

  it("checks every input before any API call, with property paths, tolerating unknowns", async () => {
    const urn = urnOf("organization", "bad");
    const __provider = await providerText("organization");
    const before = env.requests();
    const res = await env.stack.host.check(urn, {}, { __provider, slug: "Not A Slug", name: "", region: "mars", websiteUrl: "http://x.example", extra: 1 });
    expect(res.failures.map((f) => f.property).sort()).toEqual(["extra", "name", "region", "slug", "websiteUrl"]);
    expect(res.failures.find((f) => f.property === "websiteUrl")!.reason).toMatch(/https/);
    const preview = await env.stack.host.check(urn, {}, { __provider, slug: UNKNOWN, name: "Known", region: UNKNOWN, requireTwoFactor: UNKNOWN });
    expect(preview.failures).toEqual([]);
    expect(env.requests()).toBe(before);
  });

  it("adopts an existing organization only with adopt: true", async () => {
    const { stack } = env;
    const existing = await env.server.call(env.owner.token, "POST", "/v1/organizations", { slug: "existing", name: "Made by hand", region: "eu" });
    const err = await stack.up("organization", "existing", { slug: "existing", name: "Existing", region: "eu" }).catch((e) => e);
    expect(err.message).toMatch(/already_exists \(409\).*set `adopt: true` on this resource to manage the existing organization/);
    expect(stack.state.has("existing")).toBe(false);
    const wrongRegion = await stack.up("organization", "existing", { slug: "existing", name: "Existing", region: "us", adopt: true }).catch((e) => e);
    expect(wrongRegion.message).toMatch(/region eu.*declare region "eu"/);
    const step = await stack.up("organization", "existing", { slug: "existing", name: "Existing", region: "eu", adopt: true });
    expect(step.op).toBe("create");
    expect(stack.get("existing").id).toBe(existing.json.id);
    expect((await get(existing.json.id)).json.name).toBe("Existing");
  });

  it("keeps the ID of an adoption that half-succeeded", async () => {
    const existing = await env.server.call(env.owner.token, "POST", "/v1/organizations", { slug: "half", name: "Half", region: "us" });
    // Another account that belongs to the organization with the DEFAULT role only: it can see the
    // organization (so adoption finds it) but not change it.
    const member = await env.server.signup("plain-member@example.test");
    await env.server.db.query(
      "INSERT INTO members (id, organization_id, email, email_normalized, account_id, joined_at, created_at) VALUES ('mem_plain1', $1, $2, lower($2), $3, now(), now())",
      [existing.json.id, member.email, member.accountId],
    );
    await env.server.db.query("INSERT INTO member_roles (member_id, role_id) VALUES ('mem_plain1', $1)", [existing.json.default_role_id]);
    await env.server.db.query("INSERT INTO team_members (team_id, member_id, role, created_at) VALUES ($1, 'mem_plain1', 'member', now())", [
      existing.json.default_team_id,
    ]);
    const stack = new Stack(await Host.start());
    try {
      await stack.host.configure({ ...env.config, "orgs:apiToken": member.token });
      const err = await stack.up("organization", "half", { slug: "half", name: "Renamed", region: "us", adopt: true }).catch((e) => e);
      expect(err).toBeInstanceOf(HostError);
      expect(err.initFailed?.id).toBe(existing.json.id);
      expect(err.message).toMatch(/adopted but not brought to the declared settings.*forbidden \(403\)/);
      expect(stack.get("half").id).toBe(existing.json.id);
      expect(stack.get("half").outputs.name).toBe("Half");
      // The next run shows the difference as an update.
      expect((await stack.preview("organization", "half", { slug: "half", name: "Renamed", region: "us", adopt: true })).op).toBe("update");
      // Recorded with its serialized provider, so it can be read (and deleted) later.
      expect(await stack.refresh("half")).not.toBe("gone");
    } finally {
      await stack.host.stop();
    }
  });

  it("treats a 404 on read as gone and on delete as done", async () => {
    const { stack } = env;
    await stack.up("organization", "vanishing", { slug: "vanishing", name: "Vanishing", region: "us" });
    const id = stack.get("vanishing").id;
    expect((await env.server.call(env.owner.token, "DELETE", `/v1/organizations/${id}`)).statusCode).toBe(204);
    const snapshot = { ...stack.get("vanishing") };
    expect(await stack.refresh("vanishing")).toBe("gone");
    await env.stack.host.delete(snapshot.urn, snapshot.id, snapshot.outputs);
  });

  it("never stores the token, and a rotated token changes nothing", async () => {
    const { stack } = env;
    const inputs = { slug: "tokenless", name: "Tokenless", region: "eu" };
    await stack.up("organization", "tokenless", inputs);
    expect(JSON.stringify([...stack.state.values()])).not.toContain(env.owner.token);
    // A new token of the same account, from the stack config, then from the environment.
    const rotated = await env.server.call(env.owner.token, "POST", "/v1/me/tokens", {
      name: "rotated",
      expires_at: new Date(Date.now() + 30 * 86400_000).toISOString(),
    });
    expect(rotated.statusCode).toBe(201);
    const runs = [
      { config: { ...env.config, "orgs:apiToken": rotated.json.token } },
      { config: {}, env: { ORGS_API_URL: env.url, ORGS_API_TOKEN: rotated.json.token } },
    ];
    for (const [i, host] of runs.entries()) {
      const other = new Stack(await Host.start({ env: host.env }));
      try {
        await other.host.configure(host.config);
        other.state.set("tokenless", structuredClone(stack.get("tokenless")));
        expect((await other.preview("organization", "tokenless", inputs)).op).toBe("same");
        expect(await other.refresh("tokenless")).not.toBe("gone");
        expect((await other.up("organization", "tokenless", { ...inputs, name: `Rotated ${i}` })).op).toBe("update");
        expect(JSON.stringify(other.get("tokenless"))).not.toContain(rotated.json.token);
      } finally {
        await other.host.stop();
      }
    }
  });

  it("says how to configure it when no URL or token is set", async () => {
    const bare = new Stack(await Host.start());
    try {
      await bare.host.configure({});
      const err = await bare.up("organization", "unconfigured", { slug: "unconfigured", name: "U", region: "eu" }).catch((e) => e);
      expect(err.message).toMatch(/pulumi config set orgs:apiUrl.*ORGS_API_URL/);
    } finally {
      await bare.host.stop();
    }
  });

  it("reports a refused token with what to do", async () => {
    const bad = new Stack(await Host.start());
    try {
      await bad.host.configure({ "orgs:apiUrl": env.url, "orgs:apiToken": "omt_not_a_token" });
      const err = await bad.up("organization", "refused", { slug: "refused", name: "R", region: "eu" }).catch((e) => e);
      expect(err.message).toMatch(/unauthenticated \(401\).*orgs:apiToken/);
    } finally {
      await bad.host.stop();
    }
  });

  it("runs from a checkout too (the package not installed in the program's directory)", async () => {
    const local = new Stack(await Host.start({ cwd: ROOT }));
    try {
      await local.host.configure(env.config);
      expect((await local.up("organization", "checkout", { slug: "from-checkout", name: "Checkout", region: "eu" })).op).toBe("create");
      const id = local.get("checkout").id;
      expect((await get(id)).json).toMatchObject({ slug: "from-checkout", name: "Checkout" });
      await local.destroy("checkout");
      expect((await get(id)).statusCode).toBe(404);
    } finally {
      await local.host.stop();
    }
  });
});
