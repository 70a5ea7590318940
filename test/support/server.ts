// A fresh org server for a test file: PGlite in memory by default, or a new database on the
// PostgreSQL server at ORGS_TEST_POSTGRES_URL when `postgres: true`. Requests go through
// app.inject(); tests that need a socket call listen().
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { randomBytes } from "node:crypto";
import { buildApp } from "../../server/app";
import { ensureOperator } from "../../server/bootstrap";
import type { ServerConfig } from "../../server/context";
import { openPglite, openPostgres, type Db } from "../../server/store/db";

export interface TestServer {
  app: FastifyInstance;
  db: Db;
  operatorToken: string;
  /** The server's clock: `now` is where it was last set, `current()` the time the server sees now. */
  clock: { now: Date; advance(ms: number): void; current(): Date };
  /** A request as `token`; the JSON body is parsed into `json`. */
  call(token: string | null, method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse & { json: any }>;
  /** Signs up a new account; returns its token and account ID. */
  signup(email: string, name?: string): Promise<{ token: string; accountId: string; email: string }>;
  /** Signs up an owner and creates an org; returns both. */
  orgWithOwner(slug: string, extra?: Record<string, unknown>): Promise<{ owner: { token: string; accountId: string; email: string }; org: any }>;
  /** The invitation token last mailed to `email` (read from the outbox as the operator). */
  invitationToken(email: string): Promise<string>;
  /** Invites `email` as `inviterToken` (body: role_ids, team_ids, permissions, note); returns the member. */
  invite(inviterToken: string, org: string, email: string, body?: Record<string, unknown>): Promise<any>;
  /** Signs `email` up (unless an account is given), invites and accepts: an active member. */
  join(
    inviterToken: string,
    org: string,
    email: string,
    body?: Record<string, unknown>,
    account?: { token: string; accountId: string; email: string },
  ): Promise<{ token: string; accountId: string; email: string; memberId: string; member: any }>;
  close(): Promise<void>;
}

export const postgresUrl = () => process.env.ORGS_TEST_POSTGRES_URL;

/** Creates an empty database on a PostgreSQL server (the test one by default) and returns its URL. */
export async function freshPostgresDatabase(base = postgresUrl()): Promise<{ url: string; drop(): Promise<void> }> {
  if (!base) throw new Error("ORGS_TEST_POSTGRES_URL is not set");
  const { Client } = await import("pg");
  const name = `orgs_t_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function startTestServer(
  opts: { postgres?: boolean; config?: Partial<ServerConfig>; dataDir?: string; maintenanceEveryMs?: number } = {},
): Promise<TestServer> {
  let drop = async () => {};
  let db: Db;
  if (opts.postgres) {
    const fresh = await freshPostgresDatabase();
    db = await openPostgres(fresh.url);
    drop = fresh.drop;
  } else {
    db = await openPglite(opts.dataDir);
  }
  // The clock moves with real time; tests move it further with advance().
  const started = Date.now();
  const clock = {
    now: new Date(),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
    current: () => new Date(clock.now.getTime() + (Date.now() - started)),
  };
  const now = () => clock.current();
  const app = await buildApp({
    db,
    now,
    config: { rateLimit: 0, authFailureLimit: 0, invitationQuota: 10_000, ...opts.config },
    maintenanceEveryMs: opts.maintenanceEveryMs ?? 0,
  });
  const op = await ensureOperator(db, { email: "operator@orgs.test" });

  const call: TestServer["call"] = async (token, method, url, body, headers = {}) => {
    const res = await app.inject({
      method: method as "GET",
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      payload: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    let json: unknown;
    try {
      json = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      json = undefined;
    }
    return Object.assign(res, { json });
  };

  const signup: TestServer["signup"] = async (email, name = email.split("@")[0]!) => {
    const r = await call(null, "POST", "/v1/accounts", { email, name });
    if (r.statusCode !== 201) throw new Error(`signup ${email}: ${r.statusCode} ${r.body}`);
    return { token: r.json.token.token, accountId: r.json.account.id, email };
  };

  const invitationToken: TestServer["invitationToken"] = async (email) => {
    const r = await call(op.token!, "GET", `/v1/outbox?to=${encodeURIComponent(email)}&limit=100`);
    const last = r.json?.items?.at(-1);
    if (!last?.invitation_token) throw new Error(`no invitation mailed to ${email}: ${r.statusCode} ${r.body}`);
    return last.invitation_token;
  };
  const invite: TestServer["invite"] = async (inviterToken, org, email, body = {}) => {
    const r = await call(inviterToken, "POST", `/v1/organizations/${org}/members`, { email, ...body });
    if (r.statusCode !== 201) throw new Error(`invite ${email}: ${r.statusCode} ${r.body}`);
    return r.json;
  };

  return {
    app,
    db,
    clock,
    call,
    signup,
    invitationToken,
    invite,
    async join(inviterToken, org, email, body = {}, account) {
      const who = account ?? (await signup(email));
      const invited = await invite(inviterToken, org, email, body);
      const r = await call(who.token, "POST", "/v1/invitations/accept", { token: await invitationToken(email) });
      if (r.statusCode !== 200) throw new Error(`accept ${email}: ${r.statusCode} ${r.body}`);
      return { ...who, memberId: invited.id, member: r.json };
    },
    operatorToken: op.token!,
    async orgWithOwner(slug, extra = {}) {
      const owner = await signup(`owner@${slug}.test`);
      const r = await call(owner.token, "POST", "/v1/organizations", { slug, name: slug, region: "eu", ...extra });
      if (r.statusCode !== 201) throw new Error(`create org ${slug}: ${r.statusCode} ${r.body}`);
      return { owner, org: r.json };
    },
    async close() {
      await app.close();
      await db.close();
      await drop();
    },
  };
}
