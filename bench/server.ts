// Server benchmark: invitations (POST …/members) and member updates (PATCH with If-Match) per
// second, with p50/p99 latency, at 1, 8 and 32 concurrent clients, on the embedded PGlite and on
// PostgreSQL, through a real socket (undici) to the orgs-server binary in its own process.
// Two floors give the figures a ratio: GET /v1/me at the same concurrency (the HTTP, auth and
// routing cost, no write), and the same rows written by raw SQL in one statement per operation
// (one round trip, one commit), in-process (the database's cost, without HTTP, validation or
// authorization). It also counts the statements the server makes per operation.
//
//   npm run bench:server
//
// PostgreSQL: ORGS_BENCH_POSTGRES_URL (a server the bench may create a database on), else one is
// started with scripts/postgres.sh (durable: its default) and stopped afterwards; BENCH_ENGINES=pglite
// skips it. The durability settings of the one measured are printed beside the figures.
// BENCH_SECONDS sets each cell's measuring time (default 3). Rate limiting is off in the server.
// BENCH_ENGINES=cluster (alone or with the others) runs 1, 2 and 3 instances on one PostgreSQL
// database at 32 clients, with PostgreSQL's CPU per operation (benchCluster).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { buildApp } from "../server/app";
import { newId } from "../server/domain/ids";
import { openPglite, openPostgres, type Db, type Queryable } from "../server/store/db";
import { ROOT, privateTmpdir, startServerProcess } from "../test/support/process";
import { freshPostgresDatabase } from "../test/support/server";
import { postgresDurability } from "./durability";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CLIENTS = [1, 8, 32];

interface Cell {
  engine: string;
  op: string;
  clients: number;
  ops: number;
  errors: number;
  perSec: number;
  p50: number;
  p99: number;
}
const cells: Cell[] = [];

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

