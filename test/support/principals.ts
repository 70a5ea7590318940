// One principal per column of the authorization matrix (org-api.md §4), built through the real
// API: sign up, invite (POST …/members), read the mailed token from the operator's outbox, accept.
//
// Worlds (organizations) the matrix runs in:
// - main: owned by `own`; members adm (ADMIN role), mem/bil/pln/pc (one direct permission each),
//   pa and m (DEFAULT role; pa gets an admin grant on each target project), tm (DEFAULT role,
//   maintainer of the team `maintained`). ext, extAdmin and out are not members: ext holds a viewer
//   grant and extAdmin an admin grant (org-api.md §4 note 8) on each target project.
// - tfa: requires 2FA; owned by an account with 2FA; no2fa holds ADMIN there and has no 2FA.
// - dest: another org where every account column holds billing + projects:create, so a project
//   transfer is decided by the side under test only. It is the "other org" `out` belongs to.
// - inviter: an org that invites each principal once (accepting one's own invitation).
// Fresh worlds (freshWorld) are for cells whose success changes the org itself or the principal's
// membership: deleting the org, transferring ownership, leaving.
import { totp } from "../../server/domain/totp";
import type { TestServer } from "./server";

/** The matrix columns: §4's nine, split where §4 depends on a relation, plus the callers §3.1 names. */
export const COLUMNS = [
  "own",
  "adm",
  "mem",
  "bil",
  "pln",
  "pc",
  "pcCreator",
  "pa",
  "m",
  "mGranted",
  "tm",
  "ext",
  "extAdmin",
  "out",
  "op",
  "anon",
  "badToken",
  "no2fa",
] as const;
export type Col = (typeof COLUMNS)[number];

export interface Acct {
  token: string;
  accountId: string;
  email: string;
}
export interface Member extends Acct {
  memberId: string;
}

export interface World {
  id: string;
  slug: string;
  owner: Acct;
  ownerMemberId: string;
  roles: { DEFAULT: string; ADMIN: string; custom: string };
  teams: { default: string; maintained: string };
  members: Partial<Record<Col, Member>>;
}

/** Account columns: the account that acts for the column (variants share their base account). */
const ACCOUNT_OF: Partial<Record<Col, Col>> = { pcCreator: "pc", mGranted: "m" };
/** What each member column holds when it joins an org (body of the invitation). */
function joinBody(col: Col, w: World): Record<string, unknown> {
  switch (col) {
    case "adm":
    case "no2fa":
      return { role_ids: [w.roles.ADMIN] };
    case "mem":
      return { permissions: ["members"] };
    case "bil":
      return { permissions: ["billing"] };
    case "pln":
      return { permissions: ["plans"] };
    case "pc":
      return { permissions: ["projects:create"] };
    case "tm":
      return { team_ids: [w.teams.default, w.teams.maintained] };
    default:
      return {};
  }
}
export const MAIN_MEMBERS: Col[] = ["adm", "mem", "bil", "pln", "pc", "pa", "m", "tm"];

export interface Fixture {
  s: TestServer;
  accounts: Record<string, Acct>;
  main: World;
  tfa: World;
  dest: World;
  inviter: World;
  /** The bearer token a column sends (null: none; a garbage string for badToken). */
  tokenOf(col: Col): string | null;
  /** The account behind a column (undefined for anon and badToken). */
  accountOf(col: Col): Acct | undefined;
  /** The world a column's cells run in: tfa for no2fa, main otherwise. */
  worldOf(col: Col): World;
  /** A new org with only what the column needs: its membership (and a grant for ext, extAdmin), plus an active heir. */
  freshWorld(col: Col): Promise<World & { heir: Member }>;
  uniq(prefix: string): string;
  expectOk(r: { statusCode: number; body: string }, what: string, status?: number): void;
  invite(w: World, email: string, body?: Record<string, unknown>, by?: string): Promise<string>;
  enrol(w: World, acct: Acct, body?: Record<string, unknown>): Promise<Member>;
  enableTwoFactor(acct: Acct): Promise<void>;
}

