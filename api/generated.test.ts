// schema.json and openapi.json are generated from api/: they must be valid, complete and fresh.
import { createConfig, lintFromString } from "@redocly/openapi-core";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startTestServer, type TestServer } from "../test/support/server";
import { ERRORS } from "./errors";
import { generatedFiles, pulumiSchema, repoRoot, staleness } from "./generate";
import { PULUMI_RESOURCES } from "./pulumi";
import { pathParams, routes, type RouteDef } from "./routes";

const root = repoRoot(__dirname);
const onDisk = (path: string) => readFileSync(join(root, path), "utf8");
const metaschema = JSON.parse(readFileSync(join(root, "..", "shared", "data", "pulumi-package-metaschema.json"), "utf8"));
const newAjv = () => {
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: false });
  addFormats(ajv);
  return ajv;
};

/** Every value in a JSON document under a key, with its JSON path. */
function collect(node: unknown, key: string, path = "$", out: { path: string; value: unknown }[] = []) {
  if (Array.isArray(node)) node.forEach((v, i) => collect(v, key, `${path}[${i}]`, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push({ path: `${path}.${k}`, value: v });
      collect(v, key, `${path}.${k}`, out);
    }
  }
  return out;
}

describe("generated files are fresh", () => {
  for (const [path, expected] of Object.entries(generatedFiles(root))) {
    it(`${path} equals freshly generated output`, () => {
      let actual: string | undefined;
      try {
        actual = onDisk(path);
      } catch {
        actual = undefined;
      }
      const problem = staleness(path, actual, expected);
      if (problem) throw new Error(problem);
    });
  }

  it("the freshness check names the file, the first differing line and the fix", () => {
    const text = '{\n  "name": "orgs"\n}\n';
    expect(staleness("schema.json", text, text)).toBeNull();
    expect(staleness("schema.json", text.replace("orgs", "old"), text)).toBe(
      'schema.json is stale: run `npm run generate` (line 2 is "  \\"name\\": \\"old\\"", generation gives "  \\"name\\": \\"orgs\\"")',
    );
    expect(staleness("openapi.json", undefined, text)).toBe("openapi.json is missing: run `npm run generate`");
  });
});

