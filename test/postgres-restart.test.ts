// PostgreSQL restarted under load, as a crash would (pg_ctl restart -m immediate), three times while
// 8 writers post through the project's client (its retries: 503 with Retry-After, the same
// Idempotency-Key). The orgs-server process must live through it, answer 503 unavailable
// (problem+json, Retry-After) and never 500 while the database is gone, recover by itself, and keep
// every acknowledged write exactly once. A PostgreSQL of its own, durable (scripts/postgres.sh
// without --fast): with synchronous_commit=off an immediate restart loses acknowledged commits.
import { execFile } from "node:child_process";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultDispatcher, OrgsApiError, OrgsClient } from "../client";
import { buildApp } from "../server/app";
import { openPostgres } from "../server/store/db";
import { ROOT, startServerProcess, type ServerProcess } from "./support/process";

const run = promisify(execFile);
const WRITERS = 8;
const RESTARTS = 3;
const postgres = (...args: string[]) => run("bash", [join(ROOT, "scripts", "postgres.sh"), ...args], { encoding: "utf8" });

/** A port nobody listens on now (the kernel's pick, released for PostgreSQL to take). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

// Under TMPDIR itself (traversable by the postgres user, test/support/process.ts), not in a 0700 subdirectory.
const pgDir = join(tmpdir(), `orgs-pg-restart-${randomBytes(4).toString("hex")}`);
let pgUrl = "";
let server: ServerProcess | undefined;

beforeAll(async () => {
  pgUrl = (await postgres("start", pgDir, String(await freePort()))).stdout.trim();
}, 120_000);
afterAll(async () => {
  await server?.stop("SIGTERM");
  await postgres("stop", pgDir).catch(() => {});
  await run("rm", ["-rf", pgDir]).catch(() => {});
});

type Kind = "teams" | "projects" | "members";
interface Op {
  kind: Kind;
  key: string;
  name: string;
  id?: string;
}

/** Every answer the server sent (each attempt, below the client's retries), read from undici's diagnostics channel. */
interface Attempt {
  at: number;
  status: number;
  contentType: string;
  retryAfter: string | undefined;
}

