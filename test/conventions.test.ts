// The cross-cutting conventions of org-api.md §3, checked across the route table rather than per
// endpoint: 401 with WWW-Authenticate, 404 for outsiders vs 403 for members, cursor pages followed
// to the end, limit bounds, ETags (304, 412), rate limits, case-insensitive names and emails,
// canonical slugs, 405/404/413/415 problems, and an x-request-id on every response.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { routes, type OperationId, type RouteDef } from "../api/routes";
import { buildApp } from "../server/app";
import { startTestServer, type TestServer } from "./support/server";

let s: TestServer;
let owner: { token: string; accountId: string; email: string };
let org: { id: string; slug: string };
let outsider: { token: string };
let plain: { token: string; memberId: string };
const ids: Record<string, string> = {};
const seenRequestIds: string[] = [];

const table = Object.entries(routes) as [OperationId, RouteDef][];
const shapeOf = (schema: z.ZodType | undefined) => (schema as unknown as { shape?: Record<string, unknown> })?.shape ?? {};
const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_, n: string) => ids[n] ?? `${n}_missing`);

/** Every request of this file goes through here: each response must carry its own x-request-id. */
async function call(token: string | null, method: string, url: string, body?: unknown, headers?: Record<string, string>) {
  const r = await s.call(token, method, url, body, headers);
  const rid = String(r.headers["x-request-id"] ?? "");
  expect(rid, `${method} ${url} has no x-request-id`).toMatch(/^req_/);
  seenRequestIds.push(rid);
  if (r.statusCode >= 400) {
    expect(String(r.headers["content-type"]), `${method} ${url}`).toContain("application/problem+json");
    expect(r.json, `${method} ${url}`).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status: r.statusCode,
      detail: expect.any(String),
      code: expect.any(String),
      request_id: rid,
    });
  }
  return r;
}
const ok = <T extends { statusCode: number; body: string }>(r: T, status = 200) => {
  expect(r.statusCode, r.body.slice(0, 300)).toBe(status);
  return r;
};

beforeAll(async () => {
  s = await startTestServer();
  ({ owner, org } = await s.orgWithOwner("conv-org"));
  outsider = await s.signup("outsider@conv.test");
  plain = await s.join(owner.token, org.id, "plain@conv.test");
  const o = `/v1/organizations/${org.id}`;
  const team = ok(await call(owner.token, "POST", `${o}/teams`, { name: "Fixture Team" }), 201).json;
  const role = ok(await call(owner.token, "POST", `${o}/roles`, { name: "Fixture Role" }), 201).json;
  const project = ok(await call(owner.token, "POST", `${o}/projects`, { name: "Fixture Project" }), 201).json;
  ok(await call(owner.token, "PUT", `/v1/projects/${project.id}/access/members/${plain.memberId}`, { role: "viewer" }), 201);
  const token = ok(
    await call(owner.token, "POST", "/v1/me/tokens", { name: "fixture", expires_at: new Date(Date.now() + 86_400_000).toISOString() }),
    201,
  ).json;
  const event = ok(await call(owner.token, "GET", `${o}/audit-events?limit=1`)).json.items[0];
  Object.assign(ids, {
    org: org.id,
    member_id: plain.memberId,
    role_id: role.id,
    team_id: team.id,
    project_id: project.id,
    env_id: project.environments[0].id,
    principal_type: "members",
    principal_id: plain.memberId,
    token_id: token.id,
    event_id: event.id,
  });
  // Enough of everything for several pages at limit=2.
  for (let i = 0; i < 5; i++) {
    ok(await call(owner.token, "POST", `${o}/teams`, { name: `Team ${i}` }), 201);
    ok(await call(owner.token, "POST", `${o}/roles`, { name: `Role ${i}` }), 201);
    const p = ok(await call(owner.token, "POST", `${o}/projects`, { name: `Project ${i}` }), 201).json;
    ok(
      await call(
        owner.token,
        "PUT",
        `/v1/projects/${project.id}/access/teams/${ok(await call(owner.token, "POST", `${o}/teams`, { name: `Grantee ${i}` }), 201).json.id}`,
        { role: "viewer" },
      ),
      201,
    );
    ok(await call(owner.token, "POST", `${o}/members`, { email: `pending${i}@conv.test` }), 201);
    ok(await call(owner.token, "PUT", `${o}/teams/${team.id}/members/${(await s.join(owner.token, org.id, `active${i}@conv.test`)).memberId}`, {}), 201);
    ok(await call(owner.token, "POST", "/v1/me/tokens", { name: `t${i}`, expires_at: new Date(Date.now() + 86_400_000).toISOString() }), 201);
    ok(await call(owner.token, "POST", "/v1/organizations", { slug: `conv-extra-${i}`, name: `Extra ${i}`, region: "us" }), 201);
    void p;
  }
}, 120_000);
afterAll(() => s.close());

