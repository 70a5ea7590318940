// Property-based fuzzing of every endpoint's body and query, driven by the route table (nothing
// hand-listed): whatever a client sends, the answer is never a 5xx, and every 4xx is a
// problem+json whose field errors name fields that exist (in the schema or in what was sent).
// On PGlite, and on PostgreSQL when ORGS_TEST_POSTGRES_URL is set.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { routes, type OperationId, type RouteDef } from "../api/routes";
import { databaseEngines } from "./support/engines";
import { startTestServer, type TestServer } from "./support/server";

let s: TestServer;
let token: string;
const ids: Record<string, string> = {};

// Operations whose success would remove the fixtures the other runs need; their bodies and
// queries are still fuzzed, against throwaway targets.
const DESTRUCTIVE = new Set<OperationId>(["deleteOrganization", "transferOwnership", "transferProject", "deleteProject", "deleteToken"]);

/** Unpaired surrogates replaced, as encodeURIComponent refuses them (the raw-byte test sends those). */
const wellFormed = (x: string) => x.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");

/** The operator's routes answer 403 to anyone else before validating. */
const tokenFor = (route: RouteDef) => (route.auth === "operator" ? s.operatorToken : token);

const urlOf = (route: RouteDef, op: OperationId) =>
  route.path.replace(/\{(\w+)\}/g, (_, name: string) => (DESTRUCTIVE.has(op) && name !== "org" ? `${name}_missing` : (ids[name] ?? `${name}_x`)));

const shapeOf = (schema: z.ZodType | undefined): Record<string, z.ZodType> => {
  const def = schema as unknown as { shape?: Record<string, z.ZodType>; unwrap?: () => z.ZodType };
  return def?.shape ?? {};
};

// Strings that break storage rather than validation: NUL (PostgreSQL text refuses it), unpaired
// surrogates (jsonb refuses them, text rewrites them), controls, bidi and zero-width marks, emoji,
// SQL and path fragments, and sizes at and past the limits.
const hostile = fc.constantFrom(
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udc00y",
  "\ud83d",
  "\u202eevil",
  "\u200b",
  "\t\n\r",
  "\u007f",
  "💩👩‍👩‍👧",
  "Ｆｕｌｌ",
  "' OR 1=1 --",
  "$1",
  "%00",
  "../..",
  "org_",
  "mem_x",
  "a".repeat(64),
  "a".repeat(65),
  "é".repeat(1025),
  "x".repeat(100_000),
);
const jsonValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  hostile,
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e308, -1e-308),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), hostile), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
  fc.string({ minLength: 300, maxLength: 2000 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
);

/** A body: arbitrary JSON, or an object with the schema's keys holding arbitrary values, plus maybe extra keys. */
const bodyFor = (schema: z.ZodType | undefined) => {
  const keys = Object.keys(shapeOf(schema));
  const shaped = fc.record(Object.fromEntries(keys.map((k) => [k, jsonValue])), { requiredKeys: [] });
  const withExtra = fc.tuple(shaped, fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), jsonValue, { maxKeys: 2 })).map(([a, b]) => ({ ...b, ...a }));
  return fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: withExtra }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
};

const queryFor = (schema: z.ZodType | undefined) => {
  const keys = [...Object.keys(shapeOf(schema)), "unknown_param"];
  return fc.dictionary(
    fc.constantFrom(...keys),
    fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.integer().map(String),
      fc.constant(""),
      fc.string({ unit: "grapheme", maxLength: 10 }),
      hostile.filter((h) => h.length < 2000),
    ),
    { maxKeys: 4 },
  );
};

function checkProblem(
  op: string,
  res: { statusCode: number; headers: Record<string, unknown>; json: any; body: string },
  sent: unknown,
  schema: z.ZodType | undefined,
) {
  const where = `${op} → ${res.statusCode} ${res.body.slice(0, 300)}\nsent: ${JSON.stringify(sent)?.slice(0, 300)}`;
  expect(res.statusCode, where).toBeLessThan(500);
  if (res.statusCode < 400) return;
  expect(String(res.headers["content-type"]), where).toContain("application/problem+json");
  expect(res.json, where).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status: res.statusCode,
    detail: expect.any(String),
    code: expect.any(String),
  });
  if (res.json.code === "validation_failed" || res.json.code === "invalid_query") {
    expect(res.json.errors?.length, where).toBeGreaterThan(0);
    const known = new Set([...Object.keys(shapeOf(schema)), ...(sent && typeof sent === "object" ? Object.keys(sent) : [])]);
    for (const e of res.json.errors) {
      const first = (String(e.field).split("/")[1] ?? "").replace(/~1/g, "/").replace(/~0/g, "~");
      // "" is the whole body (RFC 6901); "/" would be a member named "".
      expect(e.field === "" || known.has(first), `${where}\nfield ${e.field} names nothing`).toBe(true);
    }
  }
}

const withBody = (Object.entries(routes) as [OperationId, RouteDef][]).filter(([, r]) => r.body);
const withQuery = (Object.entries(routes) as [OperationId, RouteDef][]).filter(([, r]) => r.query);

