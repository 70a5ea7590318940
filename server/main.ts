#!/usr/bin/env node
// orgs-server: the org API on a socket. Embedded PGlite by default (a data directory on disk);
// DATABASE_URL=postgres://… for a PostgreSQL server. Stops cleanly on SIGINT/SIGTERM: in-flight
// requests finish, then the database closes (an unclosed PGlite can hang the process at exit).
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { buildApp } from "./app";
import { ensureOperator } from "./bootstrap";
import { ConfigError, loadConfig, type MainConfig } from "./config";
import { DataDirInUse, lockDataDir } from "./data-dir-lock";
import { outboxMailer, smtpMailer } from "./mailer";
import { isTransient } from "./http/problems";
import { openPglite, openPostgres } from "./store/db";
import { DatabaseUnavailable } from "./store/unavailable";

async function main(): Promise<void> {
  const cfg = loadConfig(process.argv.slice(2));
  await portIsFree(cfg);
  let unlock = () => {};
  if (!cfg.databaseUrl) {
    mkdirSync(cfg.dataDir, { recursive: true });
    unlock = lockDataDir(cfg.dataDir);
    // Also on a fatal error after this point; a kill -9 leaves a stale lock, which the next start takes over.
    process.once("exit", () => unlock());
  }
  const db = cfg.databaseUrl ? await openPostgresOrSay(cfg.databaseUrl) : await openPglite(cfg.dataDir);
  const mailer = cfg.smtpUrl ? await smtpMailer(cfg.smtpUrl, cfg.mailFrom) : outboxMailer;
  const app = await buildApp({ db, config: cfg.app, mailer, logger: cfg.logger, trustProxy: cfg.trustProxy, maintenanceEveryMs: cfg.cleanupEveryMs });
  const operator = await ensureOperator(db, { email: cfg.operatorEmail, token: cfg.operatorToken });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`orgs-server: ${signal}, shutting down\n`);
    try {
      await app.close();
    } finally {
      await db.close();
      unlock();
    }
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  try {
    await app.listen({ host: cfg.host, port: cfg.port });
  } catch (err) {
    const why = listenError(err, cfg);
    if (!why) throw err;
    await app.close().catch(() => {});
    await db.close().catch(() => {});
    throw new StartError(why);
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : cfg.port;
  const url = cfg.app.publicUrl.replace(/:\d+$/, `:${port}`);
  const store = cfg.databaseUrl ? `PostgreSQL at ${redact(cfg.databaseUrl)}` : `embedded PGlite in ${cfg.dataDir}`;
  process.stdout.write(banner({ url, store, mail: mailer.kind, operator, operatorTokenFromEnv: Boolean(cfg.operatorToken) }).join("\n") + "\n");
}

/**
 * A port that is taken stops the start before the database opens (seconds, on a first start), and
 * before the data directory is created. The listen below still reports one taken in between.
 */
async function portIsFree(cfg: MainConfig): Promise<void> {
  if (cfg.port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen({ host: cfg.host, port: cfg.port, exclusive: true }, () => probe.close(() => resolve()));
    });
  } catch (err) {
    const why = listenError(err, cfg);
    throw why ? new StartError(why) : err;
  }
}

/**
 * What to do next. It never says `export ORGS_API_TOKEN=…`: a token in the environment outranks
 * the one `orgs auth:login` or `auth:signup --login` saves, so people who followed that advice went
 * on acting as the operator after signing up as themselves.
 */
function banner(o: { url: string; store: string; mail: string; operator: { email: string; token: string | null }; operatorTokenFromEnv: boolean }): string[] {
  const lines = [
    `orgs-server listening on ${o.url} (${o.store}, mail: ${o.mail})`,
    `  Admin page: ${o.url}/admin   (sign in by email link${o.mail === "outbox" ? "; without SMTP the operator reads it: orgs outbox:list" : ""})`,
    `  OpenAPI: ${o.url}/v1/openapi.json`,
  ];
  if (o.operator.token) {
    lines.push(`  Operator account ${o.operator.email} created. Its API token, shown this once:`, `    ${o.operator.token}`);
  } else if (o.operatorTokenFromEnv) {
    lines.push(`  Operator account: ${o.operator.email} (token from ORGS_OPERATOR_TOKEN)`);
  } else {
    lines.push(
      `  Operator account: ${o.operator.email} (its token was printed on first start).`,
      `  Lost it? Restart with ORGS_OPERATOR_TOKEN=<a new secret> set: that secret becomes an operator token too.`,
    );
  }
  const cli = process.env.ORGS_CLI_NAME || "orgs";
  const steps: [string, string][] = [
    [`${cli} auth:signup you@example.com --login`, "your own account"],
    [`${cli} auth:login --token ${o.operator.token ?? "<operator token>"}`, "or act as the operator"],
  ];
  const w = Math.max(...steps.map(([c]) => c.length));
  lines.push(`  Use the CLI:  export ORGS_API_URL=${o.url}`, ...steps.map(([c, what]) => `    ${c.padEnd(w)}   ${what}`));
  return lines;
}

/**
 * PostgreSQL down at start (or going down during the migrations): one line and exit 1, rather than
 * waiting. A supervisor (systemd, Kubernetes, compose with restart) starts the server again; once
 * running, the server rides out PostgreSQL's restarts by itself (503 until it is back).
 */
async function openPostgresOrSay(url: string) {
  try {
    return await openPostgres(url);
  } catch (err) {
    if (!DatabaseUnavailable.isInstance(err) && !isTransient((err as { code?: unknown }).code)) throw err;
    const cause = (DatabaseUnavailable.isInstance(err) ? err.cause : err) as { message?: string; code?: string };
    const why = cause.message || cause.code || String(cause);
    throw new StartError(`cannot reach PostgreSQL at ${redact(url)} (${why}): start it or fix DATABASE_URL, then start orgs-server again`);
  }
}

/** A failure to start that one line explains (no stack trace). */
class StartError extends Error {}

function listenError(err: unknown, cfg: MainConfig): string | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  const where = `port ${cfg.port} on ${cfg.host}`;
  if (code === "EADDRINUSE")
    return `${where} is already in use: stop what listens there, or pick another port with --port <n> or PORT=<n> (0 picks a free one)`;
  if (code === "EACCES") return `not allowed to listen on ${where}: pick a port above 1023 with --port <n> or PORT=<n>`;
  if (code === "EADDRNOTAVAIL") return `cannot listen on ${cfg.host}: no such address on this machine; pick another with --host <address> or HOST=<address>`;
  return undefined;
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

main().catch((err: unknown) => {
  const oneLine = err instanceof ConfigError || err instanceof DataDirInUse || err instanceof StartError;
  const msg = oneLine ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`orgs-server: ${msg}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
