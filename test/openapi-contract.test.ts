// The published contract is the server: every response of a scenario that reaches every operation,
// and of bad input derived from the document itself (no token, unknown and undecodable IDs, bad
// query values, bodies of the wrong shape, type or size, broken JSON, other media types, bad
// idempotency keys), must be what openapi.json says — its status documented for the operation,
// its media type, headers and body valid — as judged by validators this project did not write
// (test/support/contract.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totp } from "../server/domain/totp";
import { Contract } from "./support/contract";
import { startTestServer, type TestServer } from "./support/server";

const doc = JSON.parse(readFileSync(join(__dirname, "..", "openapi.json"), "utf8"));
type Op = { path: string; method: string; operationId: string; op: any };
const operations: Op[] = Object.entries<any>(doc.paths).flatMap(([path, item]) =>
  Object.entries<any>(item).map(([method, op]) => ({ path, method: method.toUpperCase(), operationId: op.operationId, op })),
);

let contract: Contract;
/** operationId → statuses seen, over every server of this file. */
const seen = new Map<string, Set<number>>();

/** A request through `s`, its response held to the document before anything else looks at it. */
async function exchange(s: TestServer, token: string | null, method: string, url: string, body?: unknown, headers?: Record<string, string>) {
  const r = await s.call(token, method, url, body, headers);
  const problems = contract.check({ method, url, status: r.statusCode, headers: r.headers, body: r.body });
  expect(problems, `${method} ${url} → ${r.statusCode} ${r.body.slice(0, 300)}`).toEqual([]);
  const op = contract.operation(method, url);
  if (op?.operationId) {
    if (!seen.has(op.operationId)) seen.set(op.operationId, new Set());
    seen.get(op.operationId)!.add(r.statusCode);
  }
  return r;
}

beforeAll(async () => {
  contract = await Contract.load(doc);
});

describe("the contract check can fail", () => {
  const good = { method: "GET", url: "/v1/me", status: 200, headers: { "content-type": "application/json; charset=utf-8", "x-request-id": "req_1" } };
  const me = { id: "acct_1", email: "a@b.test", name: "a", two_factor_enabled: false, created_at: "2026-01-01T00:00:00.000Z", memberships: [] };

  it("passes a conforming response", () => {
    expect(contract.check({ ...good, body: JSON.stringify(me) })).toEqual([]);
  });

  it.each([
    ["an undocumented status", { status: 418 }, /status 418 is not documented/],
    ["a body missing a required field", { body: JSON.stringify({ ...me, email: undefined }) }, /must have required property 'email'/],
    ["a body with a field the schema does not allow", { body: JSON.stringify({ ...me, extra: 1 }) }, /must NOT have additional properties/],
    ["a missing required header", { headers: { "content-type": "application/json" } }, /required header X-Request-Id is missing/],
    ["a header of the wrong form", { headers: { ...good.headers, "x-request-id": "nope" } }, /header x-request-id must match pattern/],
    ["an undocumented media type", { headers: { ...good.headers, "content-type": "text/html" } }, /media type "text\/html" is not documented/],
    ["a path no operation has", { url: "/v1/nope" }, /no operation in the document/],
    [
      "a problem with a code its status does not carry",
      {
        status: 401,
        headers: { ...good.headers, "content-type": "application/problem+json", "www-authenticate": "Bearer" },
        body: JSON.stringify({ type: "t", title: "t", status: 401, detail: "d", code: "not_found" }),
      },
      /body\/code must be equal to one of the allowed values/,
    ],
    [
      "a problem without its detail",
      {
        status: 401,
        headers: { ...good.headers, "content-type": "application/problem+json", "www-authenticate": "Bearer" },
        body: JSON.stringify({ type: "t", title: "t", status: 401, code: "unauthenticated" }),
      },
      /must have required property 'detail'/,
    ],
    [
      "a 304 with a body",
      { url: "/v1/organizations/org_1", status: 304, headers: { ...good.headers, etag: '"1"' }, body: "{}" },
      /a body .* where the document declares none/,
    ],
  ] as const)("reports %s", (_, change, message) => {
    const problems = contract.check({ ...good, body: JSON.stringify(me), ...change });
    expect(problems.join("\n")).toMatch(message);
  });
});

