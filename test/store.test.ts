// The store on both engines: the same migrations, applied in order and recorded once; uniqueness
// rules backed by constraints; transactions that roll back entirely.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { migrate, openPglite, openPostgres, type Db } from "../server/store/db";
import { freshPostgresDatabase, postgresUrl } from "./support/server";
import { tempDataDir } from "./support/process";

const MIGRATIONS = readdirSync(join(__dirname, "..", "server", "store", "migrations")).filter((f) => f.endsWith(".sql")).sort();

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
    await expect(db.query("INSERT INTO accounts (id, email, email_normalized, name) VALUES ('acc_store2', 'ANN@example.com', 'ann@example.com', 'Ann 2')")).rejects.toMatchObject({ code: "23505" });
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
    await expect(db.query("INSERT INTO teams (id, organization_id, name) VALUES ('team_s2', 'org_store', 'PLATFORM')")).rejects.toMatchObject({ code: "23505" });
    await db.query("INSERT INTO projects (id, organization_id, name) VALUES ('prj_s1', 'org_store', 'Web')");
    await expect(db.query("INSERT INTO projects (id, organization_id, name) VALUES ('prj_s2', 'org_store', 'web')")).rejects.toMatchObject({ code: "23505" });
  });
});
