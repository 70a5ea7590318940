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
// BENCH_CLIENTS (e.g. 32) and BENCH_OPS (me, invite, invite-spread, update) pick cells;
// BENCH_BASELINE=<a built checkout> measures that checkout's server beside this one, cell by cell
// (BENCH_BASELINE_LABEL names it); BENCH_SERVER_NODE_OPTIONS goes to the server process alone
// (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). Each server cell prints the server's CPU per
// operation and PostgreSQL's (from /proc). "invite, 32 orgs" sends client w's invitations into
// organization w (its floor likewise), beside the one-organization cell.
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
import { openPglite, openPostgres, type Db, type StatementOpts, type Tx } from "../server/store/db";
import { ROOT, privateTmpdir, startServerProcess } from "../test/support/process";
import { freshPostgresDatabase } from "../test/support/server";
import { postgresDurability } from "./durability";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
// BENCH_CLIENTS=32 (a comma list) and BENCH_OPS=update,me (operations by short name: me, invite,
// invite-spread, update) pick the cells while developing; the default is the whole table.
const CLIENTS = (process.env.BENCH_CLIENTS ?? "1,8,32").split(",").map(Number);
const OPS = new Set((process.env.BENCH_OPS ?? "me,invite,invite-spread,update").split(","));
/** Only the operations asked for are measured (their floors too). */
const wanted = (op: string) => OPS.has(op);
/** Flags for the orgs-server process alone (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`), not this one. */
const SERVER_NODE_OPTIONS = process.env.BENCH_SERVER_NODE_OPTIONS;
/** Organizations the spread invitations go to, one per client (round robin past that). */
const SPREAD = Math.max(...CLIENTS);

