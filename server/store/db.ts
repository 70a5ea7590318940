// The database behind the server: PGlite (embedded PostgreSQL) by default, a PostgreSQL server
// when DATABASE_URL is set. Both speak the same SQL and run the same migrations.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { QueryConfig } from "pg";
import { commitError, DatabaseUnavailable, isConnectionError, rethrowLost } from "./unavailable";

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
/** A promise's outcome as a value: pipelined statements are awaited one after another, and none may reject unheard. */
const settled = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: StatementOpts): Promise<T[]>;
}

export interface StatementOpts {
  /**
   * This is the transaction's last statement, and nothing decided after it rolls the transaction
   * back: PostgreSQL's transaction sends its COMMIT in the same round trip (pipelined behind it;
   * a statement that fails turns that COMMIT into a rollback). Outside a transaction, and on
   * PGlite, it changes nothing. A statement after it is refused, a handler's mistake (on
   * PostgreSQL what came before has committed then; on PGlite the transaction rolls back).
   */
  last?: boolean;
}

/** Whether the database answers (GET /healthz): one statement that reads nothing. */
export async function ping(q: Queryable): Promise<void> {
  await q.query("SELECT 1");
}

/** A transaction: queries, and whole SQL scripts (several statements, no parameters) for migrations. */
export interface Tx extends Queryable {
  exec(script: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: "pglite" | "postgres";
  /** Runs fn in one transaction; retried on serialization failures and deadlocks. */
  tx<T>(fn: (q: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const RETRYABLE = new Set(["40001", "40P01"]);

async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (!code || !RETRYABLE.has(code) || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, attempt * 10 * Math.random()));
    }
  }
}

export async function openPglite(dataDir?: string): Promise<Db> {
  const { PGlite } = await import("@electric-sql/pglite");
  const pg = new PGlite(dataDir);
  await pg.waitReady;
  // PGlite runs in this process: an SQL error is PostgreSQL's answer as usual, but a closed
  // instance, or an aborted WebAssembly one (out of memory, say), answers nothing again. Those are
  // 503 (and /healthz fails with them, for a supervisor to restart the server), not a 500 per request.
  const gone = (err: unknown): never => {
    throw pg.closed || err instanceof WebAssembly.RuntimeError ? new DatabaseUnavailable(err) : err;
  };
  const db: Db = {
    kind: "pglite",
    async query<T>(sql: string, params?: unknown[]) {
      return (await pg.query<T>(sql, params).catch(gone)).rows;
    },
    // PGlite has one connection; its transaction() serializes callers. A `last` statement is not
    // pipelined here (nothing travels), but what may follow it is the same as on PostgreSQL.
    tx: (fn) =>
      pg
        .transaction((t) => {
          let ended = false;
          const after = () => {
            if (ended) throw new Error("a statement after the transaction's last one (StatementOpts.last)");
          };
          return fn({
            query: async <T>(s: string, p?: unknown[], opts?: StatementOpts) => {
              after();
              ended = opts?.last === true;
              return (await t.query<T>(s, p).catch(gone)).rows;
            },
            exec: async (script) => {
              after();
              await t.exec(script).catch(gone);
            },
          });
        })
        .catch(gone),
    close: () => pg.close(),
  };
  await migrate(db);
  return db;
}

/**
 * Statements with parameters run as named prepared statements: each connection parses and plans
 * one once and reuses it (the server's SQL is a fixed set of texts; values are never spliced in).
 */
const named = new Map<string, string>();
function prepared(text: string, values: unknown[] | undefined): QueryConfig {
  if (!values?.length) return { text };
  let name = named.get(text);
  if (!name) named.set(text, (name = `s${createHash("sha1").update(text).digest("base64url").slice(0, 16)}`));
  return { name, text, values };
}

