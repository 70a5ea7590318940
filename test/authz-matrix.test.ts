// The authorization matrix of org-api.md §4, one test per cell, against the real server.
// Rules (§3.1): 401 for a missing or bad token; 404 for callers who are neither members of the org
// nor grantees of the resource; 403 for members lacking the permission (never 404); 403
// two_factor_required for members without 2FA of an org that requires it. On PGlite, and on
// PostgreSQL when ORGS_TEST_POSTGRES_URL is set.
// "Allowed" means 2xx (bodies are valid; success-changing cells get fresh targets), except where a
// row names another answer that proves the caller got past authorization.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COLUMNS, buildPrincipals, type Col, type Fixture, type World } from "./support/principals";
import { databaseEngines } from "./support/engines";
import { startTestServer, type TestServer } from "./support/server";

let s: TestServer;
let fx: Fixture;

type Scope = "org" | "project" | "transferIn" | "self" | "operator";
interface Req {
  method: string;
  url: string;
  body?: unknown;
}
interface Cell {
  col: Col;
  w: World & { heir?: { memberId: string } };
  token: string | null;
}
interface Op {
  name: string;
  /** org: needs membership of the org; project: the target is a project the column relates to (§4 "PA", "own", "if granted"). */
  scope: Scope;
  /** Runs in a new org per cell: success changes the org or the caller's membership. */
  fresh?: boolean;
  /** Team maintainers may do it to their own team (§4 note 3). */
  maintainer?: boolean;
  /** What a denied cell answers when it is not a plain 403, with why. */
  deniedAs?: Partial<Record<Col, { status: number; code: string }>>;
  /** An answer that still shows the cell passed authorization, with why. */
  allowedAs?: Partial<Record<Col, { status: number; code: string }>>;
  request(c: Cell): Promise<Req>;
}

// ---- fresh targets -------------------------------------------------------------------------------
const org = (c: Cell) => `/v1/organizations/${c.w.id}`;
const ownerCall = (c: Cell, method: string, url: string, body?: unknown) => s.call(c.w.owner.token, method, url, body);
async function invitee(c: Cell, body: Record<string, unknown> = {}) {
  return fx.invite(c.w, `${fx.uniq("target")}@authz.test`, body);
}
async function activeMember(c: Cell) {
  const a = await s.signup(`${fx.uniq("active")}@authz.test`);
  if (c.w.id === fx.tfa.id) await fx.enableTwoFactor(a); // its invitees must have 2FA to accept
  return (await fx.enrol(c.w, a)).memberId;
}
async function created(c: Cell, what: string, url: string, body: unknown) {
  const r = await ownerCall(c, "POST", url, body);
  fx.expectOk(r, what, 201);
  return r.json;
}
/** A new project in the cell's world, related to the column as §4 says: PA and extAdmin hold an admin
 *  grant, the granted member and Ext a viewer grant, and pcCreator created it. */
async function project(c: Cell, w: World = c.w, col: Col = c.col) {
  const creator = col === "pcCreator" ? fx.tokenOf("pc")! : w.owner.token;
  const r = await s.call(creator, "POST", `/v1/organizations/${w.id}/projects`, { name: fx.uniq("prj") });
  fx.expectOk(r, "project", 201);
  const grant = async (path: string, role: string) =>
    fx.expectOk(await s.call(w.owner.token, "PUT", `/v1/projects/${r.json.id}/access/${path}`, { role }), `grant ${path}`);
  if (col === "pa") await grant(`members/${w.members.pa!.memberId}`, "admin");
  if (col === "mGranted") await grant(`members/${w.members.m!.memberId}`, "viewer");
  if (col === "ext") await grant(`accounts/${fx.accounts.ext!.accountId}`, "viewer");
  if (col === "extAdmin") await grant(`accounts/${fx.accounts.extAdmin!.accountId}`, "admin");
  return r.json as { id: string; environments: { id: string }[] };
}
const customRoleGrant = async (c: Cell, projectId: string) =>
  fx.expectOk(await ownerCall(c, "PUT", `/v1/projects/${projectId}/access/roles/${c.w.roles.custom}`, { role: "viewer" }), "role grant");