describe("schema.json", () => {
  const schema = JSON.parse(onDisk("schema.json"));

  it("validates against Pulumi's package metaschema", () => {
    const validate = newAjv().compile(metaschema);
    const ok = validate(schema);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the metaschema check can fail: a bad token and a bad property type are refused", () => {
    const validate = newAjv().compile(metaschema);
    expect(validate({ ...schema, resources: { "not a token": {} } })).toBe(false);
    const broken = structuredClone(schema);
    broken.resources["orgs:index:Member"].inputProperties.email = { type: "date" };
    expect(validate(broken)).toBe(false);
  });

  it("has one resource per PULUMI_RESOURCES token, with descriptions, inputs and outputs", () => {
    expect(Object.keys(schema.resources).sort()).toEqual(Object.keys(PULUMI_RESOURCES).sort());
    for (const [token, r] of Object.entries<any>(schema.resources)) {
      expect(r.description, token).toBe(PULUMI_RESOURCES[token as keyof typeof PULUMI_RESOURCES].description);
      expect(Object.keys(r.inputProperties).length, token).toBeGreaterThan(0);
      for (const name of r.requiredInputs) expect(r.inputProperties, `${token} requires ${name}`).toHaveProperty(name);
      for (const name of r.required) expect(r.properties, `${token} outputs ${name}`).toHaveProperty(name);
      // Every input is an output too: read() returns what the server holds for each of them.
      for (const name of Object.keys(r.inputProperties)) expect(r.properties, `${token} output ${name}`).toHaveProperty(name);
    }
  });

  it("maps the zod inputs faithfully (required inputs, enums, arrays, nullables, replacements)", () => {
    const org = schema.resources["orgs:index:Organization"];
    expect(org.requiredInputs).toEqual(["slug", "name", "region"]);
    expect(org.inputProperties.region).toMatchObject({ $ref: "#/types/orgs:index:Region", replaceOnChanges: true });
    expect(org.inputProperties.websiteUrl.type).toBe("string");
    expect(org.properties.version.type).toBe("integer");
    const member = schema.resources["orgs:index:Member"];
    expect(member.requiredInputs).toEqual(["organization", "email"]);
    expect(member.inputProperties.permissions).toMatchObject({ type: "array", items: { $ref: "#/types/orgs:index:Permission" } });
    expect(member.inputProperties.email.replaceOnChanges).toBe(true);
    expect(member.inputProperties.roles.replaceOnChanges).toBeUndefined();
    // accountId is null until the invitation is accepted: not "always set".
    expect(member.required).not.toContain("accountId");
    expect(member.required).toContain("memberId");
    expect(schema.types["orgs:index:Permission"].enum.map((e: any) => e.value)).toEqual(["billing", "plans", "projects:create", "members"]);
    const access = schema.resources["orgs:index:ProjectAccess"];
    expect(access.inputProperties.environmentRoles.$ref).toBe("#/types/orgs:index:EnvironmentRoles");
    expect(schema.config.variables.apiToken.secret).toBe(true);
  });

  it("keeps objects and enums in types, referenced as #/types/<token>", () => {
    for (const { path, value } of collect(schema, "$ref")) {
      expect(value, path).toMatch(/^#\/types\//);
      expect(schema.types, `${path} → ${value}`).toHaveProperty([String(value).slice("#/types/".length)]);
    }
    // No inline object shapes or enums in property specs: only types define them.
    const specs = Object.values<any>(schema.resources).flatMap((r) => [...Object.values<any>(r.inputProperties), ...Object.values<any>(r.properties)]);
    for (const t of Object.values<any>(schema.types)) if (t.properties) specs.push(...Object.values<any>(t.properties));
    for (const spec of specs) {
      expect(spec).not.toHaveProperty("properties");
      expect(spec).not.toHaveProperty("enum");
      expect(spec).not.toHaveProperty("anyOf");
      expect(spec.type === undefined ? spec.$ref : spec.type).toBeTruthy();
    }
  });

  it("documents every property", () => {
    const missing: string[] = [];
    for (const [token, r] of Object.entries<any>(schema.resources)) {
      for (const [kind, props] of [
        ["input", r.inputProperties],
        ["output", r.properties],
      ] as const) {
        for (const [name, p] of Object.entries<any>(props)) if (!p.description) missing.push(`${token} ${kind} ${name}`);
      }
    }
    for (const [token, t] of Object.entries<any>(schema.types)) {
      for (const [name, p] of Object.entries<any>(t.properties ?? {})) if (!p.description) missing.push(`${token}.${name}`);
    }
    expect(missing, "add .describe() to these in api/pulumi.ts").toEqual([]);
  });

  it("generation refuses what Pulumi cannot express instead of guessing", () => {
    const spec = (inputs: z.ZodType) => ({ "orgs:index:Bad": { description: "x", inputs, outputs: z.object({}), replaceOn: [] } });
    expect(() => pulumiSchema("0.0.0", spec(z.object({ a: z.union([z.string(), z.number()]) })))).toThrow(/union/);
    expect(() => pulumiSchema("0.0.0", spec(z.object({ a: z.enum(["x", "y"]) })))).toThrow(/ENUM_NAMES/);
    expect(() => pulumiSchema("0.0.0", { "orgs:index:Bad": { ...spec(z.object({ a: z.string() }))["orgs:index:Bad"], replaceOn: ["b"] } })).toThrow(
      /not an input/,
    );
  });
});

// A minimal structural schema of OpenAPI 3.1 (the parts this project emits); the embedded
// schemas are checked separately as JSON Schema 2020-12, which is what 3.1 uses.
const OPENAPI_31 = {
  type: "object",
  required: ["openapi", "info", "paths"],
  properties: {
    openapi: { type: "string", pattern: "^3\\.1\\.\\d+$" },
    info: { type: "object", required: ["title", "version"], properties: { title: { type: "string" }, version: { type: "string" } } },
    servers: { type: "array", items: { type: "object", required: ["url"] } },
    security: { type: "array", items: { type: "object" } },
    components: { type: "object" },
    paths: {
      type: "object",
      propertyNames: { pattern: "^/" },
      additionalProperties: {
        type: "object",
        propertyNames: { enum: ["get", "put", "post", "delete", "options", "head", "patch", "trace", "parameters", "summary", "description", "servers"] },
        additionalProperties: {
          type: "object",
          required: ["responses"],
          properties: {
            operationId: { type: "string" },
            parameters: {
              type: "array",
              items: {
                type: "object",
                anyOf: [{ required: ["name", "in"] }, { required: ["$ref"] }],
                properties: { in: { enum: ["query", "header", "path", "cookie"] }, schema: { type: "object" } },
              },
            },
            requestBody: { type: "object", required: ["content"] },
            responses: {
              type: "object",
              minProperties: 1,
              propertyNames: { pattern: "^([1-5](\\d\\d|XX)|default)$" },
              additionalProperties: { type: "object", anyOf: [{ required: ["description"] }, { required: ["$ref"] }] },
            },
          },
        },
      },
    },
  },
};

describe("openapi.json", () => {
  const doc = JSON.parse(onDisk("openapi.json"));
  const ops = Object.entries<any>(doc.paths).flatMap(([path, item]) => Object.entries<any>(item).map(([method, op]) => ({ path, method, op })));
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("has the structure of an OpenAPI 3.1 document", () => {
    const validate = newAjv().compile(OPENAPI_31);
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(validate({ ...doc, openapi: "3.0.3" })).toBe(false);
  });

  it("has a path and method for every route, under its operationId, with its path parameters", () => {
    for (const [operationId, r] of Object.entries(routes) as [string, RouteDef][]) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${operationId}: ${r.method} ${r.path}`).toBeDefined();
      expect(op.operationId).toBe(operationId);
      const declared = op.parameters
        .filter((p: any) => p.in === "path")
        .map((p: any) => p.name)
        .sort();
      expect(declared, operationId).toEqual(pathParams(r.path).sort());
      expect(op.responses, operationId).toHaveProperty([String(r.status ?? 200)]);
    }
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(Object.keys(routes).sort());
  });

  it("embeds valid JSON Schema 2020-12 and resolvable references", () => {
    const ajv = newAjv();
    ajv.addSchema({ $id: "doc", components: doc.components }, "doc");
    const schemas = [...collect(doc, "schema"), ...Object.entries(doc.components.schemas).map(([k, v]) => ({ path: k, value: v }))];
    expect(schemas.length).toBeGreaterThan(Object.keys(routes).length);
    for (const { path, value } of schemas) {
      const s = JSON.stringify(value).replaceAll('"#/components/', '"doc#/components/');
      expect(() => ajv.compile(JSON.parse(s)), path).not.toThrow();
    }
    for (const { path, value } of collect(doc, "$ref")) {
      const target = String(value)
        .replace(/^#\//, "")
        .split("/")
        .reduce<any>((n, k) => n?.[k], doc);
      expect(target, `${path} → ${value}`).toBeDefined();
    }
  });

  /** Redocly's recommended rules with every warning an error: spec structure, refs, operation IDs, 4xx answers, license. */
  const lint = async (source: string) =>
    lintFromString({ source, absoluteRef: join(root, "openapi.json"), config: await createConfig({ extends: ["recommended-strict"] }) });

  it("lints clean with Redocly's recommended rules", async () => {
    const problems = await lint(onDisk("openapi.json"));
    expect(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it("the lint can fail: a response without a description and an unresolvable $ref are reported", async () => {
    const broken = structuredClone(doc);
    delete broken.paths["/v1/me"].get.responses["200"].description;
    broken.paths["/v1/me"].get.responses["404"] = { $ref: "#/components/responses/Nope" };
    const rules = (await lint(JSON.stringify(broken))).map((p) => p.ruleId);
    expect(rules).toContain("struct");
    expect(rules).toContain("no-unresolved-refs");
  });

  it("names the license", () => {
    expect(doc.info.license).toEqual({ name: "Apache-2.0", url: "https://www.apache.org/licenses/LICENSE-2.0" });
  });

  it("describes tuples so that JSON Schema draft 4-7 tools read them alike: no prefixItems", () => {
    expect(collect(doc, "prefixItems")).toEqual([]);
    const event = doc.paths["/v1/organizations/{org}/audit-events/{event_id}"].get.responses["200"].content["application/json"].schema;
    const pair = event.properties.changes.anyOf[0].additionalProperties;
    expect(pair).toMatchObject({ type: "array", minItems: 2, maxItems: 2, items: {} });
    // Read as draft-07 (what 3.0-era tools do), a pair is still valid and a triple is not.
    const draft7 = new Ajv({ strict: false }).compile(pair);
    expect(draft7(["old", "new"])).toBe(true);
    expect(draft7(["old", "new", "extra"])).toBe(false);
  });

  it("gives every error answer the problem schema, its status and the codes it can carry", () => {
    const problems = Object.entries<any>(doc.components.responses).map(([name, r]) => ({ where: name, r }));
    for (const { path, method, op } of ops) {
      for (const [status, r] of Object.entries<any>(op.responses))
        if (Number(status) >= 400 && !r.$ref) problems.push({ where: `${method} ${path} ${status}`, r });
    }
    for (const { where, r } of problems) {
      const [problemRef, narrowed] = r.content["application/problem+json"].schema.allOf;
      expect(problemRef, where).toEqual({ $ref: "#/components/schemas/Problem" });
      for (const code of narrowed.properties.code.enum)
        expect(ERRORS[code as keyof typeof ERRORS].status, `${where} ${code}`).toBe(narrowed.properties.status.enum[0]);
      expect(r.headers["X-Request-Id"], where).toBeDefined();
    }
  });

  it("documents the statuses the conventions add: 201 on creating PUTs, 304, 403, 404 and 412 where they apply", () => {
    const op = (path: string, method: string) => doc.paths[path][method];
    const codes = (path: string, method: string, status: number) => {
      const r = op(path, method).responses[status];
      return r.$ref ? r.$ref : r.content["application/problem+json"].schema.allOf[1].properties.code.enum;
    };
    expect(Object.keys(op("/v1/organizations/{org}/teams/{team_id}/members/{member_id}", "put").responses)).toEqual(expect.arrayContaining(["200", "201"]));
    expect(op("/v1/projects/{project_id}/access/{principal_type}/{principal_id}", "put").responses["201"].headers).toHaveProperty("Location");
    expect(op("/v1/organizations/{org}", "get").responses["304"].headers).toHaveProperty("ETag");
    expect(codes("/v1/me/two-factor", "delete", 404)).toEqual(["not_found"]);
    expect(codes("/v1/outbox", "get", 403)).toEqual(["forbidden"]);
    expect(codes("/v1/projects/{project_id}", "get", 403)).toEqual(expect.arrayContaining(["forbidden", "two_factor_required"]));
    expect(codes("/v1/organizations", "post", 400)).toEqual(expect.arrayContaining(["malformed_json", "malformed_request", "invalid_header"]));
    expect(codes("/v1/organizations", "post", 422)).toEqual(expect.arrayContaining(["validation_failed", "idempotency_key_reused"]));
    expect(codes("/v1/organizations/{org}/members", "get", 400)).toContain("invalid_query");
    expect(codes("/v1/organizations/{org}/roles/{role_id}", "delete", 412)).toEqual(["precondition_failed"]);
    const names = (o: any) => o.parameters.map((p: any) => p.name ?? p.$ref.split("/").pop());
    expect(names(op("/v1/organizations/{org}", "patch"))).toEqual(expect.arrayContaining(["IfMatch", "IdempotencyKey"]));
    expect(names(op("/v1/organizations/{org}", "get"))).toContain("IfNoneMatch");
    expect(names(op("/v1/accounts", "post"))).not.toContain("IdempotencyKey");
  });

  it("is what the server serves at GET /v1/openapi.json", async () => {
    const res = await server.call(null, "GET", "/v1/openapi.json");
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual(doc);
  });
});