interface Cell {
  engine: string;
  /** The engine whose floors this cell is divided by (a baseline server's cells share this checkout's). */
  floorEngine: string;
  /** CPU per operation (ms): the orgs-server process's, and PostgreSQL's processes' (measured where known). */
  serverCpuMs?: number;
  dbCpuMs?: number;
  /** This process's CPU per operation (ms): the clients' HTTP (undici, JSON), or the floors' driver. */
  clientCpuMs: number;
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
async function measure(engine: string, op: string, clients: number, one: (worker: number) => Promise<boolean>, floorEngine = engine): Promise<Cell> {
  const lat: number[] = [];
  let errors = 0;
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
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
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  const cell: Cell = {
    engine,
    floorEngine,
    op,
    clients,
    ops: lat.length,
    errors,
    perSec: lat.length / elapsed,
    p50: pct(lat, 0.5),
    p99: pct(lat, 0.99),
    clientCpuMs: (cpu.user + cpu.system) / 1000 / lat.length,
  };
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

/**
 * The servers measured side by side: this checkout's, and with BENCH_BASELINE (the directory of
 * another built checkout, e.g. main's) that one's too, cell by cell in turn, so that both see the
 * same machine at nearly the same moment (a before/after on a shared, noisy machine).
 */
const BASELINE = process.env.BENCH_BASELINE;
const serverMains = [
  { label: "", main: undefined as string | undefined },
  ...(BASELINE ? [{ label: ` (${process.env.BENCH_BASELINE_LABEL ?? "baseline"})`, main: join(BASELINE, "dist", "server", "main.js") }] : []),
];

/** Starts counting the database's CPU (user + system, ms, of its processes then): the count since. */
type CpuOf = () => () => number;

async function benchServer(
  engine: string,
  env: Record<string, string>,
  dbCpu: CpuOf | null,
): Promise<{ orgId: string; spreadOrgIds: string[]; ownerAccountId: string }> {
  const runs = await Promise.all(
    serverMains.map(async ({ label, main }, i) => {
      const server = await startServerProcess({
        main,
        // PGlite's data directory is one process's: a second server gets its own.
        env: {
          ORGS_INVITATION_QUOTA: "100000000",
          ...env,
          ...(i > 0 && env.ORGS_DATA_DIR ? { ORGS_DATA_DIR: mkdtempSync(join(tmpdir(), "orgs-bench-")) } : {}),
          ...(SERVER_NODE_OPTIONS ? { NODE_OPTIONS: SERVER_NODE_OPTIONS } : {}),
        },
      });
      const pool = new Pool(server.url, { connections: Math.max(...CLIENTS), pipelining: 1 });
      return { label, server, pool, call: callerOf(pool) };
    }),
  );
  try {
    const loops = [];
    for (const { label, server, call } of runs) {
      const signup = await call("POST", "/v1/accounts", null, { email: `bench-${uniq()}@bench.test`, name: "Bench" });
      const token: string = signup.json.token.token;
      const newOrg = async () => (await call("POST", "/v1/organizations", token, { slug: `bench-${uniq()}`, name: "Bench", region: "eu" })).json;
      const org = await newOrg();
      const members = `/v1/organizations/${org.id}/members`;
      // Spread invitations: client w invites into organization w (of SPREAD), as load over many tenants does.
      const spread: string[] = [];
      if (wanted("invite-spread")) for (let i = 0; i < SPREAD; i++) spread.push(`/v1/organizations/${(await newOrg()).id}/members`);
      // Targets for the updates: one member per client, so If-Match never collides between clients.
      const targets: Array<{ url: string; etag: string; on: boolean }> = [];
      for (let i = 0; i < Math.max(...CLIENTS); i++) {
        const m = await call("POST", members, token, { email: `target-${i}-${uniq()}@bench.test` });
        targets.push({ url: `${members}/${m.json.id}`, etag: m.etag!, on: false });
      }
      const me = async () => (await call("GET", "/v1/me", token)).status === 200;
      const inviteInto = async (path: string) => (await call("POST", path, token, { email: `inv-${uniq()}@bench.test` })).status === 201;
      const invite = () => inviteInto(members);
      const inviteSpread = (w: number) => inviteInto(spread[w % SPREAD]!);
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
      const pid = server.proc.pid!;
      loops.push({ label, me, invite, inviteSpread, update, serverCpu: () => cpuMsOf(pid), orgId: org.id, spread, account: signup.json.account.id });
    }
    for (const clients of CLIENTS) {
      for (const [short, op] of [
        ["me", "GET /v1/me (floor)"],
        ["invite", "invite POST members"],
        ["invite-spread", `invite, ${SPREAD} orgs`],
        ["update", "update PATCH member"],
      ] as const) {
        if (!wanted(short)) continue;
        for (const l of loops) {
          const fn = short === "me" ? l.me : short === "invite" ? l.invite : short === "invite-spread" ? l.inviteSpread : l.update;
          const s0 = l.serverCpu();
          const db = dbCpu?.();
          const c = await measure(`${engine}${l.label}`, op, clients, fn, engine);
          c.serverCpuMs = (l.serverCpu() - s0) / c.ops;
          if (db) c.dbCpuMs = db() / c.ops;
        }
      }
    }
    const first = loops[0]!;
    return { orgId: first.orgId, spreadOrgIds: first.spread.map((p) => p.split("/")[3]!), ownerAccountId: first.account };
  } finally {
    for (const r of runs) {
      await r.pool.close();
      await r.server.stop();
    }
  }
}

/** The rows an invitation and a member update write, by raw SQL, one transaction each. */
async function benchSql(engine: string, db: Db, orgId: string, spreadOrgIds: string[], accountId: string, dbCpu: CpuOf | null = null) {
  const idsOf = async (org: string) =>
    (
      await db.query<{ org: string; role: string; team: string }>(
        `SELECT $1::text AS org, (SELECT id FROM roles WHERE organization_id = $1 AND builtin = 'DEFAULT') AS role,
                (SELECT id FROM teams WHERE organization_id = $1 ORDER BY id LIMIT 1) AS team`,
        [org],
      )
    )[0]!;
  const one = await idsOf(orgId);
  const spread = await Promise.all(spreadOrgIds.map(idsOf));
  const actor = JSON.stringify({ type: "token", account_id: accountId, email: "bench@bench.test", token_id: null });
  // Each operation's rows in one statement (a data-modifying CTE, committed on its own): one round
  // trip and one commit, the least the database can be asked for them.
  const inviteInto = async (ids: { org: string; role: string; team: string }) => {
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
        ids.org,
        email,
        randomBytes(16).toString("hex"),
        accountId,
        ids.role,
        ids.team,
        newId("msg"),
        newId("evt"),
        actor,
        JSON.stringify({ type: "member", id, display_name: email }),
      ],
    );
    return true;
  };
  const invite = () => inviteInto(one);
  const inviteSpread = (w: number) => inviteInto(spread[w % spread.length]!);
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
  const measured = async (op: string, clients: number, fn: (w: number) => Promise<boolean>) => {
    const cpu = dbCpu?.();
    const c = await measure(engine, op, clients, fn);
    if (cpu) c.dbCpuMs = cpu() / c.ops;
  };
  for (const clients of CLIENTS) {
    if (wanted("invite")) await measured("invite rows by SQL (floor)", clients, invite);
    if (wanted("invite-spread") && spread.length) await measured(`invite rows, ${SPREAD} orgs, by SQL (floor)`, clients, inviteSpread);
    if (wanted("update")) await measured("update rows by SQL (floor)", clients, update);
  }
}

/**
 * Statements per operation: the round trips the server's database handle makes for one
 * invitation and one member PATCH (BEGIN and COMMIT included), counted on the same app
 * in-process over `db`, after a first request with the token (as in the measured loops).
 */