describe("PostgreSQL restarted under 8 writers", () => {
  it("keeps the server alive: 503 with Retry-After while the database is gone, never 500; every acknowledged write there exactly once", async () => {
    server = await startServerProcess({ env: { DATABASE_URL: pgUrl, ORGS_INVITATION_QUOTA: "1000000" } });
    const origin = new URL(server.url).origin;
    const attempts: Attempt[] = [];
    const onHeaders = (message: unknown) => {
      const { request, response } = message as { request: { origin: string }; response: { statusCode: number; headers: Buffer[] } };
      if (request.origin !== origin) return;
      const h = new Map<string, string>();
      for (let i = 0; i < response.headers.length; i += 2) h.set(response.headers[i]!.toString().toLowerCase(), response.headers[i + 1]!.toString());
      attempts.push({ at: Date.now(), status: response.statusCode, contentType: h.get("content-type") ?? "", retryAfter: h.get("retry-after") });
    };
    subscribe("undici:request:headers", onHeaders);

    const owner = new OrgsClient({ baseUrl: server.url });
    const signup = await owner.call("createAccount", { body: { email: "owner@restart.test", name: "Owner" } });
    const token = (signup.body as { token: { token: string } }).token.token;
    // The client as a program uses it: every retry policy default (8 retries, Retry-After honoured).
    const dispatcher = defaultDispatcher();
    const client = new OrgsClient({ baseUrl: server.url, token, dispatcher });
    const org = (await client.call("createOrganization", { body: { slug: "restart", name: "Restart", region: "eu" } })).body as { id: string };

    const ops: Op[] = [];
    const failures: string[] = [];
    let giveUps = 0;
    let stop = false;
    let next = 0;
    // A server that dies fails the test at once (the client would go on retrying its connection for half a minute).
    let died: string | undefined;
    server.proc.once("exit", (code, signal) => {
      died = `orgs-server exited (${code ?? signal}) under the restarts:\n${server?.output()}`;
      stop = true;
      void dispatcher.destroy();
    });
    const write = async (op: Op) => {
      const op_ = op.kind === "teams" ? "createTeam" : op.kind === "projects" ? "createProject" : "createMember";
      const body = op.kind === "members" ? { email: `${op.name}@restart.test` } : { name: op.name };
      // Past the client's own retries (8 × Retry-After), the program tries again with the same key, as a user re-running it would.
      for (let round = 1; ; round++) {
        try {
          const r = await client.call(op_ as "createTeam", { params: { org: org.id }, body: body as never, idempotencyKey: op.key });
          op.id = (r.body as { id: string }).id;
          return;
        } catch (e) {
          const unavailable = e instanceof OrgsApiError && e.status === 503 && e.code === "unavailable";
          if (!unavailable || round >= 5) {
            failures.push(`${op.key}: ${e instanceof OrgsApiError ? `${e.status} ${e.code} ${e.message}` : String(e)}`);
            return;
          }
          giveUps++;
        }
      }
    };
    const writer = async () => {
      while (!stop) {
        const i = next++;
        const kind = (["teams", "projects", "members"] as const)[i % 3]!;
        const op: Op = { kind, key: `restart-${i}`, name: `w-${kind}-${i}` };
        ops.push(op);
        await write(op);
      }
    };
    const acked = () => ops.filter((o) => o.id).length;
    const until = async (cond: () => boolean, ms: number) => {
      for (const end = Date.now() + ms; !cond() && !died && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
    };

    const started = Date.now();
    const writers = Array.from({ length: WRITERS }, writer);
    const restarts: { at: number; took: number; recoveredAfter: number; unavailable: number }[] = [];
    for (let n = 0; n < RESTARTS; n++) {
      // Writes flowing (20 more acknowledged), then PostgreSQL goes down hard and comes back.
      const before = acked();
      await until(() => acked() >= before + 20, 15_000);
      const at = Date.now();
      if (died) break;
      await postgres("restart", pgDir, "immediate");
      const took = Date.now() - at;
      // Recovered: a write answered 201 after PostgreSQL was back.
      await until(() => attempts.some((a) => a.at > at + took && a.status === 201), 20_000);
      const firstOk = attempts.find((a) => a.at > at + took && a.status === 201)?.at ?? NaN;
      restarts.push({ at, took, recoveredAfter: firstOk - at, unavailable: attempts.filter((a) => a.at >= at && a.at <= firstOk && a.status === 503).length });
    }
    const before = acked();
    await until(() => acked() >= before + 20, 15_000);
    stop = true;
    await Promise.all(writers);
    unsubscribe("undici:request:headers", onHeaders);
    if (!died) await dispatcher.close();
    await owner.close();

    const statuses = new Map<number, number>();
    for (const a of attempts) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    console.info(
      `postgres-restart: ${ops.length} writes in ${((Date.now() - started) / 1000).toFixed(1)} s, ${acked()} acknowledged; answers ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `per restart (pg_ctl ms, first 201 after ms, 503s): ${restarts.map((r) => `${r.took}/${r.recoveredAfter}/${r.unavailable}`).join(", ")}; client gave up ${giveUps} times and the writer retried with the same key`,
    );

    // The process lived through it.
    expect(died).toBeUndefined();
    expect(server.proc.exitCode, server.output()).toBeNull();
    expect(server.proc.signalCode, server.output()).toBeNull();
    // No 500, ever; every 503 a problem with Retry-After; nothing else but 201s (and the 503s).
    expect(
      attempts.filter((a) => a.status >= 500 && a.status !== 503),
      server.output(),
    ).toEqual([]);
    for (const a of attempts.filter((x) => x.status === 503)) {
      expect(a.contentType).toContain("application/problem+json");
      expect(a.retryAfter).toMatch(/^\d+$/);
    }
    expect(failures).toEqual([]);
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([201]));
    expect([...statuses.keys()].filter((s) => s !== 201 && s !== 503)).toEqual([]);
    // The database went away each time, and the server told the writers so.
    expect(restarts.every((r) => Number.isFinite(r.recoveredAfter))).toBe(true);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);

    // Every write was acknowledged in the end; each is in the database exactly once, with the ID it was acknowledged with.
    expect(acked()).toBe(ops.length);
    const { Client } = await import("pg");
    const db = new Client({ connectionString: pgUrl });
    await db.connect();
    try {
      const rows = async (sql: string) => (await db.query<{ id: string; name: string }>(sql, [org.id])).rows;
      const found = new Map<string, string[]>();
      for (const r of [
        ...(await rows("SELECT id, name FROM teams WHERE organization_id = $1 AND name LIKE 'w-%'")),
        ...(await rows("SELECT id, name FROM projects WHERE organization_id = $1 AND name LIKE 'w-%'")),
        ...(await rows("SELECT id, split_part(email, '@', 1) AS name FROM members WHERE organization_id = $1 AND email LIKE 'w-%'")),
      ])
        found.set(r.name, [...(found.get(r.name) ?? []), r.id]);
      for (const o of ops) expect(found.get(o.name), `${o.key} acknowledged as ${o.id}`).toEqual([o.id]);
      expect(found.size).toBe(ops.length);
      // One invitation mail per invitation: the outbox row is written in the invitation's transaction.
      const mails = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE organization_id = $1 AND to_address LIKE 'w-%'", [org.id]))
        .rows[0]!.n;
      expect(mails).toBe(ops.filter((o) => o.kind === "members").length);
    } finally {
      await db.end();
    }
    expect(await server.stop("SIGTERM")).toBe(0);
    server = undefined;
  }, 120_000);

  it("PostgreSQL down: the periodic clean-up and requests carry on (503) and recover; orgs-server refuses to start with one line", async () => {
    // In this process, so that an unhandled rejection or 'error' would fail the test run: the app
    // with its clean-up every 50 ms instead of 10 minutes.
    const db = await openPostgres(pgUrl);
    const app = await buildApp({ db, maintenanceEveryMs: 50 });
    try {
      const health = () => app.inject({ method: "GET", url: "/healthz" });
      expect((await health()).statusCode).toBe(200);
      await postgres("stop", pgDir);
      await new Promise((r) => setTimeout(r, 300)); // several clean-ups fail meanwhile
      const down = await health();
      expect(down.statusCode).toBe(503);
      expect(down.headers["retry-after"]).toBe("1");
      expect(down.json()).toMatchObject({ code: "unavailable" });
      const signup = await app.inject({ method: "POST", url: "/v1/accounts", payload: { email: "down@restart.test", name: "Down" } });
      expect(signup.statusCode).toBe(503);
      expect(signup.json().detail).toMatch(/nothing was changed/);

      // The binary with PostgreSQL down: it says what to do, and exits 1 (a supervisor restarts it).
      const start = await run(process.execPath, [join(ROOT, "dist", "server", "main.js")], {
        env: { ...process.env, DATABASE_URL: pgUrl, PORT: "0" },
        encoding: "utf8",
        timeout: 30_000,
      }).catch((e: { code?: number; stderr?: string }) => e);
      expect((start as { code?: number }).code).toBe(1);
      expect((start as { stderr: string }).stderr).toMatch(
        /^orgs-server: cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres \(.*ECONNREFUSED.*\): start it or fix DATABASE_URL, then start orgs-server again\n$/,
      );

      await postgres("start", pgDir, new URL(pgUrl).port);
      await expect.poll(async () => (await health()).statusCode, { timeout: 15_000 }).toBe(200);
    } finally {
      await app.close();
      await db.close();
    }
  }, 90_000);
});
