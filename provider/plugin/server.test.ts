// pulumi-resource-orgs over gRPC, without the engine: the compiled plugin started as the engine
// starts it (bin/pulumi-resource-orgs, the port on its first stdout line), one process for the
// file, and a real org server on a loopback socket. What the engine relies on: the schema and the
// version it serves, config from Configure (stack config or explicit inputs), the detailed diff
// of a module's verdict (list and map entries, replace kinds), Read with no state (an import)
// returning complete inputs, and errors that name the resource type it does not serve.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../test/support/process";
import { startTestServer, type TestServer } from "../../test/support/server";
import { detailedDiff, pathOf } from "./detailed-diff";
import { settingsOf } from "./config";

const req = createRequire(join(ROOT, "node_modules", "@pulumi", "pulumi", "proto", "provider_pb.js"));
const grpc = req("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const rpc = req("./provider_grpc_pb.js");
const proto = req("./provider_pb.js");
const { Struct } = req("google-protobuf/google/protobuf/struct_pb.js");
const { Empty } = req("google-protobuf/google/protobuf/empty_pb.js");

describe("detailedDiff", () => {
  const keys = ["organization", "email", "roles", "members", "region"];
  it.each([
    ["one role added: that entry", { roles: ["a"] }, { roles: ["a", "b"] }, ["roles"], [], { "roles[1]": "add" }],
    ["one role removed: that entry, at its old index", { roles: ["a", "b", "c"] }, { roles: ["a", "c"] }, ["roles"], [], { "roles[1]": "delete" }],
    [
      "a map entry's field",
      { members: { "a@x": { role: "viewer" } } },
      { members: { "a@x": { role: "admin" } } },
      ["members"],
      [],
      { 'members["a@x"].role': "update" },
    ],
    ["a map entry added", { members: {} }, { members: { "b@x": { role: "admin" } } }, ["members"], [], { 'members["b@x"]': "add" }],
    ["a replacing property", { region: "eu" }, { region: "us" }, ["region"], ["region"], { region: "update-replace" }],
    ["an input first declared", {}, { email: "a@x" }, ["email"], [], { email: "add" }],
    ["a change with no leaf (an unknown)", { roles: ["a"] }, { roles: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }, ["roles"], [], { roles: "update" }],
  ])("%s", (_, olds, news, diffs, replaces, want) => {
    const got = detailedDiff(olds, news, { diffs, replaces }, keys);
    expect(Object.fromEntries(Object.entries(got).map(([k, v]) => [k, v.kind]))).toEqual(want);
  });

  it("paths are written as the engine parses them", () => {
    expect([pathOf("", "roles"), pathOf("roles", 2), pathOf("members", "a@x"), pathOf("members", "plain")]).toEqual([
      "roles",
      "roles[2]",
      'members["a@x"]',
      "members.plain",
    ]);
  });

  it("settings: explicit inputs (secrets unwrapped) over stack config", () => {
    const wrapped = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "omt_explicit" };
    expect(
      settingsOf(
        [
          ["orgs:config:apiUrl", "http://a"],
          ["orgs:config:apiToken", "omt_stack"],
        ],
        {},
      ),
    ).toEqual({ apiUrl: "http://a", apiToken: "omt_stack" });
    expect(settingsOf([["orgs:config:apiUrl", "http://a"]], { apiUrl: "http://b", apiToken: wrapped })).toEqual({
      apiUrl: "http://b",
      apiToken: "omt_explicit",
    });
  });
});