// ---- the operations, by §4 row ----------------------------------------------------------------------
const get = (name: string, scope: Scope, url: (c: Cell) => string | Promise<string>): Op => ({
  name,
  scope,
  request: async (c) => ({ method: "GET", url: await url(c) }),
});
const OPS = {
  view: [
    get("GET org", "org", (c) => org(c)),
    get("GET members", "org", (c) => `${org(c)}/members`),
    get("GET member", "org", (c) => `${org(c)}/members/${c.w.ownerMemberId}`),
    get("GET teams", "org", (c) => `${org(c)}/teams`),
    get("GET team", "org", (c) => `${org(c)}/teams/${c.w.teams.default}`),
    get("GET team members", "org", (c) => `${org(c)}/teams/${c.w.teams.default}/members`),
    get("GET roles", "org", (c) => `${org(c)}/roles`),
    get("GET role", "org", (c) => `${org(c)}/roles/${c.w.roles.DEFAULT}`),
    // A plan that changes nothing reads the membership; one that changes something needs what its apply needs.
    { name: "POST members:plan (no change)", scope: "org", request: async (c) => ({ method: "POST", url: `${org(c)}/members:plan`, body: { members: [] } }) },
  ],
  editOrg: [
    {
      name: "PATCH org name+website",
      scope: "org",
      request: async (c) => ({ method: "PATCH", url: org(c), body: { name: fx.uniq("Name"), website_url: `https://${fx.uniq("w")}.example` } }),
    },
  ],
  plan: [{ name: "PATCH org plan", scope: "org", request: async (c) => ({ method: "PATCH", url: org(c), body: { plan: fx.uniq("plan") } }) }],
  billing: [
    get("GET billing address", "org", (c) => `${org(c)}/billing/address`),
    {
      name: "PUT billing address",
      scope: "org",
      request: async (c) => ({ method: "PUT", url: `${org(c)}/billing/address`, body: { country: "FR", locality: fx.uniq("Lyon") } }),
    },
    get("GET billing profile", "org", (c) => `${org(c)}/billing/profile`),
    {
      name: "PATCH billing profile",
      scope: "org",
      request: async (c) => ({ method: "PATCH", url: `${org(c)}/billing/profile`, body: { company_name: fx.uniq("Co") } }),
    },
  ],
  subscriptions: [get("GET subscriptions", "org", (c) => `${org(c)}/subscriptions`)],
  ownerOnly: [
    { name: "DELETE org", scope: "org", fresh: true, request: async (c) => ({ method: "DELETE", url: org(c) }) },
    {
      name: "POST ownership-transfer",
      scope: "org",
      fresh: true,
      request: async (c) => ({ method: "POST", url: `${org(c)}/ownership-transfer`, body: { new_owner_member_id: c.w.heir!.memberId } }),
    },
  ],
  invite: [
    {
      name: "POST member (invite)",
      scope: "org",
      request: async (c) => ({ method: "POST", url: `${org(c)}/members`, body: { email: `${fx.uniq("inv")}@authz.test` } }),
    },
    { name: "DELETE invited member (revoke)", scope: "org", request: async (c) => ({ method: "DELETE", url: `${org(c)}/members/${await invitee(c)}` }) },
    { name: "DELETE active member (remove)", scope: "org", request: async (c) => ({ method: "DELETE", url: `${org(c)}/members/${await activeMember(c)}` }) },
    {
      name: "POST members:apply (a set inviting one more)",
      scope: "org",
      request: async (c) => ({ method: "POST", url: `${org(c)}/members:apply`, body: { members: [{ email: `${fx.uniq("set")}@authz.test` }] } }),
    },
    {
      name: "POST member invitation (re-send)",
      scope: "org",
      request: async (c) => ({ method: "POST", url: `${org(c)}/members/${await invitee(c)}/invitation` }),
    },
  ],
  setMember: [
    {
      name: "PATCH member permissions",
      scope: "org",
      request: async (c) => ({ method: "PATCH", url: `${org(c)}/members/${await invitee(c)}`, body: { permissions: ["members"] } }),
    },
    {
      name: "PATCH member role_ids",
      scope: "org",
      request: async (c) => ({ method: "PATCH", url: `${org(c)}/members/${await invitee(c)}`, body: { role_ids: [c.w.roles.DEFAULT, c.w.roles.custom] } }),
    },
    {
      name: "PUT member role",
      scope: "org",
      request: async (c) => ({ method: "PUT", url: `${org(c)}/members/${await invitee(c)}/roles/${c.w.roles.custom}` }),
    },
    {
      name: "DELETE member role",
      scope: "org",
      request: async (c) => ({
        method: "DELETE",
        url: `${org(c)}/members/${await invitee(c, { role_ids: [c.w.roles.DEFAULT, c.w.roles.custom] })}/roles/${c.w.roles.custom}`,
      }),
    },
  ],
  roles: [
    { name: "POST role", scope: "org", request: async (c) => ({ method: "POST", url: `${org(c)}/roles`, body: { name: fx.uniq("Role"), permissions: [] } }) },
    {
      name: "PATCH role",
      scope: "org",
      request: async (c) => ({
        method: "PATCH",
        url: `${org(c)}/roles/${(await created(c, "role", `${org(c)}/roles`, { name: fx.uniq("Role") })).id}`,
        body: { description: "changed" },
      }),
    },
    {
      name: "DELETE role",
      scope: "org",
      request: async (c) => ({ method: "DELETE", url: `${org(c)}/roles/${(await created(c, "role", `${org(c)}/roles`, { name: fx.uniq("Role") })).id}` }),
    },
  ],
  teams: [
    { name: "POST team", scope: "org", request: async (c) => ({ method: "POST", url: `${org(c)}/teams`, body: { name: fx.uniq("Team") } }) },
    {
      name: "PATCH team",
      scope: "org",
      request: async (c) => ({
        method: "PATCH",
        url: `${org(c)}/teams/${(await created(c, "team", `${org(c)}/teams`, { name: fx.uniq("Team") })).id}`,
        body: { name: fx.uniq("Renamed") },
      }),
    },
    {
      name: "DELETE team",
      scope: "org",
      request: async (c) => ({ method: "DELETE", url: `${org(c)}/teams/${(await created(c, "team", `${org(c)}/teams`, { name: fx.uniq("Team") })).id}` }),
    },
    {
      name: "PUT team member",
      scope: "org",
      maintainer: true,
      request: async (c) => ({ method: "PUT", url: `${org(c)}/teams/${c.w.teams.maintained}/members/${await invitee(c)}`, body: { role: "member" } }),
    },
    {
      name: "DELETE team member",
      scope: "org",
      maintainer: true,
      request: async (c) => ({
        method: "DELETE",
        url: `${org(c)}/teams/${c.w.teams.maintained}/members/${await invitee(c, { team_ids: [c.w.teams.default, c.w.teams.maintained] })}`,
      }),
    },
  ],
  createProject: [
    { name: "POST project", scope: "org", request: async (c) => ({ method: "POST", url: `${org(c)}/projects`, body: { name: fx.uniq("prj") } }) },
  ],
  viewProject: [
    get("GET project", "project", async (c) => `/v1/projects/${(await project(c)).id}`),
    get("GET environments", "project", async (c) => `/v1/projects/${(await project(c)).id}/environments`),
    get("GET environment", "project", async (c) => {
      const p = await project(c);
      return `/v1/projects/${p.id}/environments/${p.environments[1]!.id}`;
    }),
    get("GET project access", "project", async (c) => `/v1/projects/${(await project(c)).id}/access`),
    {
      name: "POST project access:plan (no change)",
      scope: "project",
      request: async (c) => ({ method: "POST", url: `/v1/projects/${(await project(c)).id}/access:plan`, body: { grants: [] } }),
    },
    get("GET project access grant", "project", async (c) => {
      const p = await project(c);
      await customRoleGrant(c, p.id);
      return `/v1/projects/${p.id}/access/roles/${c.w.roles.custom}`;
    }),
  ],
  adminProject: [
    {
      name: "PATCH project",
      scope: "project",
      request: async (c) => ({ method: "PATCH", url: `/v1/projects/${(await project(c)).id}`, body: { description: fx.uniq("d") } }),
    },
    {
      name: "DELETE project",
      scope: "project",
      // PA's own grant is a grant: the delete is refused by the "no grants" rule (§1 Project), past authorization.
      allowedAs: { pa: { status: 409, code: "project_has_access_grants" }, extAdmin: { status: 409, code: "project_has_access_grants" } },
      request: async (c) => ({ method: "DELETE", url: `/v1/projects/${(await project(c)).id}` }),
    },
    {
      name: "POST project access:apply (a set granting one more)",
      scope: "project",
      request: async (c) => ({
        method: "POST",
        url: `/v1/projects/${(await project(c)).id}/access:apply`,
        body: { grants: [{ role: c.w.roles.custom, level: "viewer" }] },
      }),
    },
    {
      name: "POST project access:find-account (an outside account by email)",
      scope: "project",
      request: async (c) => ({ method: "POST", url: `/v1/projects/${(await project(c)).id}/access:find-account`, body: { email: fx.accounts.ext!.email } }),
    },
    {
      name: "PUT project access grant",
      scope: "project",
      request: async (c) => ({ method: "PUT", url: `/v1/projects/${(await project(c)).id}/access/roles/${c.w.roles.custom}`, body: { role: "viewer" } }),
    },
    {
      name: "DELETE project access grant",
      scope: "project",
      request: async (c) => {
        const p = await project(c);
        await customRoleGrant(c, p.id);
        return { method: "DELETE", url: `/v1/projects/${p.id}/access/roles/${c.w.roles.custom}` };
      },
    },
  ],
  transferOut: [
    {
      name: "POST project transfer (source side)",
      scope: "project",
      request: async (c) => ({ method: "POST", url: `/v1/projects/${(await project(c)).id}/transfer`, body: { target_organization_id: fx.dest.id } }),
    },
  ],
  transferIn: [
    {
      name: "POST project transfer (target side)",
      scope: "transferIn",
      request: async (c) => ({
        method: "POST",
        url: `/v1/projects/${(await project(c, fx.dest, "own")).id}/transfer`,
        body: { target_organization_id: c.w.id },
      }),
    },
  ],
  audit: [
    get("GET audit events", "org", (c) => `${org(c)}/audit-events`),
    get("GET audit event", "org", async (c) => `${org(c)}/audit-events/${(await ownerCall(c, "GET", `${org(c)}/audit-events?limit=1`)).json.items[0].id}`),
  ],
  leave: [
    {
      name: "DELETE own membership (leave)",
      scope: "org",
      fresh: true,
      deniedAs: { own: { status: 409, code: "cannot_remove_owner" } },
      // Non-members have no membership to delete: they aim at another member's.
      request: async (c) => ({
        method: "DELETE",
        url: `${org(c)}/members/${c.col === "own" ? c.w.ownerMemberId : (c.w.members[c.col]?.memberId ?? c.w.heir!.memberId)}`,
      }),
    },
  ],
  self: [
    get("GET me", "self", () => "/v1/me"),
    get("GET my tokens", "self", () => "/v1/me/tokens"),
    {
      name: "POST my token",
      scope: "self",
      request: async () => ({
        method: "POST",
        url: "/v1/me/tokens",
        body: { name: fx.uniq("tok"), expires_at: new Date(s.clock.current().getTime() + 30 * 86400_000).toISOString() },
      }),
    },
    {
      name: "DELETE my token",
      scope: "self",
      request: async (c) => {
        if (!c.token || c.col === "badToken") return { method: "DELETE", url: "/v1/me/tokens/tok_unknown" };
        const t = await s.call(c.token, "POST", "/v1/me/tokens", {
          name: fx.uniq("tok"),
          expires_at: new Date(s.clock.current().getTime() + 86400_000).toISOString(),
        });
        fx.expectOk(t, "token", 201);
        return { method: "DELETE", url: `/v1/me/tokens/${t.json.id}` };
      },
    },
    get("GET my invitations", "self", () => "/v1/me/invitations"),
    {
      name: "POST invitations/accept (own)",
      scope: "self",
      request: async (c) => {
        const email = fx.accountOf(c.col)?.email ?? `${fx.uniq("nobody")}@authz.test`;
        await fx.invite(fx.inviter, email);
        return { method: "POST", url: "/v1/invitations/accept", body: { token: await s.invitationToken(email) } };
      },
    },
  ],
  // Not in §4: route table, auth "operator".
  operator: [get("GET outbox", "operator", () => "/v1/outbox?limit=1")],
  // Not in §4 as rows; read as the rows they belong to.
  listProjects: [
    get("GET org projects (the ones the caller sees)", "project", async (c) => {
      await project(c);
      return `${org(c)}/projects`;
    }),
  ],
  memberAccess: [get("GET another member's project access", "org", async (c) => `${org(c)}/members/${await invitee(c)}/project-access`)],
} satisfies Record<string, Op[]>;

