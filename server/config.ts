// The server's settings, from the environment (and a few flags). One table, documented in the
// README: each entry names its variable, its default and what it does.
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { Email } from "../api/common";
import { DEFAULT_CONFIG, type ServerConfig } from "./context";

/**
 * The operator's email unless ORGS_OPERATOR_EMAIL names another. It must pass the API's own email
 * rule, or every answer naming the operator breaks the published schema; `.localhost` is reserved
 * (RFC 6761), so mail to it never leaves the machine.
 */
export const DEFAULT_OPERATOR_EMAIL = "operator@orgs.localhost";

export interface MainConfig {
  host: string;
  port: number;
  /** postgres://… switches from the embedded PGlite to a PostgreSQL server. */
  databaseUrl: string | undefined;
  dataDir: string;
  operatorEmail: string;
  operatorToken: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  logger: boolean;
  /** Fastify's trustProxy: the proxies (addresses and CIDRs) whose X-Forwarded-For names the client. */
  trustProxy: string | undefined;
  /** How often the periodic clean-up runs, in ms. */
  cleanupEveryMs: number;
  app: ServerConfig;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

/** Reads flags (--port, --host, --data-dir) over the environment. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): MainConfig {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(port|host|data-dir)(?:=(.*))?$/.exec(argv[i]!);
    if (!m)
      throw new ConfigError(`unknown argument ${argv[i]}; orgs-server takes --port, --host and --data-dir (see the README for the environment variables)`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new ConfigError(`--${m[1]} needs a value`);
    flags.set(m[1]!, value);
  }
  const port = flags.has("port") ? Number(flags.get("port")) : int(env, "PORT", 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`the port must be 0-65535, got "${flags.get("port") ?? env.PORT}"`);
  const host = flags.get("host") ?? env.HOST ?? "127.0.0.1";
  // Absolute, so the banner and the lock's messages say where the data truly is.
  const dataDir = resolve(flags.get("data-dir") ?? env.ORGS_DATA_DIR ?? join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "orgs"));
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new ConfigError("DATABASE_URL must be a postgres:// URL (leave it unset for the embedded database)");
  const signup = env.ORGS_SIGNUP ?? DEFAULT_CONFIG.signup;
  if (signup !== "open" && signup !== "closed") throw new ConfigError(`ORGS_SIGNUP must be "open" or "closed", got "${signup}"`);
  const operatorEmail = env.ORGS_OPERATOR_EMAIL || DEFAULT_OPERATOR_EMAIL;
  if (!Email.safeParse(operatorEmail).success)
    throw new ConfigError(`ORGS_OPERATOR_EMAIL must be an email address the API accepts (such as ${DEFAULT_OPERATOR_EMAIL}), got "${operatorEmail}"`);
  const proxy = env.ORGS_TRUST_PROXY?.trim() || undefined;
  if (proxy && !/^[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*$/.test(proxy))
    throw new ConfigError(`ORGS_TRUST_PROXY must be a comma-separated list of the proxies' addresses (CIDRs allowed, e.g. 10.0.0.0/8), got "${proxy}"`);
  const displayHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return {
    host,
    port,
    databaseUrl,
    dataDir,
    operatorEmail,
    operatorToken: env.ORGS_OPERATOR_TOKEN || undefined,
    smtpUrl: env.ORGS_SMTP_URL || undefined,
    mailFrom: env.ORGS_MAIL_FROM ?? "orgs <no-reply@localhost>",
    logger: env.ORGS_LOG === "1" || env.ORGS_LOG === "true",
    trustProxy: proxy,
    cleanupEveryMs: int(env, "ORGS_CLEANUP_EVERY", 600, 1) * 1000,
    app: {
      ...DEFAULT_CONFIG,
      rateLimit: int(env, "ORGS_RATE_LIMIT", DEFAULT_CONFIG.rateLimit),
      authFailureLimit: int(env, "ORGS_AUTH_FAILURE_LIMIT", DEFAULT_CONFIG.authFailureLimit),
      invitationQuota: int(env, "ORGS_INVITATION_QUOTA", DEFAULT_CONFIG.invitationQuota),
      maxTeamsPerOrg: int(env, "ORGS_MAX_TEAMS", DEFAULT_CONFIG.maxTeamsPerOrg, 1),
      publicUrl: env.ORGS_PUBLIC_URL ?? `http://${displayHost.includes(":") ? `[${displayHost}]` : displayHost}:${port}`,
      signup,
      sessionTtlMs: int(env, "ORGS_SESSION_HOURS", DEFAULT_CONFIG.sessionTtlMs / 3600_000, 1) * 3600_000,
      signInLinkTtlMs: int(env, "ORGS_SIGN_IN_LINK_MINUTES", DEFAULT_CONFIG.signInLinkTtlMs / 60_000, 1) * 60_000,
      signInMailsPerHour: int(env, "ORGS_SIGN_IN_MAILS_PER_HOUR", DEFAULT_CONFIG.signInMailsPerHour, 1),
    },
  };
}