const statements: Array<{ engine: string; op: string; n: number; trips: number }> = [];
async function countStatements(engine: string, db: Db) {
  // Statements, and round trips: a statement issued while another of its transaction is still
  // unanswered travels with it (pipelined), as do a transaction's BEGIN (with its first statement)
  // and a COMMIT sent with a \`last\` one.
  let n = 0;
  let trips = 0;
  const counted = (q: Tx): Tx => {
    let inFlight = 0;
    let began = false;
    let ended = false;
    const one = async <T>(run: () => Promise<T>, opts?: StatementOpts): Promise<T> => {
      n += began ? 1 : 2; // BEGIN, with the first
      began = true;
      if (opts?.last) {
        n++; // its COMMIT
        ended = true;
      }
      if (inFlight++ === 0) trips++;
      try {
        return await run();
      } finally {
        inFlight--;
      }
    };
    return {
      query: <T>(sql: string, params?: unknown[], opts?: StatementOpts) => one(() => q.query<T>(sql, params, opts), opts),
      exec: (x) => one(() => q.exec(x)),
      get ended() {
        return ended;
      },
      get began() {
        return began;
      },
    } as Tx;
  };
  const counting: Db = {
    kind: db.kind,
    query: (sql, params) => (n++, trips++, db.query(sql, params)),
    tx: (fn) =>
      db.tx(async (t) => {
        const c = counted(t) as Tx & { ended: boolean; began: boolean };
        const out = await fn(c);
        if (c.began && !c.ended) {
          n++; // COMMIT on its own
          trips++;
        }
        return out;
      }),
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
    n = trips = 0;
    const invited = await call("POST", members, token, { email: `count-${uniq()}@bench.test` });
    if (invited.status !== 201) throw new Error(`counting statements: invitation answered ${invited.status}`);
    statements.push({ engine, op: "invite POST members", n, trips });
    n = trips = 0;
    const patched = await call("PATCH", `${members}/${first.json.id}`, token, { permissions: ["billing"] }, { "if-match": first.etag! });
    if (patched.status !== 200) throw new Error(`counting statements: PATCH answered ${patched.status}`);
    statements.push({ engine, op: "update PATCH member", n, trips });
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
  // GET /v1/me is each server's own floor; the SQL floors are the engine's.
  const floorOf = (c: Cell, op: string) =>
    cells.find((x) => (op.startsWith("GET") ? x.engine === c.engine : x.engine === c.floorEngine) && x.clients === c.clients && x.op === op);
  const rows = [
    ["engine", "operation", "clients", "ops/s", "p50 ms", "p99 ms", "errors", "÷ GET /me", "÷ SQL", "server CPU ms/op", "db CPU ms/op", "bench CPU ms/op"],
  ];
  for (const c of cells) {
    const me = floorOf(c, "GET /v1/me (floor)");
    const sql = floorOf(
      c,
      c.op === `invite, ${SPREAD} orgs`
        ? `invite rows, ${SPREAD} orgs, by SQL (floor)`
        : c.op.startsWith("invite")
          ? "invite rows by SQL (floor)"
          : "update rows by SQL (floor)",
    );
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
      c.serverCpuMs === undefined ? "" : c.serverCpuMs.toFixed(2),
      c.dbCpuMs === undefined ? "" : c.dbCpuMs.toFixed(2),
      c.clientCpuMs.toFixed(2),
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
    const { orgId, spreadOrgIds, ownerAccountId } = await benchServer("PGlite", { ORGS_DATA_DIR: dataDir }, null);
    // The server has stopped; the same data directory, opened in this process, for the floor.
    const db = await openPglite(dataDir);
    try {
      await countStatements("PGlite", db);
      await benchSql("PGlite", db, orgId, spreadOrgIds, ownerAccountId);
    } finally {
      await db.close();
    }
  }
  let durability = "";
  if (engines.includes("postgres")) {
    const pg = await postgres();
    try {
      durability = `\nPostgreSQL: ${await postgresDurability(pg.url)}`;
      const pgPids = await postgresPids(pg.url);
      const pgCpu: CpuOf = () => {
        const pids = pgPids();
        const at = () => pids.reduce((a, p) => a + cpuMsOf(p), 0);
        const start = at();
        return () => at() - start;
      };
      const { orgId, spreadOrgIds, ownerAccountId } = await benchServer("PostgreSQL", { DATABASE_URL: pg.url }, pgCpu);
      const db = await openPostgres(pg.url, Math.max(...CLIENTS));
      try {
        await countStatements("PostgreSQL", db);
        await benchSql("PostgreSQL", db, orgId, spreadOrgIds, ownerAccountId, pgCpu);
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
    process.stdout.write(`\nStatements per operation (BEGIN and COMMIT included), and the round trips they take (pipelined statements share one):\n`);
    for (const x of statements) process.stdout.write(`  ${x.engine}, ${x.op}: ${x.n} statements, ${x.trips} round trips\n`);
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