// ---- §4, transcribed ------------------------------------------------------------------------------
// ✓ allowed · ✗ denied (403 for members; 404 for Ext unless the target is its granted project)
// extAdmin, an outside account with an admin grant, reads PA on its project and Ext elsewhere (note 8)
// own = only on projects the pc holder created (note 5) · grant = only with a grant · maint = team
// maintainers, for their team's members (note 3) · – = not applicable (no cell).
const HEAD = ["own", "adm", "mem", "bil", "pln", "pc", "pa", "m", "ext"] as const;
const MATRIX: [string, keyof typeof OPS, string][] = [
  //  §4 action                                               ops               Own ADM mem bil pln pc   PA    M     Ext
  ["View org, list members, teams, roles", "view", "✓   ✓   ✓   ✓   ✓   ✓    ✓     ✓     ✗404"],
  ["Edit org slug, name, website, require_two_factor", "editOrg", "✓   ✓   ✗   ✗   ✗   ✗    ✗     ✗     ✗"],
  ["Change plan", "plan", "✓   ✓   ✗   ✗   ✓   ✗    ✗     ✗     ✗"],
  ["Billing address, profile, invoices", "billing", "✓   ✓   ✗   ✓   ✗   ✗    ✗     ✗     ✗"],
  ["List subscriptions", "subscriptions", "✓   ✓   ✗   ✓   ✓   ✗    ✗     ✗     ✗"],
  ["Delete org; transfer ownership", "ownerOnly", "✓   ✗   ✗   ✗   ✗   ✗    ✗     ✗     ✗"],
  ["Invite, revoke invite, remove member", "invite", "✓   ✓   ✓   ✗   ✗   ✗    ✗     ✗     ✗"],
  ["Set member permissions / roles", "setMember", "✓   ✓   ✓   ✗   ✗   ✗    ✗     ✗     ✗"],
  ["Create, edit, delete custom roles", "roles", "✓   ✓   ✗   ✗   ✗   ✗    ✗     ✗     ✗"],
  ["Create, rename, delete teams; manage team members", "teams", "✓   ✓   ✓   ✗   ✗   ✗    maint ✗     ✗"],
  ["Create project", "createProject", "✓   ✓   ✗   ✗   ✗   ✓    –     ✗     ✗"],
  ["View project and environments", "viewProject", "✓   ✓   ✗   ✗   ✗   own  ✓     grant grant"],
  ["Edit or delete project; manage its access grants", "adminProject", "✓   ✓   ✗   ✗   ✗   own  ✓     ✗     ✗"],
  ["Transfer project out (source side)", "transferOut", "✓   ✓   ✗   ✓   ✗   ✗    ✗     ✗     ✗"],
  ["Transfer project in (target side)", "transferIn", "✓   ✓   ✗   ✗   ✗   ✓    –     ✗     ✗"],
  ["Read audit events", "audit", "✓   ✓   ✗   ✗   ✗   ✗    ✗     ✗     ✗"],
  ["Leave org", "leave", "✗   ✓   ✓   ✓   ✓   ✓    ✓     ✓     –"],
  ["Manage own API tokens; accept own invitation", "self", "✓   ✓   ✓   ✓   ✓   ✓    ✓     ✓     ✓"],
  // Not rows of §4; what they follow is said on the right.
  ["List projects (filtered to what the caller sees)", "listProjects", "✓   ✓   ✓   ✓   ✓   ✓    ✓     ✓     ✓"],
  ["A member's project access (user admins, PSH org:user:projects)", "memberAccess", "✓ ✓ ✓ ✗ ✗ ✗ ✗ ✗ ✗404"],
  ["Read the outbox (operator only, routes.ts)", "operator", "✗   ✗   ✗   ✗   ✗   ✗    ✗     ✗     ✗"],
];

type Want = { ok: true; alt?: { status: number; code: string } } | { ok: false; status: number; code: string };
const ALLOW: Want = { ok: true };
const deny = (status: number, code: string): Want => ({ ok: false, status, code });
const FORBIDDEN = deny(403, "forbidden");
const NOT_FOUND = deny(404, "not_found");

/** The expected answer of one cell, or null when §4 has no cell ("–", or a variant column that only
 *  differs on projects). */
