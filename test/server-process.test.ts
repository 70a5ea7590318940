// The orgs-server binary as users run it: first start prints the operator token once, the data
// directory survives restarts, SIGTERM/SIGINT stop it cleanly, bad configuration exits 2.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, SERVER_MAIN, printedToken, startServerProcess, tempDataDir, type ServerProcess } from "./support/process";
import { freshPostgresDatabase, postgresUrl } from "./support/server";

const me = (url: string, token: string) => fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });

/** Servers a failed assertion left running are stopped after the file. */
const running: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop("SIGKILL")));
});
const started = async (opts: Parameters<typeof startServerProcess>[0] = {}) => {
  const s = await startServerProcess(opts);
  running.push(s);
  return s;
};

/** Runs orgs-server to its exit (for starts that must fail), with everything it printed. */
function serverUntilExit(env: Record<string, string | undefined>, ms = 15_000): Promise<{ code: number | null; output: string }> {
  const proc = spawn(process.execPath, [SERVER_MAIN], {
    env: { ...process.env, ORGS_RATE_LIMIT: "0", DATABASE_URL: undefined, ...env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  proc.stdout.on("data", (d) => (output += d));
  proc.stderr.on("data", (d) => (output += d));
  const timer = setTimeout(() => proc.kill("SIGKILL"), ms);
  return new Promise((resolve) =>
    proc.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

/** A pid no process has any more. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

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

  it("the first-start banner never exports ORGS_API_TOKEN (it would outrank a later auth:signup --login)", async () => {
    const s = await started();
    const token = printedToken(s.output())!;
    expect(s.output()).not.toMatch(/ORGS_API_TOKEN=/);
    expect(s.output()).toContain(`export ORGS_API_URL=${s.url}`);
    expect(s.output()).toContain("auth:signup you@example.com --login");
    expect(s.output()).toContain(`auth:login --token ${token}`);
    await s.stop();
  });

  it("the restart banner says how to recover a lost operator token, and that way works", async () => {
    const s = await started({ dataDir });
    expect(s.output()).toContain("Lost it? Restart with ORGS_OPERATOR_TOKEN=<a new secret> set");
    expect(s.output()).not.toMatch(/ORGS_API_TOKEN=/);
    await s.stop();
    const secret = "omt_recovered_operator_token_0123456789";
    const again = await started({ dataDir, env: { ORGS_OPERATOR_TOKEN: secret } });
    const r = await me(again.url, secret);
    expect(r.status).toBe(200);
    expect((await r.json()).email).toBe("operator@orgs.localhost");
    await again.stop();
  });

  it("a second server on the same data directory refuses in one line, naming the first one's pid", async () => {
    const first = await started({ dataDir });
    const second = await serverUntilExit({ PORT: "0", ORGS_DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.output).toBe(
      `orgs-server: the data directory ${dataDir} is in use by another orgs-server (pid ${first.proc.pid}): stop it, or give this one another --data-dir (if pid ${first.proc.pid} is no orgs-server, delete ${join(dataDir, "orgs-server.pid")})\n`,
    );
    // The refused server did not touch the first one's lock, nor its data.
    expect((await me(first.url, token)).status).toBe(200);
    expect(readFileSync(join(dataDir, "orgs-server.pid"), "utf8").trim()).toBe(String(first.proc.pid));
    expect(await first.stop()).toBe(0);
    expect(existsSync(join(dataDir, "orgs-server.pid"))).toBe(false);
  });

  it("a lock left by a process that is gone (kill -9) does not block a start", async () => {
    writeFileSync(join(dataDir, "orgs-server.pid"), `${deadPid()}\n`);
    const s = await started({ dataDir });
    expect((await me(s.url, token)).status).toBe(200);
    expect(readFileSync(join(dataDir, "orgs-server.pid"), "utf8").trim()).toBe(String(s.proc.pid));
    await s.stop("SIGKILL");
    const again = await started({ dataDir });
    expect((await me(again.url, token)).status).toBe(200);
    expect(await again.stop()).toBe(0);
  });

  it("a busy port is one line naming the port and how to pick another", async () => {
    const first = await started();
    const dataDir = join(tempDataDir(), "new");
    const r = await serverUntilExit({ PORT: String(first.port), ORGS_DATA_DIR: dataDir });
    expect(r.code).toBe(1);
    // Found before the database opens: nothing was created.
    expect(existsSync(dataDir)).toBe(false);
    expect(r.output).toBe(
      `orgs-server: port ${first.port} on 127.0.0.1 is already in use: stop what listens there, or pick another port with --port <n> or PORT=<n> (0 picks a free one)\n`,
    );
    await first.stop();
  });

  it("takes the operator token from ORGS_OPERATOR_TOKEN for scripted setups", async () => {
    const secret = "omt_scripted_operator_token_0123456789";
    const s = await startServerProcess({ env: { ORGS_OPERATOR_TOKEN: secret } });
    expect(printedToken(s.output())).toBeNull();
    expect(s.output()).toContain("from ORGS_OPERATOR_TOKEN");
    const r = await me(s.url, secret);
    expect(r.status).toBe(200);
    // The outbox answers the operator alone: the secret is an operator token, not just any account's.
    const outbox = await fetch(`${s.url}/v1/outbox`, { headers: { authorization: `Bearer ${secret}` } });
    expect(outbox.status).toBe(200);
    await s.stop();
  });

  it("exits 2 with a clear message on bad configuration", () => {
    const r = spawnSync(process.execPath, [SERVER_MAIN, "--port", "99999"], { encoding: "utf8", env: { ...process.env, ORGS_DATA_DIR: tempDataDir() } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/port must be 0-65535/);
    const u = spawnSync(process.execPath, [SERVER_MAIN], { encoding: "utf8", env: { ...process.env, DATABASE_URL: "mysql://x" } });
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/DATABASE_URL must be a postgres:\/\/ URL/);
    // The API refuses emails like operator@localhost, so an operator named so could not be served.
    const e = spawnSync(process.execPath, [SERVER_MAIN], {
      encoding: "utf8",
      env: { ...process.env, ORGS_DATA_DIR: tempDataDir(), ORGS_OPERATOR_EMAIL: "root@localhost", PORT: "0" },
      timeout: 20_000,
    });
    expect(e.status).toBe(2);
    expect(e.stderr).toBe(
      'orgs-server: ORGS_OPERATOR_EMAIL must be an email address the API accepts (such as operator@orgs.localhost), got "root@localhost"\n',
    );
  });
});

describe("./dev", () => {
  const DEV = join(ROOT, "dev");
  // This test's Node first on PATH, so ./dev never fetches one.
  const PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH}`;

  it("with no argument prints its usage, and no line of its own source", () => {
    const r = spawnSync("bash", [DEV], { encoding: "utf8", env: { ...process.env, PATH }, timeout: 60_000 });
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^The project's entry points/);
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {2}\.\/dev |^Paths given/);
    expect(r.stdout).not.toMatch(/set -e|ORGS_ROOT|^#/m);
    const bad = spawnSync("bash", [DEV, "strat"], { encoding: "utf8", env: { ...process.env, PATH }, timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('./dev: unknown command "strat"');
  });

  it("start takes --data-dir ./data from where it is run, not the checkout, and its banner names ./dev orgs", async () => {
    const hadData = existsSync(join(ROOT, "data"));
    const cwd = realpathSync(mkdtempSync(join(tmpdir(), "orgs-dev-cwd-")));
    // npm is the build tool, not what is tested: dist/ is already built for the tests, and a
    // stand-in that does nothing spares a rebuild.
    const bin = mkdtempSync(join(tmpdir(), "orgs-fake-npm-"));
    writeFileSync(join(bin, "npm"), "#!/bin/sh\nexit 0\n");
    chmodSync(join(bin, "npm"), 0o755);
    const proc = spawn("bash", [DEV, "start", "--data-dir", "./data", "--port", "0"], {
      cwd,
      env: { ...process.env, PATH: `${bin}${delimiter}${PATH}`, ORGS_RATE_LIMIT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (out += d));
    const exited = new Promise((r) => proc.on("exit", r));
    try {
      const until = Date.now() + 60_000;
      while (!/listening on/.test(out) && proc.exitCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain(`embedded PGlite in ${join(cwd, "data")}`);
      expect(existsSync(join(cwd, "data", "PG_VERSION"))).toBe(true);
      expect(existsSync(join(ROOT, "data"))).toBe(hadData);
      expect(out).toContain(`${DEV} orgs auth:signup you@example.com --login`);
    } finally {
      proc.kill("SIGTERM");
      await exited;
      if (!hadData) rmSync(join(ROOT, "data"), { recursive: true, force: true });
    }
  });
});

if (postgresUrl())
  describe("orgs-server on PostgreSQL (DATABASE_URL)", () => {
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
