// A transaction's statements pipelined (server/store/db.ts), on both engines: BEGIN goes with the
// first statement, statements started together answer each in its turn, a statement marked
// `last` commits with its COMMIT, a `last` statement that fails leaves nothing (its COMMIT rolls
// back), nothing may follow a `last` statement, and a transaction that fails before `last`
// rolls back everything it wrote.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite, openPostgres, type Db } from "../server/store/db";
import { freshPostgresDatabase, postgresUrl } from "./support/server";

const engines: { name: string; open(): Promise<{ db: Db; cleanup(): Promise<void> }> }[] = [
  { name: "PGlite", open: async () => ({ db: await openPglite(), cleanup: async () => {} }) },
];
if (postgresUrl()) {
  engines.push({
    name: "PostgreSQL",
    async open() {
      const fresh = await freshPostgresDatabase();
      return { db: await openPostgres(fresh.url), cleanup: fresh.drop };
    },
  });
} else {
  it.skip("pipelined transactions on PostgreSQL: ORGS_TEST_POSTGRES_URL is not set (.ci/run starts a server and sets it)", () => {});
}

describe.each(engines)("pipelined transactions on $name", (engine) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ db, cleanup } = await engine.open());
    await db.query("CREATE TABLE pipe (k text PRIMARY KEY, v int NOT NULL)");
  });
  afterAll(async () => {
    await db.close();
    await cleanup();
  });
  const value = async (k: string) => (await db.query<{ v: number }>("SELECT v FROM pipe WHERE k = $1", [k]))[0]?.v;

  it("statements started together are answered each with its own rows, in one transaction", async () => {
    const out = await db.tx(async (q) => {
      const [a, b] = await Promise.all([
        q.query<{ n: number }>("INSERT INTO pipe (k, v) VALUES ($1, 1) RETURNING v AS n", ["together-a"]),
        q.query<{ n: number }>("INSERT INTO pipe (k, v) VALUES ($1, 2) RETURNING v AS n", ["together-b"]),
      ]);
      const [txid] = await q.query<{ same: boolean }>("SELECT count(DISTINCT xmin::text) = 1 AS same FROM pipe WHERE k = ANY($1)", [
        ["together-a", "together-b"],
      ]);
      return { a: a[0]!.n, b: b[0]!.n, same: txid!.same };
    });
    expect(out).toEqual({ a: 1, b: 2, same: true });
  });

  it("a `last` statement commits with it, and nothing may follow it", async () => {
    await expect(
      db.tx(async (q) => {
        await q.query("INSERT INTO pipe (k, v) VALUES ($1, 1)", ["last-ok"]);
        await q.query("UPDATE pipe SET v = v + 1 WHERE k = $1", ["last-ok"], { last: true });
        await q.query("UPDATE pipe SET v = v + 100 WHERE k = $1", ["last-ok"]);
      }),
    ).rejects.toThrow(/after the transaction's last one/);
    // The refused statement was never sent. On PostgreSQL what came before and with `last` has
    // committed already (its COMMIT went with it); PGlite sends nothing early, so its transaction
    // rolls back on the error. Either way it is a handler's mistake, refused before it writes.
    expect(await value("last-ok")).toBe(db.kind === "postgres" ? 2 : undefined);
  });

  it("a `last` statement that fails leaves nothing of the transaction", async () => {
    await db.query("INSERT INTO pipe (k, v) VALUES ($1, 1)", ["taken"]);
    await expect(
      db.tx(async (q) => {
        await q.query("INSERT INTO pipe (k, v) VALUES ($1, 1)", ["before-failed-last"]);
        await q.query("INSERT INTO pipe (k, v) VALUES ($1, 1)", ["taken"], { last: true });
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect(await value("before-failed-last")).toBeUndefined();
    // The connection is usable again: the next transaction commits normally.
    await db.tx((q) => q.query("INSERT INTO pipe (k, v) VALUES ($1, 7)", ["after-failed-last"]));
    expect(await value("after-failed-last")).toBe(7);
  });

  it("orgs_refuse fails the statement that calls it with our SQLSTATE and message, so its COMMIT rolls back", async () => {
    await expect(
      db.tx(async (q) => {
        await q.query(
          `WITH w AS (INSERT INTO pipe (k, v) VALUES ($1, 1) RETURNING v)
           SELECT CASE WHEN w.v > 0 THEN orgs_refuse('OQ429', '{"sent": 3}') END FROM w`,
          ["refused"],
          { last: true },
        );
      }),
    ).rejects.toMatchObject({ code: "OQ429", message: '{"sent": 3}' });
    expect(await value("refused")).toBeUndefined();
  });

  it("a transaction that throws before any `last` rolls back what it wrote", async () => {
    await expect(
      db.tx(async (q) => {
        await q.query("INSERT INTO pipe (k, v) VALUES ($1, 1)", ["rolled-back"]);
        throw new Error("the handler refused");
      }),
    ).rejects.toThrow("the handler refused");
    expect(await value("rolled-back")).toBeUndefined();
  });
});