describe("the plugin over gRPC", () => {
  let plugin: ChildProcess;
  let client: any;
  let server: TestServer;
  let url: string;
  let token: string;
  const unary = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) => client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
  const struct = (v: object) => Struct.fromJavaScript(v);

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.app.listen({ host: "127.0.0.1", port: 0 });
    ({ token } = await server.signup("owner@grpc-plugin.test"));
    // No engine here: the last argument is an address nothing listens on (warnings go to stderr).
    plugin = spawn(join(ROOT, "bin", "pulumi-resource-orgs"), ["127.0.0.1:1"], { env: { ...process.env, ORGS_API_URL: undefined, ORGS_API_TOKEN: undefined } });
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      plugin.stdout!.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0]!);
      });
      plugin.on("exit", (code) => reject(new Error(`the plugin exited ${code} before printing its port`)));
    });
    expect(port).toMatch(/^\d+$/);
    client = new rpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }, 60_000);
  afterAll(async () => {
    client?.close();
    plugin?.kill();
    await server?.close();
  });

  it("serves schema.json and the package's version, and takes no secrets or resources", async () => {
    const schema = await unary<any>("getSchema", new proto.GetSchemaRequest());
    expect(schema.getSchema()).toBe(readFileSync(join(ROOT, "schema.json"), "utf8"));
    expect(JSON.parse(schema.getSchema()).provider.inputProperties.apiToken.secret).toBe(true);
    const info = await unary<any>("getPluginInfo", new Empty());
    expect(info.getVersion()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
    const hs = await unary<any>("handshake", new proto.ProviderHandshakeRequest());
    expect([hs.getAcceptSecrets(), hs.getAcceptResources()]).toEqual([false, false]);
  });

  it("without config, a step says which setting is missing", async () => {
    const r = new proto.CreateRequest().setUrn("urn:pulumi:dev::p::orgs:index:Organization::a").setType("orgs:index:Organization");
    r.setProperties(struct({ slug: "grpc-none", name: "None", region: "eu" }));
    await expect(unary("create", r)).rejects.toThrow(/no API URL.*orgs:apiUrl.*ORGS_API_URL/);
  });

  it("configured from stack config: create, a detailed diff, import (Read with only an ID), delete", async () => {
    const conf = new proto.ConfigureRequest();
    conf.getVariablesMap().set("orgs:config:apiUrl", url).set("orgs:config:apiToken", token);
    conf.setArgs(struct({ apiUrl: url }));
    const confRes = await unary<any>("configure", conf);
    expect([confRes.getAcceptsecrets(), confRes.getAcceptresources()]).toEqual([false, false]);

    const urn = "urn:pulumi:dev::p::orgs:index:Organization::acme";
    const inputs = { slug: "grpc-acme", name: "Acme", region: "eu" };
    const created = await unary<any>("create", new proto.CreateRequest().setUrn(urn).setType("orgs:index:Organization").setProperties(struct(inputs)));
    const id = created.getId();
    expect(id).toMatch(/^org_/);
    const outs = created.getProperties().toJavaScript();
    expect(outs).toMatchObject({ ...inputs, plan: "free" });
    expect(outs).not.toHaveProperty("__provider");
    // Which inputs were declared comes from the old inputs the engine sends, not from the state.
    expect(outs).not.toHaveProperty("__declared");

    const diff = new proto.DiffRequest().setId(id).setUrn(urn).setType("orgs:index:Organization");
    diff
      .setOlds(struct(outs))
      .setOldInputs(struct(inputs))
      .setNews(struct({ ...inputs, name: "Acme Inc", region: "us", allowRegionChange: true }));
    const d = await unary<any>("diff", diff);
    expect(d.getChanges()).toBe(proto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(d.getHasdetaileddiff()).toBe(true);
    expect(d.getReplacesList()).toEqual(["region"]);
    const kinds = Object.fromEntries(d.toObject().detaileddiffMap.map(([k, v]: [string, { kind: number }]) => [k, v.kind]));
    expect(kinds).toEqual({ name: proto.PropertyDiff.Kind.UPDATE, region: proto.PropertyDiff.Kind.UPDATE_REPLACE });

    // A refresh: the outputs and the inputs from the state. Only the declared inputs come back
    // (plan and requireTwoFactor, undeclared, show in the outputs only).
    const refreshed = await unary<any>(
      "read",
      new proto.ReadRequest().setId(id).setUrn(urn).setType("orgs:index:Organization").setProperties(struct(outs)).setInputs(struct(inputs)),
    );
    expect(refreshed.getInputs().toJavaScript()).toEqual(inputs);
    expect(refreshed.getProperties().toJavaScript()).toMatchObject({ ...inputs, plan: "free" });
    expect(refreshed.getProperties().toJavaScript()).not.toHaveProperty("__declared");

    // An import: the engine sends the ID and nothing else, and needs complete inputs back.
    const read = await unary<any>("read", new proto.ReadRequest().setId(id).setUrn(urn).setType("orgs:index:Organization"));
    expect(read.getId()).toBe(id);
    expect(read.getInputs().toJavaScript()).toMatchObject({ ...inputs, plan: "free", requireTwoFactor: false });

    await unary("delete", new proto.DeleteRequest().setId(id).setUrn(urn).setType("orgs:index:Organization").setProperties(struct(outs)));
    expect((await server.call(token, "GET", `/v1/organizations/${id}`)).statusCode).toBe(404);
  });

  it("an update's preview answers the new inputs and the outputs its ID holds, so what uses teamId stays known", async () => {
    const team = new proto.UpdateRequest().setId("org_a/team_b").setUrn("urn:pulumi:dev::p::orgs:index:Team::t").setType("orgs:index:Team").setPreview(true);
    team.setOlds(struct({ organization: "org_a", name: "Platform", organizationId: "org_a", teamId: "team_b", version: 3 }));
    team.setNews(struct({ organization: "org_a", name: "Platform", description: "Runs the API" }));
    expect((await unary<any>("update", team)).getProperties().toJavaScript()).toEqual({
      organization: "org_a",
      name: "Platform",
      description: "Runs the API",
      organizationId: "org_a",
      teamId: "team_b",
    });
    const grant = new proto.UpdateRequest()
      .setId("prj_c/teams/team_b")
      .setUrn("urn:pulumi:dev::p::orgs:index:ProjectAccess::g")
      .setType("orgs:index:ProjectAccess");
    grant.setPreview(true).setNews(struct({ project: "prj_c", team: "team_b", level: "admin" }));
    expect((await unary<any>("update", grant)).getProperties().toJavaScript()).toMatchObject({ level: "admin", principalType: "teams", principalId: "team_b" });
  });

  it("a type it does not serve is an error that lists the ones it does", async () => {
    const r = new proto.CheckRequest().setUrn("urn:pulumi:dev::p::orgs:index:Nope::a").setType("orgs:index:Nope").setNews(struct({}));
    await expect(unary("check", r)).rejects.toThrow(/unknown resource type orgs:index:Nope.*orgs:index:Member/);
  });
});