describe("401 for a missing, bad, expired or revoked token", () => {
  const guarded = table.filter(([, r]) => r.auth !== "none");

  it.each([
    ["no Authorization header", null, {}],
    ["an unknown token", "orgs_nope", {}],
    ["a non-Bearer scheme", null, { authorization: "Basic dXNlcjpwYXNz" }],
  ] as const)("every authenticated route answers 401 with WWW-Authenticate for %s", async (_, token, headers) => {
    // A route whose token is optional (sign-up) serves a caller who sends none; one it cannot read is still refused.
    const anonymousServed = token === null && !("authorization" in headers);
    for (const [op, route] of guarded.filter(([, r]) => !(anonymousServed && r.auth === "optional"))) {
      const r = await call(token, route.method, fill(route.path), route.body ? {} : undefined, headers);
      expect(r.statusCode, op).toBe(401);
      expect(r.json.code, op).toBe("unauthenticated");
      expect(String(r.headers["www-authenticate"]), op).toMatch(/^Bearer\b/);
    }
  });

  it("a revoked token is 401 at once; an expired one once the clock passes expires_at", async () => {
    const mk = async () =>
      ok(await call(owner.token, "POST", "/v1/me/tokens", { name: "short", expires_at: new Date(s.clock.current().getTime() + 3_600_000).toISOString() }), 201)
        .json;
    const revoked = await mk();
    ok(await call(revoked.token, "GET", "/v1/me"));
    ok(await call(owner.token, "DELETE", `/v1/me/tokens/${revoked.id}`), 204);
    expect((await call(revoked.token, "GET", "/v1/me")).statusCode).toBe(401);

    const expiring = await mk();
    ok(await call(expiring.token, "GET", "/v1/me"));
    s.clock.advance(3_600_000 + 1000);
    const r = await call(expiring.token, "GET", "/v1/me");
    expect(r.statusCode).toBe(401);
    expect(r.json.detail).toMatch(/expired/);
    expect(r.headers["www-authenticate"]).toBeDefined();
    ok(await call(owner.token, "GET", "/v1/me")); // a sign-up token lives longer
  });
});

describe("404 for outsiders, 403 for members lacking the permission", () => {
  it("every route of an organization or its projects answers 404 to a non-member, whatever the method", async () => {
    for (const [op, route] of table.filter(([, r]) => r.path.includes("{org}") || r.path.includes("{project_id}"))) {
      const r = await call(outsider.token, route.method, fill(route.path), route.body ? {} : undefined);
      // Validation runs before authorization, so an invalid body may answer 422 first; never 403, never 2xx.
      expect([404, 422], `${op} → ${r.statusCode} ${r.json?.code}`).toContain(r.statusCode);
      if (r.statusCode === 422) expect(r.json.code, op).toBe("validation_failed");
    }
  });

  it("a plain member gets 403 (never 404) for admin-only actions on resources they can see", async () => {
    const o = `/v1/organizations/${org.id}`;
    for (const [method, url, body] of [
      ["PATCH", o, { name: "Hijacked" }],
      ["DELETE", o, undefined],
      ["GET", `${o}/billing/address`, undefined],
      ["POST", `${o}/roles`, { name: "Mine" }],
      ["PATCH", `${o}/roles/${ids.role_id}`, { name: "Mine" }],
      ["GET", `${o}/audit-events`, undefined],
      ["POST", `${o}/teams`, { name: "Mine" }],
      ["POST", `${o}/members`, { email: "friend@conv.test" }],
      ["PATCH", `/v1/projects/${ids.project_id}`, { name: "Mine" }],
    ] as const) {
      const r = await call(plain.token, method, url, body);
      expect(r.statusCode, `${method} ${url} → ${r.body.slice(0, 200)}`).toBe(403);
    }
    expect((await call(owner.token, "GET", o)).json.name).toBe("conv-org");
  });
});