function want(op: Op, row: Record<string, string>, col: Col): Want | null {
  if ((col === "pcCreator" || col === "mGranted") && op.scope !== "project") return null;
  if (col === "anon" || col === "badToken") return deny(401, "unauthenticated");
  if (op.scope === "operator") return col === "op" ? ALLOW : FORBIDDEN;
  if (op.scope === "self") return ALLOW;
  if (col === "out" || col === "op") return NOT_FOUND;
  if (col === "no2fa") return deny(403, "two_factor_required");
  const base = col === "pcCreator" ? "pc" : col === "mGranted" || col === "tm" ? "m" : col === "extAdmin" ? (op.scope === "project" ? "pa" : "ext") : col;
  let cell = row[base]!;
  if (col === "tm" && row.pa === "maint") cell = op.maintainer ? "✓" : "✗";
  if (cell === "maint") cell = "✗"; // PA as such holds no team right
  if (cell === "own") cell = col === "pcCreator" ? "✓" : "✗";
  if (cell === "grant") cell = col === "mGranted" || col === "ext" ? "✓" : "✗";
  if (cell === "–") return null;
  if (cell === "✓") return op.allowedAs?.[col] ? { ok: true, alt: op.allowedAs[col] } : ALLOW;
  if (cell === "✗404") return NOT_FOUND;
  if (op.deniedAs?.[col]) return deny(op.deniedAs[col]!.status, op.deniedAs[col]!.code);
  // Ext is no member: org-scoped targets do not exist for it; the project it was granted does.
  if (col === "ext" || col === "extAdmin") return op.scope === "project" ? FORBIDDEN : NOT_FOUND;
  return FORBIDDEN;
}

const CELLS = MATRIX.flatMap(([action, key, line]) => {
  const tokens = line.trim().split(/\s+/);
  if (tokens.length !== HEAD.length) throw new Error(`row ${action}: ${tokens.length} cells`);
  const row = Object.fromEntries(HEAD.map((h, i) => [h, tokens[i]!]));
  return (OPS[key] as Op[]).flatMap((op) =>
    COLUMNS.flatMap((col) => {
      const w = want(op, row, col);
      const shown = !w ? "" : w.ok ? (w.alt ? `allowed (or ${w.alt.status} ${w.alt.code})` : "allowed") : `${w.status} ${w.code}`;
      return w ? [{ action, op, col, want: w, title: `${op.name} × ${col} → ${shown}` }] : [];
    }),
  );
});