/** Runs `clients` loops of `one(worker)` for SECONDS; records throughput and latency. */
async function measure(engine: string, op: string, clients: number, one: (worker: number) => Promise<boolean>): Promise<Cell> {
  const lat: number[] = [];
  let errors = 0;
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, w) => {
      while (performance.now() < until) {
        const t = performance.now();
        if (await one(w)) lat.push(performance.now() - t);
        else errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  lat.sort((a, b) => a - b);
  const cell = { engine, op, clients, ops: lat.length, errors, perSec: lat.length / elapsed, p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
  cells.push(cell);
  process.stderr.write(
    `  ${engine} ${op} x${clients}: ${cell.perSec.toFixed(0)}/s p50 ${cell.p50.toFixed(1)} ms p99 ${cell.p99.toFixed(1)} ms${errors ? ` (${errors} errors)` : ""}\n`,
  );
  return cell;
}

let seq = 0;
const uniq = () => `${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(2).toString("hex")}`;

/** One JSON request through `pool`: its status, ETag and parsed body (shared by the one-server and cluster cells). */
function callerOf(pool: Pool) {
  return async (method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await pool.request({
      method: method as "GET",
      path,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.body.text();
    return { status: r.statusCode, etag: r.headers.etag as string | undefined, json: text ? JSON.parse(text) : undefined };
  };
}

async function benchServer(engine: string, env: Record<string, string>): Promise<{ orgId: string; ownerAccountId: string }> {
  const server = await startServerProcess({ env: { ORGS_INVITATION_QUOTA: "100000000", ...env } });
  const pool = new Pool(server.url, { connections: Math.max(...CLIENTS), pipelining: 1 });
  const call = callerOf(pool);
  try {
    const signup = await call("POST", "/v1/accounts", null, { email: `bench-${uniq()}@bench.test`, name: "Bench" });
    const token: string = signup.json.token.token;
    const org = (await call("POST", "/v1/organizations", token, { slug: `bench-${uniq()}`, name: "Bench", region: "eu" })).json;
    const members = `/v1/organizations/${org.id}/members`;
    // Targets for the updates: one member per client, so If-Match never collides between clients.
    const targets: Array<{ url: string; etag: string; on: boolean }> = [];
    for (let i = 0; i < Math.max(...CLIENTS); i++) {
      const m = await call("POST", members, token, { email: `target-${i}-${uniq()}@bench.test` });
      targets.push({ url: `${members}/${m.json.id}`, etag: m.etag!, on: false });
    }
    const me = async () => (await call("GET", "/v1/me", token)).status === 200;
    const invite = async () => (await call("POST", members, token, { email: `inv-${uniq()}@bench.test` })).status === 201;
    const update = async (w: number) => {
      const t = targets[w]!;
      const r = await call("PATCH", t.url, token, { permissions: t.on ? [] : ["billing"] }, { "if-match": t.etag });
      if (r.status !== 200) return false;
      t.etag = r.etag!;
      t.on = !t.on;
      return true;
    };
    for (let i = 0; i < 30; i++) {
      await me();
      await invite();
      await update(0);
    } // warm-up: JIT, caches, first pages
    for (const clients of CLIENTS) {
      await measure(engine, "GET /v1/me (floor)", clients, me);
      await measure(engine, "invite POST members", clients, invite);
      await measure(engine, "update PATCH member", clients, update);
    }
    return { orgId: org.id, ownerAccountId: signup.json.account.id };
  } finally {
    await pool.close();
    await server.stop();
  }
}

/** The rows an invitation and a member update write, by raw SQL, one transaction each. */
async function benchSql(engine: string, db: Db, orgId: string, accountId: string) {
  const [ids] = await db.query<{ role: string; team: string }>(
    `SELECT (SELECT id FROM roles WHERE organization_id = $1 AND builtin = 'DEFAULT') AS role,
            (SELECT id FROM teams WHERE organization_id = $1 ORDER BY id LIMIT 1) AS team`,
    [orgId],
  );
  const actor = JSON.stringify({ type: "token", account_id: accountId, email: "bench@bench.test", token_id: null });
  // Each operation's rows in one statement (a data-modifying CTE, committed on its own): one round
  // trip and one commit, the least the database can be asked for them.
  const invite = async () => {
    const id = newId("mem");
    const email = `sql-${uniq()}@bench.test`;
    await db.query(
      `WITH m AS (INSERT INTO members (id, organization_id, email, email_normalized, permissions, invitation_token_hash, invitation_expires_at, invited_by_account_id, invitation_sent_count, created_at)
                  VALUES ($1, $2, $3, lower($3), '{}', $4, now() + interval '7 days', $5, 1, now()) RETURNING id),
            r AS (INSERT INTO member_roles (member_id, role_id, organization_id) SELECT id, $6, $2 FROM m),
            t AS (INSERT INTO team_members (team_id, member_id, created_at, organization_id) SELECT $7, id, now(), $2 FROM m),
            o AS (INSERT INTO outbox (id, organization_id, to_address, subject, text, invitation_token) VALUES ($8, $2, $3, 'Invitation', 'Join us', 'tok')),
            q AS (INSERT INTO invitation_sends AS s (organization_id, minute, sent) VALUES ($2, date_trunc('minute', now()), 1)
                  ON CONFLICT (organization_id, minute) DO UPDATE SET sent = s.sent + 1)
       INSERT INTO audit_events (id, organization_id, occurred_at, action, actor, target, changes) VALUES ($9, $2, now(), 'invitation.created', $10, $11, NULL)`,
      [
        id,
        orgId,
        email,
        randomBytes(16).toString("hex"),
        accountId,
        ids!.role,
        ids!.team,
        newId("msg"),
        newId("evt"),
        actor,
        JSON.stringify({ type: "member", id, display_name: email }),
      ],
    );
    return true;
  };
  const targets = (await db.query<{ id: string }>("SELECT id FROM members WHERE organization_id = $1 ORDER BY id LIMIT $2", [orgId, Math.max(...CLIENTS)])).map(
    (r) => r.id,
  );
  const update = async (w: number) => {
    await db.query(
      `WITH old AS (SELECT id, version, permissions FROM members WHERE id = $1 FOR UPDATE),
            u AS (UPDATE members m SET permissions = CASE WHEN cardinality(old.permissions) = 0 THEN '{billing}'::text[] ELSE '{}' END, version = m.version + 1
                    FROM old WHERE m.id = old.id AND m.version = old.version RETURNING old.permissions AS before, m.permissions AS after)
       INSERT INTO audit_events (id, organization_id, occurred_at, action, actor, target, changes)
       SELECT $2, $3, now(), 'member.updated', $4, $5, jsonb_build_object('permissions', jsonb_build_array(to_jsonb(before), to_jsonb(after))) FROM u`,
      [targets[w], newId("evt"), orgId, actor, JSON.stringify({ type: "member", id: targets[w], display_name: null })],
    );
    return true;
  };
  for (const clients of CLIENTS) {
    await measure(engine, "invite rows by SQL (floor)", clients, invite);
    await measure(engine, "update rows by SQL (floor)", clients, update);
  }
}

/**
 * Statements per operation: the round trips the server's database handle makes for one
 * invitation and one member PATCH (BEGIN and COMMIT included), counted on the same app
 * in-process over `db`, after a first request with the token (as in the measured loops).
 */
const statements: Array<{ engine: string; op: string; n: number }> = [];
async function countStatements(engine: string, db: Db) {
  let n = 0;
  const counted = (q: Queryable): Queryable => ({ query: (sql, params) => (n++, q.query(sql, params)) });
  const counting: Db = {
    kind: db.kind,
    query: (sql, params) => (n++, db.query(sql, params)),
    tx: (fn) => ((n += 2), db.tx((t) => fn({ ...counted(t), exec: (x) => t.exec(x) }))),
    close: async () => {},
  };
  const app = await buildApp({ db: counting, config: { rateLimit: 0, invitationQuota: 1e8 }, maintenanceEveryMs: 0 });
  const call = async (method: string, url: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await app.inject({
      method: method as "GET",
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      payload: body as object,
    });
    return { status: r.statusCode, etag: r.headers.etag as string | undefined, json: r.body ? JSON.parse(r.body) : undefined };
  };
  try {
    const signup = await call("POST", "/v1/accounts", null, { email: `count-${uniq()}@bench.test`, name: "Count" });
    const token: string = signup.json.token.token;
    const org = (await call("POST", "/v1/organizations", token, { slug: `count-${uniq()}`, name: "Count", region: "eu" })).json;
    const members = `/v1/organizations/${org.id}/members`;
    const first = await call("POST", members, token, { email: `count-${uniq()}@bench.test` });
    n = 0;
    const invited = await call("POST", members, token, { email: `count-${uniq()}@bench.test` });
    if (invited.status !== 201) throw new Error(`counting statements: invitation answered ${invited.status}`);
    statements.push({ engine, op: "invite POST members", n });
    n = 0;
    const patched = await call("PATCH", `${members}/${first.json.id}`, token, { permissions: ["billing"] }, { "if-match": first.etag! });
    if (patched.status !== 200) throw new Error(`counting statements: PATCH answered ${patched.status}`);
    statements.push({ engine, op: "update PATCH member", n });
  } finally {
    await app.close();
  }
}

async function postgres(): Promise<{ url: string; done(): Promise<void> }> {
  let base = process.env.ORGS_BENCH_POSTGRES_URL;
  let stopServer = () => {};
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), "orgs-bench-pg-"));
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const r = spawnSync("bash", [join(ROOT, "scripts", "postgres.sh"), "start", dir, port], { encoding: "utf8" });
    // An engine asked for and not measured would print a table that looks complete: fail instead.
    if (r.status !== 0) throw new Error(`PostgreSQL cannot be benchmarked: scripts/postgres.sh failed (BENCH_ENGINES=pglite leaves it out):\n${r.stderr}`);
    base = r.stdout.trim();
    stopServer = () => {
      spawnSync("bash", [join(ROOT, "scripts", "postgres.sh"), "stop", dir], { stdio: "ignore" });
    };
  }
  const db = await freshPostgresDatabase(base);
  return {
    url: db.url,
    async done() {
      await db.drop();
      stopServer();
    },
  };
}

