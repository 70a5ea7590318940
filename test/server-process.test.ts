// The orgs-server binary as users run it: first start prints the operator token once, the data
// directory survives restarts, SIGTERM/SIGINT stop it cleanly, bad configuration exits 2.
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { SERVER_MAIN, printedToken, startServerProcess, tempDataDir } from "./support/process";
import { freshPostgresDatabase, postgresUrl } from "./support/server";

const me = (url: string, token: string) => fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });

describe("orgs-server on the embedded database", () => {
  const dataDir = tempDataDir();
  let token = "";

  it("prints where it listens and the operator token, once, on first start", async () => {
    const s = await startServerProcess({ dataDir });
    token = printedToken(s.output()) ?? "";
    expect(s.output()).toContain(`embedded PGlite in ${dataDir}`);
    expect(token).toMatch(/^\S{20,}$/);
    expect((await me(s.url, token)).status).toBe(200);
    const spec = await fetch(`${s.url}/v1/openapi.json`);
    expect(spec.status).toBe(200);
    expect((await spec.json()).openapi).toMatch(/^3\./);
    expect(await s.stop("SIGTERM")).toBe(0);
  });

  it("keeps its data across a restart and does not print a token again", async () => {
    const s = await startServerProcess({ dataDir });
    expect(printedToken(s.output())).toBeNull();
    expect((await me(s.url, token)).status).toBe(200);
    expect(await s.stop("SIGINT")).toBe(0);
  });

  it("takes the operator token from ORGS_OPERATOR_TOKEN for scripted setups", async () => {
    const secret = "omt_scripted_operator_token_0123456789";
    const s = await startServerProcess({ env: { ORGS_OPERATOR_TOKEN: secret } });
    expect(printedToken(s.output())).toBeNull();
    expect(s.output()).toContain("from ORGS_OPERATOR_TOKEN");
    const r = await me(s.url, secret);
    expect(r.status).toBe(200);
    expect((await r.json()).is_operator ?? true).toBeTruthy();
    await s.stop();
  });

  it("exits 2 with a clear message on bad configuration", () => {
    const r = spawnSync(process.execPath, [SERVER_MAIN, "--port", "99999"], { encoding: "utf8", env: { ...process.env, ORGS_DATA_DIR: tempDataDir() } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/port must be 0-65535/);
    const u = spawnSync(process.execPath, [SERVER_MAIN], { encoding: "utf8", env: { ...process.env, DATABASE_URL: "mysql://x" } });
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/DATABASE_URL must be a postgres:\/\/ URL/);
  });
});

if (postgresUrl()) describe("orgs-server on PostgreSQL (DATABASE_URL)", () => {
  let drop = async () => {};
  afterAll(() => drop());

  it("migrates an empty database, serves, and restarts on the same data", async () => {
    const fresh = await freshPostgresDatabase();
    drop = fresh.drop;
    const s = await startServerProcess({ env: { DATABASE_URL: fresh.url } });
    expect(s.output()).toMatch(/PostgreSQL at postgres:\/\//);
    const token = printedToken(s.output())!;
    expect((await me(s.url, token)).status).toBe(200);
    expect(await s.stop()).toBe(0);
    const again = await startServerProcess({ env: { DATABASE_URL: fresh.url } });
    expect(printedToken(again.output())).toBeNull();
    expect((await me(again.url, token)).status).toBe(200);
    expect(await again.stop()).toBe(0);
  });
});
else it.skip("PostgreSQL process tests: ORGS_TEST_POSTGRES_URL is not set (.ci/run starts a server and sets it)", () => {});
