// The store on both engines: the same migrations, applied in order and recorded once, each file
// whole and in its own transaction; uniqueness rules backed by constraints; transactions that roll
// back entirely.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { migrate, openPglite, openPostgres, type Db } from "../server/store/db";
import { freshPostgresDatabase, postgresUrl } from "./support/server";
import { tempDataDir } from "./support/process";

const MIGRATIONS = readdirSync(join(__dirname, "..", "server", "store", "migrations"))
  .filter((f) => f.endsWith(".sql"))
  .sort();

const engines: { name: string; open(): Promise<{ db: Db; reopen(): Promise<Db>; cleanup(): Promise<void> }> }[] = [
  {
    name: "PGlite",
    async open() {
      const dir = tempDataDir("orgs-store-");
      return { db: await openPglite(dir), reopen: () => openPglite(dir), cleanup: async () => {} };
    },
  },
];
if (postgresUrl()) {
  engines.push({
    name: "PostgreSQL",
    async open() {
      const fresh = await freshPostgresDatabase();
      return { db: await openPostgres(fresh.url), reopen: () => openPostgres(fresh.url), cleanup: fresh.drop };
    },
  });
} else {
  it.skip("store on PostgreSQL: ORGS_TEST_POSTGRES_URL is not set (.ci/run starts a server and sets it)", () => {});
}

describe.each(engines)("store on $name", (engine) => {
  let db: Db;
  let handle: Awaited<ReturnType<(typeof engines)[number]["open"]>>;
  beforeAll(async () => {
    handle = await engine.open();
    db = handle.db;
  });
  afterAll(async () => {
    await db.close();
    await handle.cleanup();
  });

  it("records every migration once, in name order", async () => {
    const rows = await db.query<{ name: string }>("SELECT name FROM schema_migrations ORDER BY applied_at, name");
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS);
    expect(await migrate(db)).toEqual([]);
  });

  it("applies nothing again on reopen and keeps the data", async () => {
    await db.query("INSERT INTO accounts (id, email, email_normalized, name) VALUES ('acc_store1', 'Ann@Example.com', 'ann@example.com', 'Ann')");
    await db.close();
    db = await handle.reopen();
    expect(await migrate(db)).toEqual([]);
    const [row] = await db.query<{ email: string }>("SELECT email FROM accounts WHERE id = 'acc_store1'");
    expect(row?.email).toBe("Ann@Example.com");
  });

  it("backs case-insensitive email uniqueness with a constraint", async () => {
    await expect(
      db.query("INSERT INTO accounts (id, email, email_normalized, name) VALUES ('acc_store2', 'ANN@example.com', 'ann@example.com', 'Ann 2')"),
    ).rejects.toMatchObject({ code: "23505" });
  });

  it("rolls a failed transaction back entirely", async () => {
    await expect(
      db.tx(async (q) => {
        await q.query("INSERT INTO accounts (id, email, email_normalized, name) VALUES ('acc_store3', 'bo@example.com', 'bo@example.com', 'Bo')");
        await q.query("INSERT INTO accounts (id, email, email_normalized, name) VALUES ('acc_store4', 'BO@example.com', 'bo@example.com', 'Bo 2')");
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect(await db.query("SELECT id FROM accounts WHERE id IN ('acc_store3', 'acc_store4')")).toEqual([]);
  });

  it("backs case-insensitive role, team and project names with unique indexes", async () => {
    await db.query("INSERT INTO organizations (id, slug, name, region, owner_account_id) VALUES ('org_store', 'store-org', 'Store', 'eu', 'acc_store1')");
    await db.query("INSERT INTO teams (id, organization_id, name) VALUES ('team_s1', 'org_store', 'Platform')");
    await expect(db.query("INSERT INTO teams (id, organization_id, name) VALUES ('team_s2', 'org_store', 'PLATFORM')")).rejects.toMatchObject({
      code: "23505",
    });
    await db.query("INSERT INTO projects (id, organization_id, name) VALUES ('prj_s1', 'org_store', 'Web')");
    await expect(db.query("INSERT INTO projects (id, organization_id, name) VALUES ('prj_s2', 'org_store', 'web')")).rejects.toMatchObject({ code: "23505" });
  });

  it("runs a migration file whole: a `;` inside a $$ body, a string or a comment is not a statement's end", async () => {
    const dir = tempDataDir("orgs-migrations-");
    writeFileSync(
      join(dir, "901_semicolons.sql"),
      [
        "-- A comment; with a semicolon and a 'quote",
        "CREATE TABLE t901 (id int PRIMARY KEY, note text NOT NULL DEFAULT 'a; b');",
        "CREATE FUNCTION t901_label(n int) RETURNS text LANGUAGE plpgsql AS $$",
        "DECLARE s text;",
        "BEGIN",
        "  s := 'n=' || n || ';';",
        "  RETURN s;",
        "END;",
        "$$;",
        "CREATE FUNCTION t901_tagged() RETURNS text LANGUAGE sql AS $body$ SELECT 'x;y' $body$;",
        "INSERT INTO t901 (id) VALUES (1);",
        "INSERT INTO t901 (id, note) VALUES (2, 'it''s; fine -- not a comment');",
      ].join("\n"),
    );
    expect(await migrate(db, dir)).toEqual(["901_semicolons.sql"]);
    expect(await db.query("SELECT id, note, t901_label(id) AS label, t901_tagged() AS tagged FROM t901 ORDER BY id")).toEqual([
      { id: 1, note: "a; b", label: "n=1;", tagged: "x;y" },
      { id: 2, note: "it's; fine -- not a comment", label: "n=2;", tagged: "x;y" },
    ]);
    expect(await db.query("SELECT name FROM schema_migrations WHERE name = '901_semicolons.sql'")).toHaveLength(1);
    expect(await migrate(db, dir)).toEqual([]);
  });

  it("runs each migration file in its own transaction: a failing one leaves nothing, the ones before it stay", async () => {
    const dir = tempDataDir("orgs-migrations-");
    writeFileSync(join(dir, "911_good.sql"), "CREATE TABLE t911 (id int);\nINSERT INTO t911 VALUES (1);\n");
    writeFileSync(join(dir, "912_bad.sql"), "CREATE TABLE t912 (id int);\nINSERT INTO t912 VALUES (1);\nSELECT no_such_column FROM t912;\n");
    writeFileSync(join(dir, "913_after.sql"), "CREATE TABLE t913 (id int);\n");
    await expect(migrate(db, dir)).rejects.toMatchObject({ message: expect.stringContaining("no_such_column") });
    const recorded = await db.query<{ name: string }>("SELECT name FROM schema_migrations WHERE name LIKE '91%' ORDER BY name");
    expect(recorded.map((r) => r.name)).toEqual(["911_good.sql"]);
    expect(await db.query("SELECT id FROM t911")).toEqual([{ id: 1 }]);
    const tables = await db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE tablename IN ('t912', 't913')");
    expect(tables).toEqual([]);
  });
});