describe("a scenario through every operation", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s?.close());

  it("answers as documented, from sign-up to deleting the organization", async () => {
    const call = (token: string | null, method: string, url: string, body?: unknown, headers?: Record<string, string>) =>
      exchange(s, token, method, url, body, headers);
    const want = async (status: number, p: ReturnType<typeof call>) => {
      const r = await p;
      expect(r.statusCode, `${r.body.slice(0, 300)}`).toBe(status);
      return r;
    };
    const signup = async (email: string) => (await want(201, call(null, "POST", "/v1/accounts", { email, name: email.split("@")[0] }))).json;

    // Accounts, tokens and the caller's own account.
    const owner = (await signup("owner@contract.test")).token.token as string;
    const alice = (await signup("alice@contract.test")).token.token as string;
    expect((await want(409, call(null, "POST", "/v1/accounts", { email: "OWNER@contract.test", name: "again" }))).json.code).toBe("already_exists");
    await want(200, call(owner, "GET", "/v1/me"));
    await want(200, call(owner, "PATCH", "/v1/me", { name: "Owner" }));
    const later = new Date(s.clock.current().getTime() + 86_400_000).toISOString();
    const tok = (await want(201, call(owner, "POST", "/v1/me/tokens", { name: "ci", expires_at: later }))).json;
    await want(200, call(owner, "GET", "/v1/me/tokens?limit=1"));
    await want(204, call(owner, "DELETE", `/v1/me/tokens/${tok.id}`));
    await want(404, call(owner, "DELETE", `/v1/me/tokens/${tok.id}`));

    // Browser sessions (the admin page): a sign-in link from the outbox, the cookie and its CSRF token, sign-out.
    await want(202, call(null, "POST", "/v1/sessions/sign-in-link", { email: "alice@contract.test" }));
    const linkMail = (await want(200, call(s.operatorToken, "GET", "/v1/outbox?to=alice@contract.test&limit=100"))).json.items.at(-1);
    const opened = await want(201, call(null, "POST", "/v1/sessions", { token: /#token=(\S+)/.exec(linkMail.text)![1] }));
    const withCookie = { cookie: String(opened.headers["set-cookie"]).split(";")[0]!, "x-csrf-token": opened.json.csrf_token };
    await want(200, call(null, "GET", "/v1/session", undefined, withCookie));
    await want(200, call(null, "POST", "/v1/session/two-factor", { code: "123456" }, withCookie));
    await want(204, call(null, "DELETE", "/v1/session", undefined, withCookie));
    await want(401, call(null, "GET", "/v1/session", undefined, withCookie));

    // Organizations: idempotent creation, ETags, conditional requests.
    const create = { slug: "contract", name: "Contract", region: "eu" };
    const org = (await want(201, call(owner, "POST", "/v1/organizations", create, { "idempotency-key": "org-1" }))).json;
    const replay = await want(201, call(owner, "POST", "/v1/organizations", create, { "idempotency-key": "org-1" }));
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect((await want(422, call(owner, "POST", "/v1/organizations", { ...create, name: "Other" }, { "idempotency-key": "org-1" }))).json.code).toBe(
      "idempotency_key_reused",
    );
    expect((await want(400, call(owner, "POST", "/v1/organizations", create, { "idempotency-key": "k".repeat(256) }))).json.code).toBe("invalid_header");
    await want(409, call(owner, "POST", "/v1/organizations", create));
    const other = (await want(201, call(owner, "POST", "/v1/organizations", { slug: "contract-two", name: "Two", region: "us" }))).json;
    const o = `/v1/organizations/${org.id}`;
    await want(200, call(owner, "GET", "/v1/organizations?limit=1"));
    const etag = (await want(200, call(owner, "GET", o))).headers.etag as string;
    await want(304, call(owner, "GET", o, undefined, { "if-none-match": etag }));
    await want(412, call(owner, "PATCH", o, { name: "Renamed" }, { "if-match": '"999"' }));
    await want(200, call(owner, "PATCH", o, { name: "Renamed" }, { "if-match": etag }));
    expect((await want(422, call(owner, "PATCH", o, { region: "us" }))).json.code).toBe("immutable_field");
    expect((await want(403, call(owner, "PATCH", o, { require_two_factor: true }))).json.code).toBe("two_factor_required");
    const address = await want(200, call(owner, "GET", `${o}/billing/address`));
    await want(412, call(owner, "PUT", `${o}/billing/address`, { country: "DE" }, { "if-match": '"999"' }));
    await want(200, call(owner, "PUT", `${o}/billing/address`, { country: "DE" }, { "if-match": address.headers.etag as string }));
    await want(200, call(owner, "GET", `${o}/billing/profile`));
    await want(200, call(owner, "PATCH", `${o}/billing/profile`, { company_name: "Contract GmbH" }));
    await want(200, call(owner, "GET", `${o}/subscriptions`));

    // Roles and teams.
    const role = (await want(201, call(owner, "POST", `${o}/roles`, { name: "Auditor", permissions: ["billing"] }))).json;
    await want(200, call(owner, "GET", `${o}/roles?limit=1`));
    await want(
      304,
      call(owner, "GET", `${o}/roles/${role.id}`, undefined, {
        "if-none-match": (await want(200, call(owner, "GET", `${o}/roles/${role.id}`))).headers.etag as string,
      }),
    );
    await want(200, call(owner, "PATCH", `${o}/roles/${role.id}`, { description: "Reads billing" }));
    expect((await want(422, call(owner, "PATCH", `${o}/roles/${org.admin_role_id}`, { name: "Boss" }))).json.code).toBe("builtin_role");
    const team = (await want(201, call(owner, "POST", `${o}/teams`, { name: "Platform" }))).json;
    await want(200, call(owner, "GET", `${o}/teams`));
    await want(200, call(owner, "GET", `${o}/teams/${team.id}`));
    await want(200, call(owner, "PATCH", `${o}/teams/${team.id}`, { description: "Runs the platform" }));

    // Members: invitation to acceptance, roles, teams; what a plain member is refused.
    const invited = (await want(201, call(owner, "POST", `${o}/members`, { email: "alice@contract.test" }))).json;
    await want(200, call(alice, "GET", "/v1/me/invitations"));
    const outbox = await want(200, call(s.operatorToken, "GET", `/v1/outbox?to=alice@contract.test&limit=100`));
    const invitation = outbox.json.items.at(-1).invitation_token as string;
    expect((await want(403, call(alice, "GET", "/v1/outbox"))).json.code).toBe("forbidden");
    await want(200, call(alice, "POST", "/v1/invitations/accept", { token: invitation }));
    await want(404, call(alice, "POST", "/v1/invitations/accept", { token: invitation }));
    await want(200, call(owner, "GET", `${o}/members?status=active`));
    await want(200, call(owner, "GET", `${o}/members/${invited.id}`));
    await want(200, call(owner, "PATCH", `${o}/members/${invited.id}`, { role_ids: [org.default_role_id, role.id] }));
    await want(204, call(owner, "DELETE", `${o}/members/${invited.id}/roles/${role.id}`));
    await want(200, call(owner, "PUT", `${o}/members/${invited.id}/roles/${role.id}`));
    expect((await want(403, call(alice, "PATCH", o, { name: "Mine" }))).json.code).toBe("forbidden");
    await want(201, call(owner, "PUT", `${o}/teams/${team.id}/members/${invited.id}`, { role: "member" }));
    await want(200, call(owner, "PUT", `${o}/teams/${team.id}/members/${invited.id}`, { role: "maintainer" }));
    await want(200, call(owner, "GET", `${o}/teams/${team.id}/members`));
    await want(204, call(owner, "DELETE", `${o}/teams/${team.id}/members/${invited.id}`));
    expect((await want(409, call(owner, "DELETE", `${o}/teams/${org.default_team_id}/members/${invited.id}`))).json.code).toBe("last_team");
    const bob = (await want(201, call(owner, "POST", `${o}/members`, { email: "bob@contract.test" }))).json;
    await want(200, call(owner, "POST", `${o}/members/${bob.id}/invitation`));
    expect((await want(409, call(owner, "POST", `${o}/members/${invited.id}/invitation`))).json.code).toBe("member_active");
    await want(200, call(owner, "GET", `${o}/members/${invited.id}/project-access`));
    // The whole membership as a set: a plan, a stale apply, a refusal naming its entry, the apply.
    const set = { members: [{ email: "alice@contract.test" }, { email: "bob@contract.test" }, { email: "carol@contract.test", team_ids: ["My Team"] }] };
    const planned = (await want(200, call(owner, "POST", `${o}/members:plan`, set))).json;
    await want(412, call(owner, "POST", `${o}/members:apply`, set, { "if-match": '"m-stale"' }));
    expect(
      (await want(422, call(owner, "POST", `${o}/members:plan`, { members: [{ email: "x@contract.test", role_ids: ["Nope"] }] }))).json.errors[0].field,
    ).toBe("/members/0/role_ids/0");
    expect((await want(422, call(owner, "POST", `${o}/members:plan`, { members: set.members.slice(0, 1), prune: true, max_removals: 0 }))).json.code).toBe(
      "too_many_removals",
    );
    await want(200, call(owner, "POST", `${o}/members:apply`, set, { "if-match": `"${planned.membership_version}"` }));

    // Projects, environments and grants.
    const project = (await want(201, call(owner, "POST", `${o}/projects`, { name: "Web" }))).json;
    const p = `/v1/projects/${project.id}`;
    await want(200, call(owner, "GET", `${o}/projects`));
    await want(304, call(owner, "GET", p, undefined, { "if-none-match": (await want(200, call(owner, "GET", p))).headers.etag as string }));
    expect((await want(403, call(alice, "GET", p))).json.code).toBe("forbidden");
    await want(200, call(owner, "PATCH", p, { description: "The website" }));
    await want(200, call(owner, "GET", `${p}/environments`));
    await want(200, call(owner, "GET", `${p}/environments/${project.environments[0].id}`));
    await want(404, call(owner, "GET", `${p}/environments/env_nope`));
    const grant = `${p}/access/members/${invited.id}`;
    await want(201, call(owner, "PUT", grant, { role: "viewer" }, { "if-none-match": "*" }));
    await want(412, call(owner, "PUT", grant, { role: "admin" }, { "if-none-match": "*" }));
    await want(200, call(owner, "PUT", grant, { role: "admin" }));
    await want(200, call(alice, "GET", p));
    await want(200, call(owner, "GET", `${p}/access?principal_type=members`));
    await want(200, call(owner, "GET", grant));
    const grants = {
      grants: [
        { member: "alice@contract.test", level: "admin" },
        { team: "My Team", level: "viewer" },
      ],
    };
    const accessPlan = (await want(200, call(owner, "POST", `${p}/access:plan`, grants))).json;
    await want(412, call(owner, "POST", `${p}/access:apply`, grants, { "if-match": '"a-stale"' }));
    await want(200, call(owner, "POST", `${p}/access:apply`, grants, { "if-match": `"${accessPlan.access_version}"` }));
    await want(200, call(owner, "POST", `${p}/access:apply`, { grants: grants.grants.slice(0, 1), prune: true }));
    await want(404, call(owner, "GET", `${p}/access/accounts/acct_nope`));
    expect((await want(200, call(owner, "POST", `${p}/access:find-account`, { email: "alice@contract.test" }))).json.external).toBe(false);
    expect((await want(422, call(owner, "POST", `${p}/access:find-account`, { email: "nobody@contract.test" }))).json.code).toBe("account_not_found");
    expect((await want(422, call(owner, "PUT", `${p}/access/teams/team_nope`, { role: "viewer" }))).json.code).toBe("principal_not_in_organization");
    expect((await want(409, call(owner, "DELETE", p))).json.code).toBe("project_has_access_grants");
    await want(204, call(owner, "DELETE", grant));
    await want(200, call(owner, "POST", `${p}/transfer`, { target_organization_id: other.id }));
    await want(200, call(owner, "POST", `${p}/transfer`, { target_organization_id: org.id }));

    // The audit log.
    const events = (await want(200, call(owner, "GET", `${o}/audit-events?limit=2`))).json;
    expect(events.items[0].changes === null || typeof events.items[0].changes === "object").toBe(true);
    await want(200, call(owner, "GET", `${o}/audit-events/${events.items[0].id}`));
    await want(404, call(owner, "GET", `${o}/audit-events/evt_nope`));

    // Two-factor authentication, and an organization that requires it.
    const enrolment = (await want(201, call(owner, "POST", "/v1/me/two-factor"))).json;
    await want(200, call(owner, "POST", "/v1/me/two-factor/confirm", { code: totp(enrolment.secret, s.clock.current()) }));
    await want(409, call(owner, "POST", "/v1/me/two-factor"));
    await want(200, call(owner, "PATCH", o, { require_two_factor: true }));
    expect((await want(403, call(alice, "GET", o))).json.code).toBe("two_factor_required");
    await want(200, call(owner, "PATCH", o, { require_two_factor: false }));
    expect((await want(422, call(owner, "DELETE", "/v1/me/two-factor", { code: "000000" }))).json.code).toBe("invalid_two_factor_code");
    s.clock.advance(30_000);
    await want(204, call(owner, "DELETE", "/v1/me/two-factor", { code: totp(enrolment.secret, s.clock.current()) }));
    await want(404, call(owner, "DELETE", "/v1/me/two-factor", { code: totp(enrolment.secret, s.clock.current()) }));

    // Ownership, removal and deletion.
    await want(200, call(owner, "POST", `${o}/ownership-transfer`, { new_owner_member_id: invited.id }));
    expect((await want(409, call(owner, "DELETE", `${o}/members/${invited.id}`))).json.code).toBe("cannot_remove_owner");
    await want(200, call(alice, "POST", `${o}/ownership-transfer`, { new_owner_member_id: org.owner_member_id }));
    await want(204, call(owner, "DELETE", `${o}/members/${bob.id}`));
    await want(204, call(owner, "DELETE", `${o}/members/${invited.id}`));
    await want(204, call(owner, "DELETE", `${o}/roles/${role.id}`));
    await want(204, call(owner, "DELETE", `${o}/teams/${team.id}`));
    expect((await want(409, call(owner, "DELETE", o))).json.code).toBe("organization_has_projects");
    await want(204, call(owner, "DELETE", p));
    await want(204, call(owner, "DELETE", o));
    await want(404, call(owner, "GET", o));
  }, 60_000);

  it('answers errors about the whole body with the root pointer "", read as "body"', async () => {
    const owner = (await s.signup("root@contract.test")).token;
    for (const body of [undefined, [], "just a string", "\u0000"]) {
      const r = await exchange(
        s,
        owner,
        "POST",
        "/v1/organizations",
        body === undefined ? undefined : JSON.stringify(body),
        body === undefined ? undefined : { "content-type": "application/json" },
      );
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json.errors[0].field, r.body).toBe("");
      expect(r.json.detail, r.body).toMatch(/^(body: |a JSON body is required)/);
    }
  });
});

