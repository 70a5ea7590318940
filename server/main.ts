#!/usr/bin/env node
// orgs-server: the org API on a socket. Embedded PGlite by default (a data directory on disk);
// DATABASE_URL=postgres://… for a PostgreSQL server. Stops cleanly on SIGINT/SIGTERM: in-flight
// requests finish, then the database closes (an unclosed PGlite can hang the process at exit).
import { mkdirSync } from "node:fs";
import { buildApp } from "./app";
import { ensureOperator } from "./bootstrap";
import { ConfigError, loadConfig } from "./config";
import { outboxMailer, smtpMailer } from "./mailer";
import { openPglite, openPostgres } from "./store/db";

async function main(): Promise<void> {
  const cfg = loadConfig(process.argv.slice(2));
  if (!cfg.databaseUrl) mkdirSync(cfg.dataDir, { recursive: true });
  const db = cfg.databaseUrl ? await openPostgres(cfg.databaseUrl) : await openPglite(cfg.dataDir);
  const mailer = cfg.smtpUrl ? await smtpMailer(cfg.smtpUrl, cfg.mailFrom) : outboxMailer;
  const app = await buildApp({ db, config: cfg.app, mailer, logger: cfg.logger });
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
    }
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  await app.listen({ host: cfg.host, port: cfg.port });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : cfg.port;
  const url = cfg.app.publicUrl.replace(/:\d+$/, `:${port}`);
  const store = cfg.databaseUrl ? `PostgreSQL at ${redact(cfg.databaseUrl)}` : `embedded PGlite in ${cfg.dataDir}`;
  const lines = [
    `orgs-server listening on ${url} (${store}, mail: ${mailer.kind})`,
    `  OpenAPI: ${url}/v1/openapi.json`,
  ];
  if (operator.token) {
    lines.push(
      `  Operator account ${operator.email} created. Its API token, shown this once:`,
      `    ${operator.token}`,
      `  Use it:  export ORGS_API_URL=${url} ORGS_API_TOKEN=${operator.token}`,
    );
  } else {
    lines.push(
      `  Operator account: ${operator.email} (token ${cfg.operatorToken ? "from ORGS_OPERATOR_TOKEN" : "printed on first start"})`,
      `  Use it:  export ORGS_API_URL=${url} ORGS_API_TOKEN=<operator token>   or sign up: orgs auth:signup`,
    );
  }
  process.stdout.write(lines.join("\n") + "\n");
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

main().catch((err: unknown) => {
  const msg = err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`orgs-server: ${msg}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
