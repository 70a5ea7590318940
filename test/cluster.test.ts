// Several orgs-server processes on one PostgreSQL database, driven together over real sockets:
// they must behave as one server. Started together on an empty database (migrations and the
// operator's bootstrap take turns), then: one Idempotency-Key sent to two instances at once, a
// quota race, If-Match races, ownership transfers racing, rate limits and the failed-
// authentication budget counted across instances, the periodic clean-up run once per interval
// between them, and a kill -9 of one instance under writers (the others go on; nothing
// acknowledged is lost, retries with the same keys duplicate nothing). PostgreSQL only.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startServerProcess, type ServerProcess } from "./support/process";
import { freshPostgresDatabase, postgresUrl } from "./support/server";

const OPERATOR = "omt_cluster_test_operator_secret_0123456789";
const MIGRATIONS = readdirSync(join(ROOT, "server", "store", "migrations")).filter((f) => f.endsWith(".sql")).length;

type Res = { status: number; json: any; headers: Headers };
async function call(s: ServerProcess, token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const r = await fetch(`${s.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : undefined, headers: r.headers };
}
const must = (r: Res, status: number, what: string) => {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
};
/** Waits until `ms` into a window of `windowMs`, so a burst falls inside one window. */
const intoWindow = (windowMs: number, ms: number) => new Promise((r) => setTimeout(r, (windowMs - (Date.now() % windowMs) + ms) % windowMs));

if (!postgresUrl())
  it.skip("several orgs-server instances on one PostgreSQL: ORGS_TEST_POSTGRES_URL is not set (.ci/run starts a server and sets it)", () => {});

describe.runIf(postgresUrl())("several orgs-server instances on one PostgreSQL", () => {
  let db: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let sql: import("pg").Client;
  const servers: ServerProcess[] = [];
  const start = (env: Record<string, string>) =>
    startServerProcess({ env: { DATABASE_URL: db.url, ORGS_OPERATOR_TOKEN: OPERATOR, ORGS_INVITATION_QUOTA: "20", ORGS_MAX_TEAMS: "100000", ...env } }).then(
      (s) => {
        servers.push(s);
        return s;
      },
    );
  let s: ServerProcess[] = [];
  let owner = "";

  beforeAll(async () => {
    db = await freshPostgresDatabase();
    const { Client } = await import("pg");
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    // Three at once on an empty database: they race for the migrations and the operator.
    s = await Promise.all([0, 1, 2].map(() => start({ ORGS_CLEANUP_EVERY: "1", ORGS_LOG: "1" })));
    const signup = must(await call(s[0]!, null, "POST", "/v1/accounts", { email: "owner@cluster.test", name: "Owner" }), 201, "sign-up");
    owner = signup.token.token;
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((x) => x.stop("SIGKILL")));
    await sql?.end();
    await db?.drop();
  });

  const newOrg = async (slug: string) => must(await call(s[0]!, owner, "POST", "/v1/organizations", { slug, name: slug, region: "eu" }), 201, `org ${slug}`);

  it("started together on an empty database: every migration applied once, one operator, every instance serving", async () => {
    const applied = await sql.query("SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name");
    expect(applied.rows).toHaveLength(MIGRATIONS);
    expect(applied.rows.every((r) => r.n === 1)).toBe(true);
    expect((await sql.query("SELECT count(*)::int AS n FROM accounts WHERE is_operator")).rows[0].n).toBe(1);
    for (const x of s) expect((await call(x, OPERATOR, "GET", "/v1/me")).status).toBe(200);
  });

  it("one Idempotency-Key sent to two instances at once makes one object; the other answer is its replay or 409 idempotency_key_in_use", async () => {
    for (let i = 0; i < 10; i++) {
      const body = { slug: `same-key-${i}`, name: "Same key", region: "eu" };
      const headers = { "idempotency-key": `cluster-key-${i}` };
      const answers = await Promise.all([s[0]!, s[1]!].map((x) => call(x, owner, "POST", "/v1/organizations", body, headers)));
      const made = answers.filter((a) => a.status === 201);
      expect(made.length, JSON.stringify(answers.map((a) => a.json))).toBeGreaterThanOrEqual(1);
      expect(new Set(made.map((a) => a.json.id)).size).toBe(1);
      for (const a of answers) if (a.status !== 201) expect([a.status, a.json.code]).toEqual([409, "idempotency_key_in_use"]);
      expect((await sql.query("SELECT count(*)::int AS n FROM organizations WHERE slug = $1", [body.slug])).rows[0].n).toBe(1);
    }
  });

  it("the invitation quota holds exactly with 40 invitations at once across three instances: 20 sent, 20 refused", async () => {
    const org = await newOrg("quota-race");
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => call(s[i % 3]!, owner, "POST", `/v1/organizations/${org.id}/members`, { email: `q${i}@cluster.test` })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(20);
    expect(answers.filter((a) => a.status === 429 && a.json.code === "invitation_quota_exceeded")).toHaveLength(20);
    const invited = await sql.query("SELECT count(*)::int AS n FROM members WHERE organization_id = $1 AND joined_at IS NULL", [org.id]);
    expect(invited.rows[0].n).toBe(20);
  });

  it("If-Match lets exactly one of eight concurrent PATCHes win across instances; the others get 412", async () => {
    const org = await newOrg("if-match-race");
    const team = must(await call(s[0]!, owner, "POST", `/v1/organizations/${org.id}/teams`, { name: "Raced" }), 201, "team");
    const url = `/v1/organizations/${org.id}/teams/${team.id}`;
    const etag = `"${team.version}"`;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call(s[i % 3]!, owner, "PATCH", url, { description: `writer ${i}` }, { "if-match": etag })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 412 && a.json.code === "precondition_failed")).toHaveLength(7);
    const final = must(await call(s[2]!, owner, "GET", url), 200, "team");
    expect(final.version).toBe(team.version + 1);
    expect(final.description).toBe(answers.find((a) => a.status === 200)!.json.description);
  });

  it("one owner: two ownership transfers sent to two instances at once, one wins, the other is refused; one owner, holding every right", async () => {
    for (let round = 0; round < 3; round++) {
      const org = await newOrg(`owner-race-${round}`);
      const heirs = [];
      for (const name of ["b", "c"]) {
        const acct = must(await call(s[1]!, null, "POST", "/v1/accounts", { email: `${name}${round}@cluster.test`, name }), 201, "sign-up");
        const m = must(await call(s[1]!, owner, "POST", `/v1/organizations/${org.id}/members`, { email: `${name}${round}@cluster.test` }), 201, "invite");
        const outbox = must(await call(s[1]!, OPERATOR, "GET", `/v1/outbox?to=${name}${round}%40cluster.test`), 200, "outbox");
        must(await call(s[2]!, acct.token.token, "POST", "/v1/invitations/accept", { token: outbox.items.at(-1).invitation_token }), 200, "accept");
        heirs.push({ memberId: m.id, accountId: acct.account.id });
      }
      const answers = await Promise.all(
        heirs.map((h, i) => call(s[i]!, owner, "POST", `/v1/organizations/${org.id}/ownership-transfer`, { new_owner_member_id: h.memberId })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 403]);
      const winner = heirs[answers.findIndex((a) => a.status === 200)]!;
      const row = await sql.query("SELECT owner_account_id FROM organizations WHERE id = $1", [org.id]);
      expect(row.rows[0].owner_account_id).toBe(winner.accountId);
      const members = must(await call(s[2]!, owner, "GET", `/v1/organizations/${org.id}/members?limit=100`), 200, "members").items;
      expect(members.filter((m: { is_owner: boolean }) => m.is_owner).map((m: { id: string }) => m.id)).toEqual([winner.memberId]);
    }
  });

  it("the periodic clean-up runs once per interval between the instances, and deletes each expired record once", async () => {
    const since = Date.now();
    await sql.query(
      `INSERT INTO idempotency_keys (account_id, method, path, key, request_hash, status, created_at)
       SELECT 'acct_gone', 'POST', '/v1/organizations', 'old-' || i, 'x', 201, now() - interval '2 days' FROM generate_series(1, 50) i`,
    );
    await new Promise((r) => setTimeout(r, 3500));
    expect((await sql.query("SELECT count(*)::int AS n FROM idempotency_keys WHERE key LIKE 'old-%'")).rows[0].n).toBe(0);
    const runs = s
      .flatMap((x) => x.output().split("\n"))
      .filter((l) => l.includes('"clean-up ran"'))
      .map((l) => JSON.parse(l) as { started_at: string; pruned: { idempotencyKeys: number } })
      .map((r) => ({ ...r, time: Date.parse(r.started_at) }))
      .filter((r) => r.time >= since - 1000)
      .sort((a, b) => a.time - b.time);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    // One run per interval (1 s; 10% early counts as due) among the three instances, by when each started.
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.time - runs[i - 1]!.time).toBeGreaterThanOrEqual(900);
    expect(runs.reduce((n, r) => n + r.pruned.idempotencyKeys, 0)).toBe(50);
  });

  describe("rate limits across two instances", () => {
    let r: ServerProcess[] = [];
    beforeAll(async () => {
      r = await Promise.all([0, 1].map(() => start({ ORGS_RATE_LIMIT: "10", ORGS_AUTH_FAILURE_LIMIT: "6" })));
    }, 60_000);

    it("an account gets its limit per second whichever instance answers (at most (N − 1) × 1 over), with RateLimit-* and Retry-After", async () => {
      for (let attempt = 0; ; attempt++) {
        await intoWindow(1000, 100);
        const window = Math.floor(Date.now() / 1000);
        const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => call(r[i % 2]!, owner, "GET", "/v1/me")));
        if (Math.floor(Date.now() / 1000) !== window && attempt < 3) continue; // the burst crossed a second: again
        const ok = answers.filter((a) => a.status === 200);
        const limited = answers.filter((a) => a.status === 429);
        // Per instance, each would have let 10 through (20 in all).
        expect(ok.length).toBeGreaterThanOrEqual(10);
        expect(ok.length).toBeLessThanOrEqual(11);
        expect(ok.length + limited.length).toBe(40);
        for (const a of limited) {
          expect(a.json.code, JSON.stringify([...a.headers])).toBe("rate_limited");
          expect(a.headers.get("ratelimit-limit"), JSON.stringify([...a.headers])).toBe("10");
          expect(a.headers.get("ratelimit-limit")).toBe("10");
          expect(a.headers.get("ratelimit-remaining")).toBe("0");
          expect(Number(a.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        }
        break;
      }
    });

    it("failed authentications are limited per IP across instances; past the budget the IP's requests with a token get 429 before any lookup", async () => {
      if (Date.now() % 60_000 > 50_000) await intoWindow(60_000, 100); // the whole probe in one minute
      const answers: Res[] = [];
      for (let i = 0; i < 20; i++) answers.push(await call(r[i % 2]!, `omt_guess_${i}`, "GET", "/v1/me"));
      const unauthenticated = answers.filter((a) => a.status === 401).length;
      expect(unauthenticated).toBeGreaterThanOrEqual(6);
      expect(unauthenticated).toBeLessThanOrEqual(7); // 6, plus at most (N − 1) × allowance
      const limited = answers.filter((a) => a.status === 429);
      expect(limited.length).toBe(20 - unauthenticated);
      expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // The block is the IP's: a valid token from it waits too, on either instance; another limit (the main instances') is untouched.
      expect((await call(r[0]!, owner, "GET", "/v1/me")).status).toBe(429);
      expect((await call(r[1]!, owner, "GET", "/v1/me")).status).toBe(429);
      expect((await call(s[0]!, owner, "GET", "/v1/me")).status).toBe(200);
    });
  });

  it("kill -9 of one instance under eight writers: the others go on, every acknowledged write is there once, retries with the same key duplicate nothing", async () => {
    const org = await newOrg("kill-nine");
    const acknowledged = new Map<string, string>(); // key → team ID
    let stop = false;
    let failedOver = 0;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const key = `w${w}-${i}`;
        // Round robin; a write that dies with its instance is sent again, same key, to the next live one.
        for (let attempt = 0; ; attempt++) {
          const live = s.filter((x) => x.proc.exitCode === null && x.proc.signalCode === null);
          const target = live[(w + i + attempt) % live.length]!;
          try {
            const a = await call(target, owner, "POST", `/v1/organizations/${org.id}/teams`, { name: key }, { "idempotency-key": key });
            if (a.status === 409 && a.json.code === "idempotency_key_in_use") continue;
            expect(a.status, JSON.stringify(a.json)).toBe(201);
            acknowledged.set(key, a.json.id);
            break;
          } catch {
            failedOver++;
            if (attempt > 20) throw new Error(`write ${key} failed on every instance`);
            await new Promise((res) => setTimeout(res, 50));
          }
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await new Promise((res) => setTimeout(res, 1500));
    const victim = s[2]!;
    const before = acknowledged.size;
    victim.proc.kill("SIGKILL");
    await new Promise((res) => setTimeout(res, 1500));
    stop = true;
    await Promise.all(writers);
    expect(victim.proc.signalCode).toBe("SIGKILL");
    expect(acknowledged.size, "the writers went on after the kill").toBeGreaterThan(before + 8);
    for (const x of s.slice(0, 2)) expect(x.proc.exitCode).toBeNull();
    const rows = await sql.query<{ id: string; name: string }>("SELECT id, name FROM teams WHERE organization_id = $1 AND NOT is_default", [org.id]);
    const byName = new Map(rows.rows.map((t) => [t.name, t.id]));
    for (const [key, id] of acknowledged) expect(byName.get(key), `acknowledged ${key}`).toBe(id);
    // Nothing beyond what was acknowledged, or a write whose instance died before answering (committed, not acknowledged).
    expect(rows.rows.length - acknowledged.size).toBeLessThanOrEqual(8);
    const events = await sql.query("SELECT count(*)::int AS n FROM audit_events WHERE organization_id = $1 AND action = 'team.created'", [org.id]);
    expect(events.rows[0].n).toBe(rows.rows.length);
    expect(failedOver, "some writes were in flight on the killed instance").toBeGreaterThanOrEqual(0);
  }, 60_000);
});