describe("cursor pagination", () => {
  const paged = table.filter(([, r]) => r.method === "GET" && "limit" in shapeOf(r.query));
  const tokenFor = (r: RouteDef) => (r.auth === "operator" ? s.operatorToken : owner.token);

  /** Follows Link rel="next" from `url` to the end; checks body and header agree on every page. */
  async function follow(token: string, url: string) {
    const items: Array<{ id: string }> = [];
    let pages = 0;
    for (let next: string | null = url; next; pages++) {
      const r = ok(await call(token, "GET", next));
      items.push(...r.json.items);
      const link = r.headers.link as string | undefined;
      const target = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
      if (r.json.next_cursor === null) expect(link, url).toBeUndefined();
      else expect(new URL(target!, "http://x").searchParams.get("cursor")).toBe(r.json.next_cursor);
      next = target ?? null;
      expect(pages, "a cursor loop").toBeLessThan(500);
    }
    return { items, pages };
  }
  const keyOf = (x: Record<string, unknown>) => String(x.id ?? JSON.stringify(x));

  it.each(paged)("%s: following Link at limit=2 yields the limit=100 listing exactly, no duplicates or omissions", async (op, route) => {
    const base = fill(route.path);
    const all = await follow(tokenFor(route), `${base}?limit=100`);
    const small = await follow(tokenFor(route), `${base}?limit=2`);
    expect(small.items.map(keyOf)).toEqual(all.items.map(keyOf));
    expect(new Set(small.items.map(keyOf)).size).toBe(small.items.length);
    expect(small.pages, op).toBe(Math.max(1, Math.ceil(all.items.length / 2)));
    // The default page is 30.
    const first = ok(await call(tokenFor(route), "GET", base));
    expect(first.json.items.length).toBe(Math.min(30, all.items.length));
  });

  it("the fixtures give most lists several pages (so the test above pages for real)", async () => {
    for (const url of [
      `/v1/organizations/${org.id}/members`,
      `/v1/organizations/${org.id}/teams`,
      `/v1/organizations/${org.id}/roles`,
      `/v1/organizations/${org.id}/projects`,
      `/v1/projects/${ids.project_id}/access`,
      `/v1/organizations/${org.id}/teams/${ids.team_id}/members`,
      "/v1/me/tokens",
      "/v1/organizations",
    ]) {
      const r = ok(await call(owner.token, "GET", `${url}?limit=2`));
      expect(r.json.next_cursor, url).toEqual(expect.any(String));
    }
    const audit = await follow(owner.token, `/v1/organizations/${org.id}/audit-events?limit=100`);
    expect(audit.items.length).toBeGreaterThan(30);
  });

  it("items created while paging neither repeat nor hide the ones already there", async () => {
    const url = `/v1/organizations/${org.id}/teams`;
    const before = (await follow(owner.token, `${url}?limit=100`)).items.map(keyOf);
    const seen: string[] = [];
    let next: string | null = `${url}?limit=2`;
    for (let i = 0; next; i++) {
      const r: Awaited<ReturnType<typeof call>> = ok(await call(owner.token, "GET", next));
      seen.push(...r.json.items.map(keyOf));
      ok(await call(owner.token, "POST", url, { name: `Mid-page ${i}` }), 201);
      next = r.headers.link ? /^<([^>]+)>/.exec(r.headers.link as string)![1]! : null;
      if (i > 100) throw new Error("paging never ends");
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
  });

  it.each(["0", "101", "-1", "abc", "1.5"])("limit=%s is a 400 invalid_query naming /limit", async (limit) => {
    const r = await call(owner.token, "GET", `/v1/organizations/${org.id}/teams?limit=${limit}`);
    expect(r.statusCode).toBe(400);
    expect(r.json.code).toBe("invalid_query");
    expect(r.json.errors.map((e: { field: string }) => e.field)).toContain("/limit");
  });

  it("limit=1 and limit=100 are accepted and respected", async () => {
    expect(ok(await call(owner.token, "GET", `/v1/organizations/${org.id}/teams?limit=1`)).json.items).toHaveLength(1);
    expect(ok(await call(owner.token, "GET", `/v1/organizations/${org.id}/audit-events?limit=100`)).json.items.length).toBeLessThanOrEqual(100);
  });
});

describe("ETags", () => {
  // Single resources: a GET route with no query whose body has a version.
  // The session's own GET is read with its cookie (server/sessions.test.ts), not a token; it is not versioned.
  const singles = table.filter(([, r]) => r.method === "GET" && !r.query && !r.session);
  const versionedPaths = new Set(singles.filter(([, r]) => "version" in shapeOf(r.response)).map(([, r]) => r.path));

  it('every versioned single resource has ETag "<version>"; If-None-Match with it is a bodiless 304, another is a 200', async () => {
    let versioned = 0;
    for (const [op, route] of singles) {
      const r = ok(await call(route.auth === "operator" ? s.operatorToken : owner.token, "GET", fill(route.path)));
      if (typeof r.json?.version !== "number") {
        expect(r.headers.etag, op).toBeUndefined();
        continue;
      }
      versioned++;
      expect(r.headers.etag, op).toBe(`"${r.json.version}"`);
      const same = await call(owner.token, "GET", fill(route.path), undefined, { "if-none-match": r.headers.etag as string });
      expect(same.statusCode, op).toBe(304);
      expect(same.body, op).toBe("");
      expect(same.headers.etag, op).toBe(r.headers.etag);
      const other = await call(owner.token, "GET", fill(route.path), undefined, { "if-none-match": `"${r.json.version + 1}"` });
      expect(other.statusCode, op).toBe(200);
    }
    expect(versioned).toBeGreaterThanOrEqual(8);
  });

  // Writes to a path that also has a versioned GET: a stale If-Match must change nothing.
  const BODY: Partial<Record<OperationId, unknown>> = { putProjectAccess: { role: "admin" } };
  const guardedWrites = table.filter(([op, r]) => r.method !== "GET" && r.method !== "POST" && versionedPaths.has(r.path) && op !== "deleteOrganization");
  it.each(guardedWrites)("%s with a stale If-Match: 412 precondition_failed with current_etag, and nothing changes", async (op, route) => {
    const url = fill(route.path);
    const before = ok(await call(owner.token, "GET", url));
    const r = await call(owner.token, route.method, url, route.method === "DELETE" ? undefined : (BODY[op] ?? {}), {
      "if-match": `"${before.json.version + 7}"`,
    });
    expect(r.statusCode, r.body).toBe(412);
    expect(r.json.code).toBe("precondition_failed");
    expect(r.json.current_etag).toBe(before.headers.etag);
    const after = ok(await call(owner.token, "GET", url));
    expect(after.json).toEqual(before.json);
  });

  it("deleteOrganization with a stale If-Match is 412 too (in an org of its own)", async () => {
    const o = ok(await call(owner.token, "POST", "/v1/organizations", { slug: "conv-doomed", name: "Doomed", region: "eu" }), 201).json;
    const r = await call(owner.token, "DELETE", `/v1/organizations/${o.id}`, undefined, { "if-match": `"${o.version + 1}"` });
    expect(r.statusCode).toBe(412);
    expect(r.json.current_etag).toBe(`"${o.version}"`);
    ok(await call(owner.token, "DELETE", `/v1/organizations/${o.id}`, undefined, { "if-match": `"${o.version}"` }), 204);
  });

  it("the current If-Match succeeds and the version (and ETag) moves on", async () => {
    const url = `/v1/organizations/${org.id}/teams/${ids.team_id}`;
    const before = ok(await call(owner.token, "GET", url));
    const r = ok(await call(owner.token, "PATCH", url, { description: "changed" }, { "if-match": before.headers.etag as string }));
    expect(r.json.version).toBe(before.json.version + 1);
    expect(r.headers.etag).toBe(`"${before.json.version + 1}"`);
  });
});

describe("rate limits", () => {
  it("429 rate_limited with Retry-After past the limit, RateLimit-* on every answer, counted per account not per token", async () => {
    const app = await buildApp({ db: s.db, now: () => s.clock.current(), config: { rateLimit: 2 } });
    try {
      const second = ok(
        await call(owner.token, "POST", "/v1/me/tokens", { name: "second", expires_at: new Date(s.clock.current().getTime() + 86_400_000).toISOString() }),
        201,
      ).json.token;
      const get = (token: string) => app.inject({ method: "GET", url: "/v1/me", headers: { authorization: `Bearer ${token}` } });
      // Windows are whole seconds: start just after a boundary so three requests share one (on a
      // machine slow enough to cross into the next second, try again).
      let answers: Awaited<ReturnType<typeof get>>[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
        const window = Math.floor(Date.now() / 1000);
        answers = [await get(owner.token), await get(second), await get(owner.token)];
        if (Math.floor(Date.now() / 1000) === window) break;
      }
      for (const a of answers) {
        expect(a.headers["ratelimit-limit"]).toBe("2");
        expect(Number(a.headers["ratelimit-reset"])).toBeGreaterThanOrEqual(1);
        expect(a.headers["x-request-id"]).toMatch(/^req_/);
      }
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 429]);
      expect(answers.map((a) => a.headers["ratelimit-remaining"])).toEqual(["1", "0", "0"]);
      const limited = answers[2]!;
      expect(limited.headers["content-type"]).toContain("application/problem+json");
      expect(JSON.parse(limited.body).code).toBe("rate_limited");
      expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      // Another account has its own budget.
      expect((await get(outsider.token)).statusCode).toBe(200);
      // And the budget comes back after Retry-After.
      await new Promise((r) => setTimeout(r, Number(limited.headers["retry-after"]) * 1000 + 20));
      expect((await get(owner.token)).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe("case-insensitive identifiers", () => {
  it("emails are echoed as given and unique ignoring case: sign-up, invitation, filter and acceptance", async () => {
    const signed = await call(null, "POST", "/v1/accounts", { email: "Ann.Lee@Example.Test", name: "Ann" });
    expect(signed.statusCode).toBe(201);
    expect(signed.json.account.email).toBe("Ann.Lee@Example.Test");
    const dup = await call(null, "POST", "/v1/accounts", { email: "ann.lee@example.TEST", name: "Ann 2" });
    expect(dup.statusCode).toBe(409);
    expect(dup.json.code).toBe("already_exists");

    const invited = ok(await call(owner.token, "POST", `/v1/organizations/${org.id}/members`, { email: "ANN.LEE@example.test" }), 201);
    expect(invited.json.email).toBe("ANN.LEE@example.test");
    const again = await call(owner.token, "POST", `/v1/organizations/${org.id}/members`, { email: "ann.lee@Example.Test" });
    expect(again.statusCode).toBe(409);
    expect(again.json.code).toBe("already_member");
    const found = ok(await call(owner.token, "GET", `/v1/organizations/${org.id}/members?email=${encodeURIComponent("Ann.LEE@EXAMPLE.test")}`));
    expect(found.json.items.map((m: { id: string }) => m.id)).toEqual([invited.json.id]);
    // Accepted by the account whose email differs only in case (GitLab #338022).
    const accepted = await call(signed.json.token.token, "POST", "/v1/invitations/accept", { token: await s.invitationToken("ANN.LEE@example.test") });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json.status).toBe("active");
  });

  it.each(["teams", "roles", "projects"])("%s names are unique ignoring case, echoed as given; 409 names /name", async (kind) => {
    const url = kind === "projects" ? `/v1/organizations/${org.id}/projects` : `/v1/organizations/${org.id}/${kind}`;
    const first = ok(await call(owner.token, "POST", url, { name: "MiXed Case" }), 201);
    expect(first.json.name).toBe("MiXed Case");
    const r = await call(owner.token, "POST", url, { name: "mixed CASE" });
    expect(r.statusCode).toBe(409);
    expect(r.json).toMatchObject({ code: "already_exists", errors: [{ field: "/name", code: "already_exists" }] });
  });

  it.each(["Acme-Up", "acme_up", "-acme", "acme-", " acme", "acme.up"])("a non-canonical slug %j is rejected with 422 /slug, never rewritten", async (slug) => {
    const r = await call(owner.token, "POST", "/v1/organizations", { slug, name: "Slugs", region: "eu" });
    expect(r.statusCode).toBe(422);
    expect(r.json.errors.map((e: { field: string }) => e.field)).toContain("/slug");
    const canonical = slug
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .replace(/^-|-$/g, "");
    expect(ok(await call(owner.token, "GET", `/v1/organizations?slug=${canonical}`)).json.items).toEqual([]);
    const patch = await call(owner.token, "PATCH", `/v1/organizations/${org.id}`, { slug });
    expect(patch.statusCode).toBe(422);
    expect(ok(await call(owner.token, "GET", `/v1/organizations/${org.id}`)).json.slug).toBe("conv-org");
  });
});

describe("HTTP-level problems", () => {
  it("405 with Allow listing exactly the table's methods, for every path and every other method", async () => {
    const byPath = new Map<string, Set<string>>();
    for (const [, r] of table) byPath.set(r.path, (byPath.get(r.path) ?? new Set()).add(r.method));
    for (const [path, methods] of byPath) {
      for (const m of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((x) => !methods.has(x))) {
        const r = await call(owner.token, m, fill(path), m === "GET" || m === "DELETE" ? undefined : {});
        expect(r.statusCode, `${m} ${path}`).toBe(405);
        expect(r.json.code).toBe("method_not_allowed");
        expect(String(r.headers.allow).split(", ").sort(), `${m} ${path}`).toEqual([...methods].sort());
      }
    }
  });

  it("an unknown path is a 404 problem", async () => {
    for (const url of ["/v1/nope", "/v2/organizations", `/v1/organizations/${org.id}/nope`, "/", "/v1/organizations/x/y/z/w"]) {
      const r = await call(owner.token, "GET", url);
      expect(r.statusCode, url).toBe(404);
      expect(r.json.code).toBe("not_found");
    }
  });

  it("415 for a body that is not JSON, on every route that takes one", async () => {
    for (const [op, route] of table.filter(([, r]) => r.body)) {
      const r = await call(owner.token, route.method, fill(route.path), "name=x", { "content-type": "text/plain" });
      expect(r.statusCode, op).toBe(415);
      expect(r.json.code).toBe("unsupported_media_type");
    }
  });

  it("413 for a body over 1 MiB; just under is read and validated", async () => {
    const url = `/v1/organizations/${org.id}/teams`;
    const under = await call(owner.token, "POST", url, JSON.stringify({ name: "Big", description: "x".repeat((1 << 20) - 100) }));
    expect(under.statusCode).toBe(422);
    expect(under.json.errors[0].field).toBe("/description");
    const over = await call(owner.token, "POST", url, JSON.stringify({ name: "Big", description: "x".repeat(1 << 20) }));
    expect(over.statusCode).toBe(413);
    expect(over.json.code).toBe("payload_too_large");
    expect(ok(await call(owner.token, "GET", `${url}?limit=100`)).json.items.map((t: { name: string }) => t.name)).not.toContain("Big");
  });

  it("every response of this file carried an x-request-id, each one different", () => {
    expect(seenRequestIds.length).toBeGreaterThan(200);
    expect(new Set(seenRequestIds).size).toBe(seenRequestIds.length);
  });
});