describe("rate limits and quotas", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ config: { rateLimit: 3, invitationQuota: 1 } });
  });
  afterAll(() => s?.close());

  it("answer 429 with Retry-After and RateLimit-* as documented", async () => {
    const { owner, org } = await s.orgWithOwner("quota");
    await new Promise((r) => setTimeout(r, 1000));
    await exchange(s, owner.token, "POST", `/v1/organizations/${org.id}/members`, { email: "one@quota.test" });
    const quota = await exchange(s, owner.token, "POST", `/v1/organizations/${org.id}/members`, { email: "two@quota.test" });
    expect(quota.json?.code, quota.body).toBe("invitation_quota_exceeded");
    const codes = new Set<string>();
    for (let i = 0; i < 6; i++) codes.add((await exchange(s, owner.token, "GET", "/v1/me")).json.code ?? "ok");
    expect(codes).toContain("rate_limited");
  });
});

describe("bad input derived from the document, on every operation", () => {
  let s: TestServer;
  const ids: Record<string, string> = {};
  let owner: string;
  beforeAll(async () => {
    s = await startTestServer();
    const w = await s.orgWithOwner("sweep");
    owner = w.owner.token;
    const o = `/v1/organizations/${w.org.id}`;
    const member = await s.join(owner, w.org.id, "member@sweep.test");
    const role = (await s.call(owner, "POST", `${o}/roles`, { name: "Sweep" })).json;
    const team = (await s.call(owner, "POST", `${o}/teams`, { name: "Sweep" })).json;
    const project = (await s.call(owner, "POST", `${o}/projects`, { name: "Sweep" })).json;
    await s.call(owner, "PUT", `/v1/projects/${project.id}/access/members/${member.memberId}`, { role: "viewer" });
    const token = (await s.call(owner, "POST", "/v1/me/tokens", { name: "sweep", expires_at: new Date(Date.now() + 86_400_000).toISOString() })).json;
    const event = (await s.call(owner, "GET", `${o}/audit-events?limit=1`)).json.items[0];
    Object.assign(ids, {
      org: w.org.id,
      member_id: member.memberId,
      role_id: role.id,
      team_id: team.id,
      project_id: project.id,
      env_id: project.environments[0].id,
      principal_type: "members",
      principal_id: member.memberId,
      token_id: token.id,
      event_id: event.id,
    });
  }, 60_000);
  afterAll(() => s?.close());

  const fill = (path: string, swap: Record<string, string> = {}) => path.replace(/\{(\w+)\}/g, (_, n: string) => swap[n] ?? ids[n]!);
  const resolve = (node: any): any =>
    node?.$ref
      ? resolve(
          node.$ref
            .slice(2)
            .split("/")
            .reduce((n: any, k: string) => n[k], doc),
        )
      : node;

  /** Values meant to break a schema: of another type, outside its bounds or enum, off its pattern (a lenient pattern may still take one). */
  function badValues(schema: any): unknown[] {
    const out: unknown[] = [];
    const types = [schema.type].flat().filter(Boolean);
    if (schema.anyOf) return [{ not: "any of these" }];
    if (!types.includes("string")) out.push("a string");
    if (!types.includes("integer") && !types.includes("number")) out.push(12);
    if (!types.includes("boolean")) out.push(true);
    if (!types.includes("array")) out.push(["an", "array"]);
    if (types.includes("string")) {
      if (schema.enum) out.push("not-in-the-enum");
      if (schema.pattern || schema.format) out.push("!not matching!");
      if (schema.maxLength) out.push("x".repeat(schema.maxLength + 1));
    }
    if (types.includes("integer")) out.push(schema.minimum !== undefined ? schema.minimum - 1 : 1.5);
    return out;
  }
  const queryValue = (v: unknown) => encodeURIComponent(typeof v === "string" ? v : JSON.stringify(v));

  it("answers each as documented", async () => {
    const statuses = new Set<number>();
    let requests = 0;
    const send = async (token: string | null, method: string, url: string, body?: unknown, headers?: Record<string, string>) => {
      requests++;
      statuses.add((await exchange(s, token, method, url, body, headers)).statusCode);
    };
    for (const { path, method, op } of operations) {
      const token = op.operationId === "listOutbox" ? s.operatorToken : owner;
      const url = fill(path);
      const schema = op.requestBody ? resolve(op.requestBody.content["application/json"].schema) : undefined;

      if (op.security?.length !== 0) {
        await send(null, method, url, schema ? {} : undefined);
        await send("not-a-token", method, url, schema ? {} : undefined);
      }
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)) {
        await send(token, method, fill(path, { [name]: `${name}_nope` }), schema ? {} : undefined);
        await send(token, method, fill(path, { [name]: "%00" }), schema ? {} : undefined);
        await send(token, method, fill(path, { [name]: "x".repeat(400) }), schema ? {} : undefined);
      }
      for (const p of (op.parameters ?? []).map(resolve).filter((p: any) => p.in === "query")) {
        for (const v of badValues(p.schema)) await send(token, method, `${url}?${p.name}=${queryValue(v)}`);
      }
      if (method === "GET") continue;
      // Rejected before any handler runs, so none of this changes the fixture.
      await send(token, method, url, "{ not json", { "content-type": "application/json" });
      await send(token, method, url, "plain text", { "content-type": "text/plain" });
      await send(token, method, url, JSON.stringify({ big: "x".repeat((1 << 20) + 1) }), { "content-type": "application/json" });
      if (!schema) continue;
      for (const body of [[], "a string", 12, null, { unknown_field: 1 }])
        await send(token, method, url, JSON.stringify(body), { "content-type": "application/json" });
      const required = new Set<string>(schema.required ?? []);
      for (const [name, prop] of Object.entries<any>(schema.properties ?? {})) {
        for (const v of badValues(resolve(prop))) await send(token, method, url, { [name]: v });
        if (required.has(name)) await send(token, method, url, { ...Object.fromEntries([...required].map((r) => [r, "x"])), [name]: undefined });
      }
      if (op.operationId !== "createAccount") await send(token, method, url, { unknown_field: 1 }, { "idempotency-key": "" });
    }
    // The sweep is bounded and reaches the refusals it is for.
    expect(requests).toBeLessThan(2000);
    for (const status of [400, 401, 404, 413, 415, 422]) expect(statuses, `no ${status} in the sweep`).toContain(status);
  }, 120_000);
});

describe("coverage", () => {
  it("every operation of the document answered, and each with a success", () => {
    const missing = operations.filter(({ operationId }) => ![...(seen.get(operationId) ?? [])].some((st) => st < 400)).map((o) => o.operationId);
    expect(missing, "operations never answered with a 2xx or 304").toEqual([]);
  });
});