export async function openPostgres(url: string, max = 20): Promise<Db> {
  const { Pool } = await import("pg");
  // A connection that cannot be made in 10 s is answered 503 rather than held (an unreachable host
  // would otherwise wait for TCP's own timeout, minutes).
  // Pipeline mode: a statement is written without waiting for the answer to the one before it on
  // the same connection, so a transaction's BEGIN travels with its first statement and its COMMIT
  // with a statement marked `last` (one round trip each instead of two).
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000, keepAlive: true, pipeline: true });
  pool.on("error", () => {}); // an idle client's error must not crash the server; the next query reports it
  const db: Db = {
    kind: "postgres",
    async query<T>(sql: string, params?: unknown[]) {
      return (await pool.query(prepared(sql, params)).catch(rethrowLost)).rows as T[];
    },
    tx: (fn) =>
      withRetry(async () => {
        const client = await pool.connect().catch(rethrowLost);
        // pg-pool listens for the errors of idle clients only. A checked-out client whose
        // connection drops (PostgreSQL restarted mid-transaction) emits 'error' too, and an
        // 'error' nobody listens for kills the process: this listener keeps it, and the query
        // under way (or the next one) fails with it.
        let broken: Error | undefined;
        const onError = (e: Error) => void (broken ??= e);
        client.on("error", onError);
        const query = async (config: QueryConfig | string) => (await client.query(config).catch(rethrowLost)).rows;
        // BEGIN is sent with the first statement (none: none is sent), COMMIT with a `last` one.
        let begun = false;
        let committed = false;
        // What is sent in one turn of the event loop (BEGIN, the statements a handler starts
        // together, a COMMIT) leaves in one write: node-postgres writes each query on its own, and
        // each write to the socket costs a system call and wakes PostgreSQL's backend.
        const stream = (client as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection?.stream;
        let corked = false;
        const cork = () => {
          if (corked || !stream?.cork || !stream.uncork) return;
          corked = true;
          stream.cork();
          process.nextTick(() => {
            corked = false;
            stream.uncork!();
          });
        };
        const statement = async <T>(config: QueryConfig | string, opts?: StatementOpts): Promise<T[]> => {
          if (committed) throw new Error("a statement after the transaction's last one (StatementOpts.last)");
          cork();
          const begin = begun ? null : settled(client.query("BEGIN"));
          begun = true;
          const run = settled(client.query(config));
          const commit = opts?.last ? settled(client.query("COMMIT")) : null;
          if (commit) committed = true;
          const b = await begin;
          if (b && !b.ok) rethrowLost(b.error);
          const r = await run;
          if (commit) {
            const c = await commit;
            // The statement and its COMMIT were both on their way: a connection lost under either
            // leaves the outcome unknown, as a COMMIT without an answer does.
            if (!r.ok) throw isConnectionError(r.error) ? commitError(r.error) : r.error;
            if (!c.ok) throw commitError(c.error);
          } else if (!r.ok) rethrowLost(r.error);
          return (r as { ok: true; value: { rows: T[] } }).value.rows;
        };
        let failed: unknown;
        try {
          const out = await fn({
            query: <T>(s: string, p?: unknown[], opts?: StatementOpts) => statement<T>(prepared(s, p), opts),
            // Without parameters node-postgres uses the simple query protocol, which runs a whole script.
            exec: async (script) => void (await statement(script)),
          });
          if (!committed) {
            // A connection that broke before COMMIT was sent rolled back: nothing was written.
            if (broken) throw new DatabaseUnavailable(broken);
            // A COMMIT without an answer may have committed: commitError says so (503, and the
            // request's Idempotency-Key tells on retry). A transaction that made no statement has nothing to commit.
            if (begun)
              await client.query("COMMIT").catch((e: unknown) => {
                throw commitError(e);
              });
          }
          return out;
        } catch (err) {
          failed = err;
          if (begun && !committed && !broken && !DatabaseUnavailable.isInstance(err)) await query("ROLLBACK").catch(() => {});
          throw err;
        } finally {
          client.removeListener("error", onError);
          // A broken connection leaves the pool (release with an error ends it); the next request connects anew.
          client.release(broken ?? (DatabaseUnavailable.isInstance(failed) ? failed : undefined));
        }
      }),
    close: () => pool.end(),
  };
  await migrate(db);
  return db;
}

/** Opens PostgreSQL when a URL is given, else PGlite in dataDir (in memory when absent). */
export function openDb(opts: { databaseUrl?: string; dataDir?: string }): Promise<Db> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}

const MIGRATIONS_DIR = join(__dirname, "migrations");

/**
 * Applies the .sql files of `dir` in name order, each once: a file runs whole (so a `;` inside a
 * string or a `$$` body is just text), in its own transaction, recorded in schema_migrations by
 * that same transaction. A file that fails leaves nothing of itself, and the files before it applied.
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  // One migrator at a time, across server instances sharing a PostgreSQL: each transaction takes
  // the lock, then looks at what is applied.
  const lock = (q: Queryable) => (db.kind === "postgres" ? q.query("SELECT pg_advisory_xact_lock(7274211)") : Promise.resolve([]));
  await db.tx(async (q) => {
    await lock(q);
    await q.query("CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
  });
  const applied: string[] = [];
  for (const file of files) {
    const sql = readFileSync(join(dir, file), "utf8");
    const ran = await db.tx(async (q) => {
      await lock(q);
      if ((await q.query("SELECT 1 FROM schema_migrations WHERE name = $1", [file])).length) return false;
      await q.exec(sql);
      await q.query("INSERT INTO schema_migrations (name) VALUES ($1)", [file]);
      return true;
    });
    if (ran) applied.push(file);
  }
  return applied;
}