function table(): string {
  const floorOf = (c: Cell, op: string) => cells.find((x) => x.engine === c.engine && x.clients === c.clients && x.op === op);
  const rows = [["engine", "operation", "clients", "ops/s", "p50 ms", "p99 ms", "errors", "÷ GET /me", "÷ SQL"]];
  for (const c of cells) {
    const me = floorOf(c, "GET /v1/me (floor)");
    const sql = floorOf(c, c.op.startsWith("invite") ? "invite rows by SQL (floor)" : "update rows by SQL (floor)");
    const server = !c.op.includes("floor");
    rows.push([
      c.engine,
      c.op,
      String(c.clients),
      c.perSec.toFixed(0),
      c.p50.toFixed(1),
      c.p99.toFixed(1),
      String(c.errors),
      server && me ? (c.perSec / me.perSec).toFixed(2) : "",
      server && sql ? (c.perSec / sql.perSec).toFixed(2) : "",
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((v, i) => (i >= 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(" | ")} |`;
  return [line(rows[0]!), `|${widths.map((w, i) => (i >= 2 ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|")}|`, ...rows.slice(1).map(line)].join("\n");
}

// ---- cluster mode (BENCH_ENGINES=cluster): 1, 2 and 3 orgs-server instances on one PostgreSQL ----

interface ClusterCell {
  instances: number;
  op: string;
  perSec: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU ms per operation: PostgreSQL's processes, and the orgs-server instances'. */
  pgCpuMs: number;
  serverCpuMs: number;
}
const clusterCells: ClusterCell[] = [];

/** utime + stime of a process in ms (clock ticks of 10 ms), 0 when it is gone. */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

/** The PostgreSQL server's processes: its postmaster (from the data directory's postmaster.pid) and every child. */
async function postgresPids(url: string): Promise<() => number[]> {
  const db = await openPostgres(url, 1);
  let postmaster: number;
  try {
    const [row] = await db.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'data_directory'");
    postmaster = Number(readFileSync(join(row!.setting, "postmaster.pid"), "utf8").split("\n")[0]);
  } finally {
    await db.close();
  }
  return () => [
    postmaster,
    ...readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          const stat = readFileSync(`/proc/${d}/stat`, "utf8");
          return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === postmaster;
        } catch {
          return false;
        }
      })
      .map(Number),
  ];
}

/**
 * Invitations and member PATCHes at 32 clients spread round robin over N instances (1, 2, 3) on one
 * PostgreSQL database, with the CPU PostgreSQL and the servers spent per operation. Rate limiting
 * is on (a limit never reached), so the figures include the shared counts' syncs.
 */
async function benchCluster(url: string): Promise<void> {
  const clients = Math.max(...CLIENTS);
  const pgPids = await postgresPids(url);
  for (const n of [1, 2, 3]) {
    const servers = await Promise.all(
      Array.from({ length: n }, () => startServerProcess({ env: { DATABASE_URL: url, ORGS_INVITATION_QUOTA: "100000000", ORGS_RATE_LIMIT: "1000000" } })),
    );
    const pools = servers.map((x) => new Pool(x.url, { connections: clients, pipelining: 1 }));
    const callers = pools.map(callerOf);
    const call = (i: number, ...args: Parameters<ReturnType<typeof callerOf>>) => callers[i % n]!(...args);
    try {
      const signup = await call(0, "POST", "/v1/accounts", null, { email: `cluster-${uniq()}@bench.test`, name: "Bench" });
      const token: string = signup.json.token.token;
      const org = (await call(0, "POST", "/v1/organizations", token, { slug: `cluster-${uniq()}`, name: "Bench", region: "eu" })).json;
      const members = `/v1/organizations/${org.id}/members`;
      const targets: Array<{ url: string; etag: string; on: boolean }> = [];
      for (let i = 0; i < clients; i++) {
        const m = await call(0, "POST", members, token, { email: `target-${i}-${uniq()}@bench.test` });
        targets.push({ url: `${members}/${m.json.id}`, etag: m.etag!, on: false });
      }
      const invite = async (w: number) => (await call(w, "POST", members, token, { email: `inv-${uniq()}@bench.test` })).status === 201;
      const update = async (w: number) => {
        const t = targets[w]!;
        const r = await call(w, "PATCH", t.url, token, { permissions: t.on ? [] : ["billing"] }, { "if-match": t.etag });
        if (r.status !== 200) return false;
        t.etag = r.etag!;
        t.on = !t.on;
        return true;
      };
      for (let i = 0; i < 30 * n; i++) await Promise.all([invite(i), update(i % clients)]); // warm-up, every instance
      for (const [op, one] of [
        ["invite POST members", invite],
        ["update PATCH member", update],
      ] as const) {
        const pids = pgPids();
        const cpu = () => ({ pg: pids.reduce((a, p) => a + cpuMsOf(p), 0), servers: servers.reduce((a, x) => a + cpuMsOf(x.proc.pid!), 0) });
        const before = cpu();
        const c = await measure(`PostgreSQL × ${n}`, op, clients, one);
        const after = cpu();
        clusterCells.push({
          instances: n,
          op,
          perSec: c.perSec,
          p50: c.p50,
          p99: c.p99,
          errors: c.errors,
          pgCpuMs: (after.pg - before.pg) / c.ops,
          serverCpuMs: (after.servers - before.servers) / c.ops,
        });
        cells.pop(); // the cluster's cells have a table of their own
      }
    } finally {
      await Promise.all(pools.map((p) => p.close()));
      await Promise.all(servers.map((x) => x.stop()));
    }
  }
}

function clusterTable(): string {
  const rows = [["instances", "operation", "ops/s", "× 1 instance", "p50 ms", "p99 ms", "errors", "PostgreSQL CPU ms/op", "servers CPU ms/op"]];
  for (const c of clusterCells) {
    const one = clusterCells.find((x) => x.instances === 1 && x.op === c.op)!;
    rows.push([
      String(c.instances),
      c.op,
      c.perSec.toFixed(0),
      (c.perSec / one.perSec).toFixed(2),
      c.p50.toFixed(1),
      c.p99.toFixed(1),
      String(c.errors),
      c.pgCpuMs.toFixed(2),
      c.serverCpuMs.toFixed(2),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((v, i) => (i === 1 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(" | ")} |`;
  return [line(rows[0]!), `|${widths.map((w, i) => (i === 1 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|")}|`, ...rows.slice(1).map(line)].join(
    "\n",
  );
}

async function main() {
  const engines = (process.env.BENCH_ENGINES ?? "pglite,postgres").split(",");
  if (engines.includes("pglite")) {
    const dataDir = mkdtempSync(join(tmpdir(), "orgs-bench-"));
    const { orgId, ownerAccountId } = await benchServer("PGlite", { ORGS_DATA_DIR: dataDir });
    // The server has stopped; the same data directory, opened in this process, for the floor.
    const db = await openPglite(dataDir);
    try {
      await countStatements("PGlite", db);
      await benchSql("PGlite", db, orgId, ownerAccountId);
    } finally {
      await db.close();
    }
  }
  let durability = "";
  if (engines.includes("postgres")) {
    const pg = await postgres();
    try {
      durability = `\nPostgreSQL: ${await postgresDurability(pg.url)}`;
      const { orgId, ownerAccountId } = await benchServer("PostgreSQL", { DATABASE_URL: pg.url });
      const db = await openPostgres(pg.url, Math.max(...CLIENTS));
      try {
        await countStatements("PostgreSQL", db);
        await benchSql("PostgreSQL", db, orgId, ownerAccountId);
      } finally {
        await db.close();
      }
    } finally {
      await pg.done();
    }
  }
  if (engines.includes("cluster")) {
    const pg = await postgres();
    try {
      await benchCluster(pg.url);
    } finally {
      await pg.done();
    }
  }
  if (cells.length)
    process.stdout.write(`\n${SECONDS} s per cell; ÷ columns: this row's ops/s over the floor's at the same clients.${durability}\n${table()}\n`);
  if (statements.length) {
    process.stdout.write(`\nStatements (round trips to the database, BEGIN and COMMIT included) per operation:\n`);
    for (const x of statements) process.stdout.write(`  ${x.engine}, ${x.op}: ${x.n}\n`);
  }
  if (clusterCells.length) {
    process.stdout.write(
      `\nCluster: ${Math.max(...CLIENTS)} clients round robin over N orgs-server instances on one PostgreSQL database, ${SECONDS} s per cell; CPU from /proc.\n${clusterTable()}\n`,
    );
  }
}

const removeTmp = privateTmpdir("orgs-bench-");
main().then(removeTmp, (e) => {
  removeTmp();
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