describe.each(databaseEngines("the authorization matrix"))("on $name", ({ postgres }) => {
  beforeAll(async () => {
    s = await startTestServer({ postgres });
    fx = await buildPrincipals(s);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  describe("authorization matrix (org-api.md §4)", () => {
    it.each(CELLS)("$title", async ({ op, col, want: w }) => {
      const world = op.fresh ? await fx.freshWorld(col) : fx.worldOf(col);
      const token = fx.tokenOf(col);
      const req = await op.request({ col, w: world, token });
      const r = await s.call(token, req.method, req.url, req.body);
      const got = { status: r.statusCode, code: r.json?.code as string | undefined };
      const where = `${req.method} ${req.url} as ${col}: ${r.statusCode} ${r.body.slice(0, 300)}`;
      if (w.ok) {
        const passed = got.status < 300 || (!!w.alt && got.status === w.alt.status && got.code === w.alt.code);
        expect(passed, `expected allowed, got ${where}`).toBe(true);
      } else {
        expect(got, where).toEqual({ status: w.status, code: w.code });
      }
    });
  });

  // ---- the notes of §4 and the rules of §3.1 that need a particular target ---------------------------
  type Res = { statusCode: number; body: string; json: any; headers: Record<string, unknown> };
  const as = (col: Col, method: string, url: string, body?: unknown) => s.call(fx.tokenOf(col), method, url, body);
  const inMain = (path = "") => `/v1/organizations/${fx.main.id}${path}`;
  const mainInvitee = (body: Record<string, unknown> = {}) => fx.invite(fx.main, `${fx.uniq("note")}@authz.test`, body);
  /** A fresh org where `col` holds its rights, and an active member with the ADMIN role (and `body`). */
  const withAdmin = async (col: Col, body: (w: World) => Record<string, unknown> = () => ({})) => {
    const w = await fx.freshWorld(col);
    const admin = await fx.enrol(w, await s.signup(`${fx.uniq("admin")}@authz.test`), { role_ids: [w.roles.ADMIN], ...body(w) });
    return { w, admin, url: (path = "") => `/v1/organizations/${w.id}/members/${admin.memberId}${path}` };
  };
  const inADay = () => new Date(s.clock.current().getTime() + 86400_000).toISOString();
  const restrictedToken = async (col: Col, orgIds: string[]) => {
    const t = await as(col, "POST", "/v1/me/tokens", { name: fx.uniq("scoped"), organization_ids: orgIds, expires_at: inADay() });
    fx.expectOk(t, "restricted token", 201);
    return t.json.token as string;
  };
  /** A fresh org that m belongs to (or belonged to, removed first), deleted by its owner; get() reads it as a column. */
  const deletedOrg = async (o: { removeFirst?: boolean } = {}) => {
    const w = await fx.freshWorld("m");
    if (o.removeFirst) fx.expectOk(await s.call(w.owner.token, "DELETE", `/v1/organizations/${w.id}/members/${w.members.m!.memberId}`), "remove m");
    fx.expectOk(await s.call(w.owner.token, "DELETE", `/v1/organizations/${w.id}`), "delete org", 204);
    return { id: w.id, get: (col: Col, path = "") => as(col, "GET", `/v1/organizations/${w.id}${path}`) };
  };
  /** A project of main that Ext held a viewer grant on (revoked, as a delete needs), deleted by main's owner. */
  const deletedProject = async () => {
    const p = await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name: fx.uniq("doomed") });
    const grant = `/v1/projects/${p.json.id}/access/accounts/${fx.accounts.ext!.accountId}`;
    fx.expectOk(await s.call(fx.main.owner.token, "PUT", grant, { role: "viewer" }), "ext grant");
    fx.expectOk(await s.call(fx.main.owner.token, "DELETE", grant), "revoke ext grant", 204);
    fx.expectOk(await s.call(fx.main.owner.token, "DELETE", `/v1/projects/${p.json.id}`), "delete project", 204);
    return { get: (col: Col, path = "") => as(col, "GET", `/v1/projects/${p.json.id}${path}`) };
  };
  const memberOf = async (w: World, id: string) => (await s.call(w.owner.token, "GET", `/v1/organizations/${w.id}/members/${id}`)).json;
  const NOTES: [string, () => Promise<Res>, number, string?][] = [
    // Note 1: nobody can act on the owner.
    ["ADM removes the owner → 409 cannot_remove_owner", () => as("adm", "DELETE", inMain(`/members/${fx.main.ownerMemberId}`)), 409, "cannot_remove_owner"],
    ["mem removes the owner → 409 cannot_remove_owner", () => as("mem", "DELETE", inMain(`/members/${fx.main.ownerMemberId}`)), 409, "cannot_remove_owner"],
    [
      "ADM changes the owner's roles → 409 cannot_remove_owner",
      () => as("adm", "PATCH", inMain(`/members/${fx.main.ownerMemberId}`), { role_ids: [fx.main.roles.DEFAULT] }),
      409,
      "cannot_remove_owner",
    ],
    [
      "ADM gives the owner permissions → 422 owner_has_all_permissions",
      () => as("adm", "PATCH", inMain(`/members/${fx.main.ownerMemberId}`), { permissions: ["billing"] }),
      422,
      "owner_has_all_permissions",
    ],
    // Edit org: a member lacking the right is refused even when the body would change nothing, as every other mutation does.
    [
      "M PATCHes the org with its current name → 403",
      async () => as("m", "PATCH", inMain(), { name: (await as("m", "GET", inMain())).json.name }),
      403,
      "forbidden",
    ],
    [
      "pln changes plan and name in one PATCH → 403 (the name needs ADMIN)",
      () => as("pln", "PATCH", inMain(), { plan: fx.uniq("plan"), name: fx.uniq("Name") }),
      403,
      "forbidden",
    ],
    // Note 1: holders of `members` cannot grant what they lack, nor ADMIN; owner and ADMIN can.
    [
      "mem grants billing (not held) → 403 privilege_escalation",
      async () => as("mem", "PATCH", inMain(`/members/${await mainInvitee()}`), { permissions: ["billing"] }),
      403,
      "privilege_escalation",
    ],
    [
      "mem invites with billing (not held) → 403 privilege_escalation",
      () => as("mem", "POST", inMain("/members"), { email: `${fx.uniq("esc")}@authz.test`, permissions: ["billing"] }),
      403,
      "privilege_escalation",
    ],
    [
      "mem invites with the ADMIN role → 403 privilege_escalation",
      () => as("mem", "POST", inMain("/members"), { email: `${fx.uniq("esc")}@authz.test`, role_ids: [fx.main.roles.ADMIN] }),
      403,
      "privilege_escalation",
    ],
    [
      "mem assigns the ADMIN role → 403 privilege_escalation",
      async () => as("mem", "PUT", inMain(`/members/${await mainInvitee()}/roles/${fx.main.roles.ADMIN}`)),
      403,
      "privilege_escalation",
    ],
    [
      "mem invites with members (held) → 201",
      () => as("mem", "POST", inMain("/members"), { email: `${fx.uniq("ok")}@authz.test`, permissions: ["members"] }),
      201,
    ],
    ["ADM assigns the ADMIN role → 200", async () => as("adm", "PUT", inMain(`/members/${await mainInvitee()}/roles/${fx.main.roles.ADMIN}`)), 200],
    // Note 2: nobody edits their own permissions or roles (in a fresh org: a wrong success must not leak).
    [
      "mem changes own permissions → 403 self_modification",
      async () => {
        const w = await fx.freshWorld("mem");
        return as("mem", "PATCH", `/v1/organizations/${w.id}/members/${w.members.mem!.memberId}`, { permissions: [] });
      },
      403,
      "self_modification",
    ],
    [
      "ADM changes own roles → 403 self_modification",
      async () => {
        const w = await fx.freshWorld("adm");
        return as("adm", "PATCH", `/v1/organizations/${w.id}/members/${w.members.adm!.memberId}`, { role_ids: [w.roles.ADMIN, w.roles.custom] });
      },
      403,
      "self_modification",
    ],
    [
      "ADM adds a role to self → 403 self_modification",
      async () => {
        const w = await fx.freshWorld("adm");
        return as("adm", "PUT", `/v1/organizations/${w.id}/members/${w.members.adm!.memberId}/roles/${w.roles.custom}`);
      },
      403,
      "self_modification",
    ],
    // Note 3: a maintainer manages only their own team.
    [
      "tm adds a member to a team it does not maintain → 403",
      async () =>
        as("tm", "PUT", inMain(`/teams/${fx.main.teams.default}/members/${await mainInvitee({ team_ids: [fx.main.teams.maintained] })}`), { role: "member" }),
      403,
      "forbidden",
    ],
    // Note 5 / "if granted": a member reads its own project access; Ext probing a project it was not granted learns nothing.
    ["M reads its own project access → 200", () => as("m", "GET", inMain(`/members/${fx.main.members.m!.memberId}/project-access`)), 200],
    [
      "Ext reads an ungranted project of the org → 404",
      async () => {
        await s.call(
          fx.main.owner.token,
          "PUT",
          `/v1/projects/${(await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name: fx.uniq("g") })).json.id}/access/accounts/${fx.accounts.ext!.accountId}`,
          { role: "viewer" },
        );
        const p = await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name: fx.uniq("hidden") });
        return as("ext", "GET", `/v1/projects/${p.json.id}`);
      },
      404,
      "not_found",
    ],
    // §0.1: a permission carried by a role counts like a direct one.
    [
      "billing through a custom role → billing address 200",
      async () => {
        const role = await s.call(fx.main.owner.token, "POST", inMain("/roles"), { name: fx.uniq("Billing"), permissions: ["billing"] });
        const a = await s.signup(`${fx.uniq("viarole")}@authz.test`);
        await fx.enrol(fx.main, a, { role_ids: [role.json.id] });
        return s.call(a.token, "GET", inMain("/billing/address"));
      },
      200,
    ],
    // 2FA: the requirement gates members without it and invitees; members with it pass.
    [
      "member with 2FA of a 2FA org → 200",
      async () => {
        const a = await s.signup(`${fx.uniq("with2fa")}@authz.test`);
        await fx.enableTwoFactor(a);
        await fx.enrol(fx.tfa, a);
        return s.call(a.token, "GET", `/v1/organizations/${fx.tfa.id}`);
      },
      200,
    ],
    [
      "invitee without 2FA accepts into a 2FA org → 403 two_factor_required",
      async () => {
        const a = await s.signup(`${fx.uniq("no2fa")}@authz.test`);
        await fx.invite(fx.tfa, a.email);
        return s.call(a.token, "POST", "/v1/invitations/accept", { token: await s.invitationToken(a.email) });
      },
      403,
      "two_factor_required",
    ],
    // §1 API token: a token restricted to other orgs sees this one as it would not exist; removal revokes at once.
    [
      "owner's token restricted to another org → 404 on its own org",
      async () => {
        const t = await as("own", "POST", "/v1/me/tokens", {
          name: "scoped",
          organization_ids: [fx.dest.id],
          expires_at: new Date(s.clock.current().getTime() + 86400_000).toISOString(),
        });
        return s.call(t.json.token, "GET", inMain());
      },
      404,
      "not_found",
    ],
    [
      "owner's token restricted to another org → 404 on a project of its own org",
      async () => {
        const t = await as("own", "POST", "/v1/me/tokens", {
          name: "scoped",
          organization_ids: [fx.dest.id],
          expires_at: new Date(s.clock.current().getTime() + 86400_000).toISOString(),
        });
        const p = await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name: fx.uniq("scoped") });
        return s.call(t.json.token, "GET", `/v1/projects/${p.json.id}`);
      },
      404,
      "not_found",
    ],
    [
      "removed member's token → 404",
      async () => {
        const w = await fx.freshWorld("m");
        await s.call(w.owner.token, "DELETE", `/v1/organizations/${w.id}/members/${w.members.m!.memberId}`);
        return as("m", "GET", `/v1/organizations/${w.id}`);
      },
      404,
      "not_found",
    ],
    // §3.1: 404s do not tell an existing org from a missing one; 401 is for the token only.
    [
      "outsider, unknown org → 404 not_found (as for an existing one)",
      () => as("out", "GET", "/v1/organizations/org_00000000000000000000000000"),
      404,
      "not_found",
    ],
    ["outsider, unknown project → 404 not_found", () => as("out", "GET", "/v1/projects/prj_00000000000000000000000000"), 404, "not_found"],
    [
      "revoked token → 401",
      async () => {
        const t = await as("m", "POST", "/v1/me/tokens", { name: "gone", expires_at: new Date(s.clock.current().getTime() + 86400_000).toISOString() });
        await as("m", "DELETE", `/v1/me/tokens/${t.json.id}`);
        return s.call(t.json.token, "GET", inMain());
      },
      401,
      "unauthenticated",
    ],
    [
      "expired token → 401",
      async () => {
        const t = await as("m", "POST", "/v1/me/tokens", { name: "short", expires_at: new Date(s.clock.current().getTime() + 60_000).toISOString() });
        s.clock.advance(120_000);
        return s.call(t.json.token, "GET", inMain());
      },
      401,
      "unauthenticated",
    ],
    ["malformed Authorization header → 401", () => s.call(null, "GET", inMain(), undefined, { authorization: "Token abc" }), 401, "unauthenticated"],

    // Note 1: only the owner and ADMIN act on members who hold ADMIN, even when nothing would change.
    [
      "mem demotes an ADMIN (PATCH role_ids) → 403, the admin keeps ADMIN",
      async () => {
        const t = await withAdmin("mem");
        const r = await as("mem", "PATCH", t.url(), { role_ids: [t.w.roles.DEFAULT] });
        expect((await memberOf(t.w, t.admin.memberId)).role_ids, r.body).toEqual([t.w.roles.ADMIN]);
        return r;
      },
      403,
      "forbidden",
    ],
    [
      "mem removes an ADMIN → 403, the admin stays",
      async () => {
        const t = await withAdmin("mem");
        const r = await as("mem", "DELETE", t.url());
        expect((await memberOf(t.w, t.admin.memberId)).status, r.body).toBe("active");
        return r;
      },
      403,
      "forbidden",
    ],
    [
      "mem takes the ADMIN role from an admin (DELETE member role) → 403",
      async () => {
        const t = await withAdmin("mem", (w) => ({ role_ids: [w.roles.ADMIN, w.roles.DEFAULT] }));
        return as("mem", "DELETE", t.url(`/roles/${t.w.roles.ADMIN}`));
      },
      403,
      "forbidden",
    ],
    [
      "mem gives an admin one more role (PUT member role) → 403",
      async () => {
        const t = await withAdmin("mem");
        return as("mem", "PUT", t.url(`/roles/${t.w.roles.custom}`));
      },
      403,
      "forbidden",
    ],
    [
      "mem changes an admin's teams (PATCH team_ids) → 403",
      async () => {
        const t = await withAdmin("mem");
        return as("mem", "PATCH", t.url(), { team_ids: [t.w.teams.maintained] });
      },
      403,
      "forbidden",
    ],
    [
      "mem PATCHes an admin with its current roles (no-op) → 403",
      async () => {
        const t = await withAdmin("mem");
        return as("mem", "PATCH", t.url(), { role_ids: [t.w.roles.ADMIN] });
      },
      403,
      "forbidden",
    ],
    [
      "mem revokes an invitation that gives ADMIN → 403",
      async () => {
        const w = await fx.freshWorld("mem");
        return as("mem", "DELETE", `/v1/organizations/${w.id}/members/${await fx.invite(w, `${fx.uniq("adm")}@authz.test`, { role_ids: [w.roles.ADMIN] })}`);
      },
      403,
      "forbidden",
    ],
    [
      "mem re-sends an invitation that gives ADMIN → 403",
      async () => {
        const w = await fx.freshWorld("mem");
        return as(
          "mem",
          "POST",
          `/v1/organizations/${w.id}/members/${await fx.invite(w, `${fx.uniq("adm")}@authz.test`, { role_ids: [w.roles.ADMIN] })}/invitation`,
        );
      },
      403,
      "forbidden",
    ],
    [
      "mem takes an admin out of a team (DELETE team member) → 403",
      async () => {
        const t = await withAdmin("mem", (w) => ({ team_ids: [w.teams.default, w.teams.maintained] }));
        return as("mem", "DELETE", `/v1/organizations/${t.w.id}/teams/${t.w.teams.maintained}/members/${t.admin.memberId}`);
      },
      403,
      "forbidden",
    ],
    [
      "tm adds an admin to the team it maintains → 403",
      async () => {
        const t = await withAdmin("tm");
        return as("tm", "PUT", `/v1/organizations/${t.w.id}/teams/${t.w.teams.maintained}/members/${t.admin.memberId}`, { role: "member" });
      },
      403,
      "forbidden",
    ],
    [
      "ADM demotes another ADMIN → 200",
      async () => {
        const t = await withAdmin("adm");
        return as("adm", "PATCH", t.url(), { role_ids: [t.w.roles.DEFAULT] });
      },
      200,
    ],
    [
      "ADM removes another ADMIN → 204",
      async () => {
        const t = await withAdmin("adm");
        return as("adm", "DELETE", t.url());
      },
      204,
    ],
    // Note 1: only the owner changes the owner's teams; a request that would change nothing is refused the same way.
    [
      "mem changes the owner's teams (PATCH team_ids) → 403, the owner stays in My Team",
      async () => {
        const w = await fx.freshWorld("mem");
        const r = await as("mem", "PATCH", `/v1/organizations/${w.id}/members/${w.ownerMemberId}`, { team_ids: [w.teams.maintained] });
        expect((await memberOf(w, w.ownerMemberId)).team_ids, r.body).toEqual([w.teams.default]);
        return r;
      },
      403,
      "forbidden",
    ],
    [
      "ADM changes the owner's teams (PATCH team_ids) → 403",
      async () => {
        const w = await fx.freshWorld("adm");
        return as("adm", "PATCH", `/v1/organizations/${w.id}/members/${w.ownerMemberId}`, { team_ids: [w.teams.default, w.teams.maintained] });
      },
      403,
      "forbidden",
    ],
    [
      "mem PATCHes the owner with its current teams (no-op) → 403",
      async () => {
        const w = await fx.freshWorld("mem");
        return as("mem", "PATCH", `/v1/organizations/${w.id}/members/${w.ownerMemberId}`, { team_ids: [w.teams.default] });
      },
      403,
      "forbidden",
    ],
    [
      "ADM PATCHes the owner with nothing (no-op) → 403",
      async () => {
        const w = await fx.freshWorld("adm");
        return as("adm", "PATCH", `/v1/organizations/${w.id}/members/${w.ownerMemberId}`, {});
      },
      403,
      "forbidden",
    ],
    [
      "ADM PATCHes the owner with its current roles (no-op) → 409 cannot_remove_owner",
      async () => {
        const w = await fx.freshWorld("adm");
        return as("adm", "PATCH", `/v1/organizations/${w.id}/members/${w.ownerMemberId}`, { role_ids: [w.roles.ADMIN] });
      },
      409,
      "cannot_remove_owner",
    ],
    [
      "mem puts the owner into a team (PUT team member) → 403",
      async () => {
        const w = await fx.freshWorld("mem");
        return as("mem", "PUT", `/v1/organizations/${w.id}/teams/${w.teams.maintained}/members/${w.ownerMemberId}`, { role: "member" });
      },
      403,
      "forbidden",
    ],
    [
      "tm puts the owner into the team it maintains → 403",
      async () => {
        const w = await fx.freshWorld("tm");
        return as("tm", "PUT", `/v1/organizations/${w.id}/teams/${w.teams.maintained}/members/${w.ownerMemberId}`, { role: "maintainer" });
      },
      403,
      "forbidden",
    ],
    [
      "ADM takes the owner out of a team (DELETE team member) → 403",
      async () => {
        const w = await fx.freshWorld("adm");
        fx.expectOk(
          await s.call(w.owner.token, "PUT", `/v1/organizations/${w.id}/teams/${w.teams.maintained}/members/${w.ownerMemberId}`, { role: "member" }),
          "owner joins a team",
        );
        return as("adm", "DELETE", `/v1/organizations/${w.id}/teams/${w.teams.maintained}/members/${w.ownerMemberId}`);
      },
      403,
      "forbidden",
    ],
    [
      "the owner changes its own teams → 200",
      async () => {
        const w = await fx.freshWorld("adm");
        return as("own", "PATCH", `/v1/organizations/${w.id}/members/${w.ownerMemberId}`, { team_ids: [w.teams.default, w.teams.maintained] });
      },
      200,
    ],
    // Note 7: a member's project access shows a user admin only the projects it may view, and counts the rest.
    [
      "mem reads the project access of a member granted a project mem cannot view → not listed, counted",
      async () => {
        const p = await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name: fx.uniq("unseen") });
        const target = await mainInvitee();
        fx.expectOk(await s.call(fx.main.owner.token, "PUT", `/v1/projects/${p.json.id}/access/members/${target}`, { role: "viewer" }), "grant");
        const r = await as("mem", "GET", inMain(`/members/${target}/project-access`));
        expect({ items: r.json?.items, hidden_count: r.json?.hidden_count }, r.body).toEqual({ items: [], hidden_count: 1 });
        return r;
      },
      200,
    ],
    // Note 7: a refusal names nothing the caller could not read.
    [
      "M reads a project it has no grant on → 403 that does not name the project",
      async () => {
        const p = await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name: fx.uniq("secret") });
        const r = await as("m", "GET", `/v1/projects/${p.json.id}`);
        expect(r.body).not.toContain(p.json.name);
        return r;
      },
      403,
      "forbidden",
    ],
    [
      "Ext moves its project out → 403 that does not name the organization",
      async () => {
        const p = await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name: fx.uniq("granted") });
        fx.expectOk(
          await s.call(fx.main.owner.token, "PUT", `/v1/projects/${p.json.id}/access/accounts/${fx.accounts.ext!.accountId}`, { role: "viewer" }),
          "grant",
        );
        const r = await as("ext", "POST", `/v1/projects/${p.json.id}/transfer`, { target_organization_id: fx.dest.id });
        expect(r.body).not.toContain(fx.main.slug);
        return r;
      },
      403,
      "forbidden",
    ],
    [
      "pc creates a project under the name of one it cannot view → 409 that names no project",
      async () => {
        const p = await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name: fx.uniq("taken") });
        const r = await as("pc", "POST", inMain("/projects"), { name: p.json.name.toUpperCase() });
        expect(r.body).not.toContain(p.json.id);
        expect(r.body).not.toContain(p.json.name);
        return r;
      },
      409,
      "already_exists",
    ],
    [
      "extAdmin renames its project to a name taken in the org → 409 that names neither the organization nor the other project",
      async () => {
        const other = await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name: fx.uniq("taken") });
        const mine = await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name: fx.uniq("mine") });
        fx.expectOk(
          await s.call(fx.main.owner.token, "PUT", `/v1/projects/${mine.json.id}/access/accounts/${fx.accounts.extAdmin!.accountId}`, { role: "admin" }),
          "grant",
        );
        const r = await as("extAdmin", "PATCH", `/v1/projects/${mine.json.id}`, { name: other.json.name });
        expect(r.body).not.toContain(fx.main.slug);
        expect(r.body).not.toContain(other.json.id);
        return r;
      },
      409,
      "already_exists",
    ],
    [
      "bil moves out a project it cannot view that has member grants → 409 that does not name the project",
      async () => {
        const p = await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name: fx.uniq("unseen") });
        fx.expectOk(
          await s.call(fx.main.owner.token, "PUT", `/v1/projects/${p.json.id}/access/members/${fx.main.members.m!.memberId}`, { role: "viewer" }),
          "grant",
        );
        const r = await as("bil", "POST", `/v1/projects/${p.json.id}/transfer`, { target_organization_id: fx.dest.id });
        expect(r.body).not.toContain(p.json.name);
        return r;
      },
      409,
      "project_has_org_scoped_grants",
    ],
    [
      "bil moves a project into an org where a project it cannot view has the name → 409 that names no project",
      async () => {
        const name = fx.uniq("clash");
        const there = await s.call(fx.dest.owner.token, "POST", `/v1/organizations/${fx.dest.id}/projects`, { name });
        const p = await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name });
        const r = await as("bil", "POST", `/v1/projects/${p.json.id}/transfer`, { target_organization_id: fx.dest.id });
        expect(r.body).not.toContain(there.json.id);
        expect(r.body).not.toContain(name);
        return r;
      },
      409,
      "already_exists",
    ],
    // §3.1 "does not reveal that it exists", for deleted objects too: 404 `deleted` only to the
    // accounts that could see the object when it was deleted (its organization's active members),
    // the same `not_found` as for an ID that never existed to everyone else.
    [
      "member when the org was deleted → 404 deleted with deleted_at",
      async () => {
        const r = await (await deletedOrg()).get("m");
        expect(new Date(r.json.deleted_at).getTime()).toBeGreaterThan(0);
        return r;
      },
      404,
      "deleted",
    ],
    ["member when the org was deleted, its members path → 404 deleted", async () => (await deletedOrg()).get("m", "/members"), 404, "deleted"],
    ["the owner who deleted the org → 404 deleted", async () => (await deletedOrg()).get("own"), 404, "deleted"],
    ["never a member, deleted org → 404 not_found (as for an ID that never existed)", async () => (await deletedOrg()).get("out"), 404, "not_found"],
    ["never a member, deleted org's members path → 404 not_found", async () => (await deletedOrg()).get("out", "/members"), 404, "not_found"],
    ["removed before the org was deleted → 404 not_found", async () => (await deletedOrg({ removeFirst: true })).get("m"), 404, "not_found"],
    [
      "member when the org was deleted, with a token restricted to another org → 404 not_found",
      async () => {
        const d = await deletedOrg();
        return s.call(await restrictedToken("m", [fx.dest.id]), "GET", `/v1/organizations/${d.id}`);
      },
      404,
      "not_found",
    ],
    ["member of the project's org when it was deleted → 404 deleted", async () => (await deletedProject()).get("m"), 404, "deleted"],
    ["member when the project was deleted, its grants → 404 deleted", async () => (await deletedProject()).get("m", "/access"), 404, "deleted"],
    ["outsider, deleted project → 404 not_found", async () => (await deletedProject()).get("out"), 404, "not_found"],
    ["outsider, deleted project's grants → 404 not_found", async () => (await deletedProject()).get("out", "/access"), 404, "not_found"],
    ["Ext whose grant was revoked before the project was deleted → 404 not_found", async () => (await deletedProject()).get("ext"), 404, "not_found"],
    // §1 API token, restricted: it sees only its organizations and manages nothing beyond them.
    [
      "restricted token, GET /v1/me → only its organizations' memberships",
      async () => {
        const r = await s.call(await restrictedToken("own", [fx.dest.id]), "GET", "/v1/me");
        expect(r.json.memberships.map((m: { organization_id: string }) => m.organization_id)).toEqual([fx.dest.id]);
        return r;
      },
      200,
    ],
    [
      "restricted token, a project of another org of the account → 404 naming neither that org nor its ID",
      async () => {
        const p = await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name: fx.uniq("elsewhere") });
        const r = await s.call(await restrictedToken("own", [fx.dest.id]), "GET", `/v1/projects/${p.json.id}/access`);
        expect(r.body).not.toContain(fx.main.id);
        expect(r.body).not.toContain(fx.main.slug);
        return r;
      },
      404,
      "not_found",
    ],
    [
      "restricted token revokes the account's unrestricted token → 404, which still works",
      async () => {
        const broad = await s.call(fx.tokenOf("m"), "POST", "/v1/me/tokens", { name: fx.uniq("broad"), expires_at: inADay() });
        const r = await s.call(await restrictedToken("m", [fx.main.id]), "DELETE", `/v1/me/tokens/${broad.json.id}`);
        expect((await s.call(broad.json.token, "GET", "/v1/me")).statusCode).toBe(200);
        return r;
      },
      404,
      "not_found",
    ],
    [
      "restricted token revokes a token restricted to its organizations → 204",
      async () => {
        const mine = await restrictedToken("m", [fx.main.id]);
        const narrow = await s.call(mine, "POST", "/v1/me/tokens", { name: fx.uniq("narrow"), organization_ids: [fx.main.id], expires_at: inADay() });
        return s.call(mine, "DELETE", `/v1/me/tokens/${narrow.json.id}`);
      },
      204,
    ],
    [
      "restricted token lists tokens → only those restricted to its organizations",
      async () => {
        const mine = await restrictedToken("own", [fx.dest.id]);
        const r = await s.call(mine, "GET", "/v1/me/tokens?limit=100");
        expect(r.json.items.length).toBeGreaterThan(0);
        for (const t of r.json.items) expect(t.organization_ids).toEqual([fx.dest.id]);
        return r;
      },
      200,
    ],
    [
      "restricted token creates an organization → 403",
      async () => s.call(await restrictedToken("own", [fx.main.id]), "POST", "/v1/organizations", { slug: fx.uniq("nope"), name: "Nope", region: "eu" }),
      403,
      "forbidden",
    ],
    ["restricted token enrols two-factor → 403", async () => s.call(await restrictedToken("m", [fx.main.id]), "POST", "/v1/me/two-factor"), 403, "forbidden"],
    [
      "restricted token accepts an invitation to another org → 403, still invited",
      async () => {
        const acct = await s.signup(`${fx.uniq("scoped-invitee")}@authz.test`);
        await fx.enrol(fx.dest, acct);
        const t = await s.call(acct.token, "POST", "/v1/me/tokens", { name: "scoped", organization_ids: [fx.dest.id], expires_at: inADay() });
        await fx.invite(fx.inviter, acct.email);
        const invitations = await s.call(t.json.token, "GET", "/v1/me/invitations");
        expect(invitations.json.items, "a restricted token lists no other org's invitation").toEqual([]);
        const r = await s.call(t.json.token, "POST", "/v1/invitations/accept", { token: await s.invitationToken(acct.email) });
        expect((await s.call(acct.token, "GET", "/v1/me/invitations")).json.items).toHaveLength(1);
        return r;
      },
      403,
      "forbidden",
    ],
    // The operator's outbox and a restricted token: the token reads only its organizations' mail.
    [
      "operator's token restricted to its organization reads the outbox → that organization's invitations only",
      async () => {
        const own = await s.call(s.operatorToken, "POST", "/v1/organizations", { slug: fx.uniq("op-org"), name: "Operator's", region: "eu" });
        fx.expectOk(own, "operator's org", 201);
        const mine = `${fx.uniq("op-invitee")}@authz.test`;
        const theirs = `${fx.uniq("main-invitee")}@authz.test`;
        fx.expectOk(await s.call(s.operatorToken, "POST", `/v1/organizations/${own.json.id}/members`, { email: mine }), "operator invites", 201);
        await fx.invite(fx.main, theirs);
        const t = await s.call(s.operatorToken, "POST", "/v1/me/tokens", { name: fx.uniq("op-scoped"), organization_ids: [own.json.id], expires_at: inADay() });
        fx.expectOk(t, "operator's restricted token", 201);
        const seen = async (token: string, to: string) => (await s.call(token, "GET", `/v1/outbox?to=${encodeURIComponent(to)}`)).json.items.length;
        expect(await seen(t.json.token, theirs), "another organization's invitation").toBe(0);
        expect(await seen(s.operatorToken, theirs), "the unrestricted operator token reads it").toBe(1);
        const r = await s.call(t.json.token, "GET", "/v1/outbox?limit=100");
        expect(r.json.items.map((m: { to: string }) => m.to)).toEqual([mine]);
        return r;
      },
      200,
    ],
    [
      "operator's restricted token reads the outbox → no sign-in link (it would sign in as anyone)",
      async () => {
        const own = await s.call(s.operatorToken, "POST", "/v1/organizations", { slug: fx.uniq("op-org"), name: "Operator's", region: "eu" });
        const t = await s.call(s.operatorToken, "POST", "/v1/me/tokens", { name: fx.uniq("op-scoped"), organization_ids: [own.json.id], expires_at: inADay() });
        const email = fx.accounts.m!.email;
        expect((await s.call(null, "POST", "/v1/sessions/sign-in-link", { email })).statusCode).toBe(202);
        expect((await s.call(s.operatorToken, "GET", `/v1/outbox?to=${encodeURIComponent(email)}`)).json.items.length).toBeGreaterThan(0);
        const r = await s.call(t.json.token, "GET", `/v1/outbox?to=${encodeURIComponent(email)}`);
        expect(r.json.items).toEqual([]);
        return r;
      },
      200,
    ],
    // Note 8: an outside account with an admin grant sees the project it was granted, nothing else of the org.
    [
      "extAdmin lists the org's projects → only those granted to it",
      async () => {
        await s.call(fx.main.owner.token, "POST", inMain("/projects"), { name: fx.uniq("hidden") });
        const granted = await s.db.query<{ project_id: string }>(
          "SELECT g.project_id FROM project_access g JOIN projects p ON p.id = g.project_id WHERE p.organization_id = $1 AND g.principal_type = 'accounts' AND g.principal_id = $2",
          [fx.main.id, fx.accounts.extAdmin!.accountId],
        );
        let r: Res | undefined;
        const seen: string[] = [];
        for (let cursor = ""; ;) {
          r = await as("extAdmin", "GET", inMain(`/projects?limit=100${cursor}`));
          seen.push(...(r.json?.items ?? []).map((p: { id: string }) => p.id));
          if (!r.json?.next_cursor) break;
          cursor = `&cursor=${r.json.next_cursor}`;
        }
        expect(granted.length).toBeGreaterThan(0);
        expect(seen.sort()).toEqual(granted.map((g) => g.project_id).sort());
        return r;
      },
      200,
    ],
  ];

  describe("notes of §4 and rules of §3.1", () => {
    it.each(NOTES.map(([title, run, status, code]) => ({ title, run, status, code })))("$title", async ({ run, status, code }) => {
      const r = await run();
      expect({ status: r.statusCode, ...(code ? { code: r.json?.code } : {}) }, r.body.slice(0, 300)).toEqual({ status, ...(code ? { code } : {}) });
      if (status === 401) expect(r.headers["www-authenticate"], "401 carries WWW-Authenticate").toMatch(/^Bearer/);
    });
  });
});