export async function buildPrincipals(s: TestServer): Promise<Fixture> {
  let n = 0;
  const uniq = (prefix: string) => `${prefix}-${(++n).toString(36)}`;
  const expectOk = (r: { statusCode: number; body: string }, what: string, status?: number) => {
    if (status ? r.statusCode !== status : r.statusCode >= 300) throw new Error(`fixture: ${what}: ${r.statusCode} ${r.body}`);
  };

  const invite = async (w: World, email: string, body: Record<string, unknown> = {}, by = w.owner.token) => {
    const r = await s.call(by, "POST", `/v1/organizations/${w.id}/members`, { email, ...body });
    expectOk(r, `invite ${email} to ${w.slug}`, 201);
    return r.json.id as string;
  };
  const enrol = async (w: World, acct: Acct, body: Record<string, unknown> = {}): Promise<Member> => {
    const memberId = await invite(w, acct.email, body);
    const r = await s.call(acct.token, "POST", "/v1/invitations/accept", { token: await s.invitationToken(acct.email) });
    expectOk(r, `accept ${acct.email} into ${w.slug}`, 200);
    return { ...acct, memberId };
  };
  const enableTwoFactor = async (acct: Acct) => {
    const e = await s.call(acct.token, "POST", "/v1/me/two-factor");
    expectOk(e, `2FA enrol ${acct.email}`, 201);
    expectOk(await s.call(acct.token, "POST", "/v1/me/two-factor/confirm", { code: totp(e.json.secret, s.clock.current()) }), `2FA confirm ${acct.email}`, 200);
  };

  /** An org with its built-ins, a custom role without permissions and a second team. */
  const world = async (owner: Acct, slug: string): Promise<World> => {
    const o = await s.call(owner.token, "POST", "/v1/organizations", { slug, name: slug, region: "eu" });
    expectOk(o, `create org ${slug}`, 201);
    const org = o.json;
    const role = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/roles`, { name: "Custom", permissions: [] });
    expectOk(role, `role in ${slug}`, 201);
    const team = await s.call(owner.token, "POST", `/v1/organizations/${org.id}/teams`, { name: "Maintained" });
    expectOk(team, `team in ${slug}`, 201);
    return {
      id: org.id,
      slug,
      owner,
      ownerMemberId: org.owner_member_id,
      roles: { DEFAULT: org.default_role_id, ADMIN: org.admin_role_id, custom: role.json.id },
      teams: { default: org.default_team_id, maintained: team.json.id },
      members: {},
    };
  };
  const join = async (w: World, col: Col, acct: Acct) => {
    w.members[col] = await enrol(w, acct, joinBody(col, w));
    if (col === "tm") {
      const r = await s.call(w.owner.token, "PUT", `/v1/organizations/${w.id}/teams/${w.teams.maintained}/members/${w.members.tm!.memberId}`, {
        role: "maintainer",
      });
      expectOk(r, "tm becomes maintainer");
    }
  };

  const names = ["own", "adm", "mem", "bil", "pln", "pc", "pa", "m", "tm", "ext", "extAdmin", "out", "no2fa", "tfaOwner", "destOwner", "inviterOwner", "heir"];
  const accounts: Record<string, Acct> = {};
  for (const a of names) accounts[a] = await s.signup(`${a}@authz.test`);
  const me = await s.call(s.operatorToken, "GET", "/v1/me");
  accounts.op = { token: s.operatorToken, accountId: me.json.id, email: me.json.email };

  const main = await world(accounts.own!, "authz-main");
  for (const col of MAIN_MEMBERS) await join(main, col, accounts[col]!);

  await enableTwoFactor(accounts.tfaOwner!);
  const tfa = await world(accounts.tfaOwner!, "authz-tfa");
  // The requirement is switched on after no2fa joined: invitees without 2FA cannot accept.
  await join(tfa, "no2fa", accounts.no2fa!);
  expectOk(await s.call(tfa.owner.token, "PATCH", `/v1/organizations/${tfa.id}`, { require_two_factor: true }), "require 2FA");

  const dest = await world(accounts.destOwner!, "authz-dest");
  for (const a of ["own", "adm", "mem", "bil", "pln", "pc", "pa", "m", "tm", "ext", "extAdmin", "out", "no2fa"]) {
    dest.members[a as Col] = await enrol(dest, accounts[a]!, { permissions: ["billing", "projects:create"] });
  }
  const inviter = await world(accounts.inviterOwner!, "authz-inviter");

  const accountOf = (col: Col): Acct | undefined => (col === "anon" || col === "badToken" ? undefined : accounts[ACCOUNT_OF[col] ?? col]);
  const worldOf = (col: Col) => (col === "no2fa" ? tfa : main);

  return {
    s,
    accounts,
    main,
    tfa,
    dest,
    inviter,
    uniq,
    expectOk,
    invite,
    enrol,
    enableTwoFactor,
    accountOf,
    worldOf,
    tokenOf(col) {
      if (col === "anon") return null;
      if (col === "badToken") return "omt_this_token_was_never_issued";
      return accountOf(col)!.token;
    },
    async freshWorld(col) {
      const owner = col === "no2fa" ? accounts.tfaOwner! : accounts.own!;
      const w = await world(owner, uniq("authz-fresh"));
      const base = (ACCOUNT_OF[col] ?? col) as Col;
      if (base !== "own" && accountOf(base) && (MAIN_MEMBERS.includes(base) || base === "no2fa")) await join(w, base, accountOf(base)!);
      if (col === "ext" || col === "extAdmin") {
        const p = await s.call(owner.token, "POST", `/v1/organizations/${w.id}/projects`, { name: "granted" });
        expectOk(p, `${col} project`, 201);
        const grant = { role: col === "ext" ? "viewer" : "admin" };
        expectOk(await s.call(owner.token, "PUT", `/v1/projects/${p.json.id}/access/accounts/${accounts[col]!.accountId}`, grant), `${col} grant`);
      }
      const heirAcct = await s.signup(`${uniq("heir")}@authz.test`);
      const heir = await enrol(w, heirAcct);
      if (col === "no2fa") expectOk(await s.call(owner.token, "PATCH", `/v1/organizations/${w.id}`, { require_two_factor: true }), "require 2FA");
      return { ...w, heir };
    },
  };
}