describe.each(databaseEngines("fuzzing"))("on $name", ({ postgres }) => {
  beforeAll(async () => {
    s = await startTestServer({ postgres });
    const { owner, org } = await s.orgWithOwner("fuzz-org");
    token = owner.token;
    const m = await s.join(owner.token, org.id, "member@fuzz.test");
    const role = (await s.call(token, "POST", `/v1/organizations/${org.id}/roles`, { name: "Fuzzers" })).json;
    const team = (await s.call(token, "POST", `/v1/organizations/${org.id}/teams`, { name: "Fuzz" })).json;
    const project = (await s.call(token, "POST", `/v1/organizations/${org.id}/projects`, { name: "Fuzzed" })).json;
    await s.call(token, "PUT", `/v1/projects/${project.id}/access/members/${m.memberId}`, { role: "viewer" });
    const tok = (await s.call(token, "POST", "/v1/me/tokens", { name: "fuzz", expires_at: new Date(Date.now() + 86_400_000).toISOString() })).json;
    const event = (await s.call(token, "GET", `/v1/organizations/${org.id}/audit-events?limit=1`)).json.items[0];
    Object.assign(ids, {
      org: org.id,
      member_id: m.memberId,
      role_id: role.id,
      team_id: team.id,
      project_id: project.id,
      env_id: project.environments[0].id,
      principal_type: "members",
      principal_id: m.memberId,
      token_id: tok.id,
      event_id: event.id,
    });
  });
  afterAll(() => s.close());

  describe("fuzzing bodies", () => {
    it.each(withBody)("%s: arbitrary bodies never get a 5xx, and 4xx name real fields", async (op, route) => {
      const codes = new Set<string>();
      await fc.assert(
        fc.asyncProperty(bodyFor(route.body), async (body) => {
          const res = await s.call(tokenFor(route), route.method, urlOf(route, op), body);
          checkProblem(op, res, body, route.body);
          if (res.json?.code) codes.add(res.json.code);
        }),
        { numRuns: 25 },
      );
      // The fixtures and the owner token got the requests as far as the validator.
      expect([...codes]).toContain("validation_failed");
    });

    it.each(withBody)("%s: a NUL or an unpaired surrogate in any field is a 422 naming that field", async (op, route) => {
      for (const key of Object.keys(shapeOf(route.body))) {
        for (const bad of ["a\u0000b", "x\ud800"]) {
          const res = await s.call(tokenFor(route), route.method, urlOf(route, op), { [key]: bad });
          checkProblem(op, res, { [key]: bad }, route.body);
          expect(res.statusCode, `${op} /${key}`).toBe(422);
          expect(
            res.json.errors.map((e: { field: string }) => e.field),
            `${op} /${key}`,
          ).toContain(`/${key}`);
        }
      }
    });

    it.each(withBody)("%s: malformed JSON and a wrong content type are 400/415 problems", async (op, route) => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom("{", '{"a":', "nul", "[1,]", "\u0000", '{"x": 1}}'), async (text) => {
          const res = await s.call(tokenFor(route), route.method, urlOf(route, op), text);
          checkProblem(op, res, text, route.body);
          expect(res.statusCode).toBe(400);
          expect(res.json.code).toBe("malformed_json");
        }),
        { numRuns: 6 },
      );
      const form = await s.call(tokenFor(route), route.method, urlOf(route, op), "a=1", { "content-type": "application/x-www-form-urlencoded" });
      expect(form.statusCode).toBe(415);
    });
  });

  describe("fuzzing queries", () => {
    it.each(withQuery)("%s: a NUL in any query parameter is a 400 naming it", async (op, route) => {
      for (const key of Object.keys(shapeOf(route.query))) {
        const res = await s.call(tokenFor(route), "GET", `${urlOf(route, op)}?${key}=a%00b`);
        checkProblem(op, res, { [key]: "a\u0000b" }, route.query);
        expect(res.statusCode, `${op} ?${key}`).toBe(400);
        expect(res.json.errors.map((e: { field: string }) => e.field)).toContain(`/${key}`);
      }
    });

    it.each(withQuery)("%s: arbitrary query parameters never get a 5xx, and 400s name the parameter", async (op, route) => {
      await fc.assert(
        fc.asyncProperty(queryFor(route.query), async (query) => {
          const qs = new URLSearchParams(query).toString();
          const res = await s.call(tokenFor(route), "GET", `${urlOf(route, op)}${qs ? `?${qs}` : ""}`);
          checkProblem(op, res, query, route.query);
        }),
        { numRuns: 25 },
      );
    });
  });

  describe("fuzzing path parameters", () => {
    it("percent-encoded NUL, invalid UTF-8 and encoded surrogates in every path parameter are 4xx problems", async () => {
      for (const [op, route] of Object.entries(routes) as [OperationId, RouteDef][]) {
        for (const raw of ["%00", "a%00b", "%FF", "%ED%A0%80", "%C0%AF", "%2F", "%"]) {
          const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
          for (const bad of names) {
            const url = route.path.replace(/\{(\w+)\}/g, (_, n: string) => (n === bad ? raw : (ids[n] ?? `${n}_x`)));
            const res = await s.call(tokenFor(route), route.method, url, route.body ? {} : undefined);
            checkProblem(`${op} {${bad}}=${raw}`, res, raw, route.body);
            expect(res.statusCode, `${op} ${url}`).toBeGreaterThanOrEqual(400);
          }
        }
      }
    });

    it("unknown, malformed or hostile IDs in every path are 4xx problems, never 5xx", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...(Object.entries(routes) as [OperationId, RouteDef][])),
          fc.oneof(
            fc.string({ minLength: 1, maxLength: 40 }),
            fc.string({ unit: "binary", minLength: 1, maxLength: 20 }),
            fc.constantFrom("\u0000", "a\u0000", "%00", "..", "org_", "' OR 1=1 --", "💩", "a".repeat(300)),
          ),
          async ([op, route], junk) => {
            const url = route.path.replace(/\{(\w+)\}/g, () => encodeURIComponent(wellFormed(junk)));
            const res = await s.call(tokenFor(route), route.method, url, route.body ? {} : undefined);
            checkProblem(op, res, junk, route.body);
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});
