// Where the API URL and token come from, in this order:
//   1. flags      --api-url, --token
//   2. env        ORGS_API_URL, ORGS_API_TOKEN
//   3. the file   `orgs auth:login` writes: $XDG_CONFIG_HOME/orgs/config.json, else ~/.config/orgs/config.json
// The file holds a secret, so it is written 0600 in a 0700 directory.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { UsageError } from "./errors";

export interface StoredConfig {
  api_url?: string;
  token?: string;
}

export type Source = "flag" | "env" | "config";

export interface Credentials {
  apiUrl?: string;
  token?: string;
  apiUrlSource?: Source;
  tokenSource?: Source;
}

export function configPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "orgs", "config.json");
}

export function readConfig(env: NodeJS.ProcessEnv): StoredConfig {
  const path = configPath(env);
  if (!existsSync(path)) return {};
  try {
    const v = JSON.parse(readFileSync(path, "utf8"));
    return typeof v === "object" && v !== null ? v : {};
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`, "fix or delete the file, then run orgs auth:login again");
  }
}

export function writeConfig(env: NodeJS.ProcessEnv, cfg: StoredConfig): string {
  const path = configPath(env);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // mkdir's mode is masked by the umask and ignored for existing dirs
  // Written beside and renamed, so a crash never leaves a half-written file or a readable secret.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(cfg, null, 2) + "\n", { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return path;
}

export function removeConfig(env: NodeJS.ProcessEnv): boolean {
  const path = configPath(env);
  if (!existsSync(path)) return false;
  rmSync(path);
  return true;
}

export function resolveCredentials(flags: { "api-url"?: string; token?: string }, env: NodeJS.ProcessEnv): Credentials {
  const pick = (flag: string | undefined, envVar: string | undefined, stored: () => string | undefined): [string | undefined, Source | undefined] => {
    if (flag) return [flag, "flag"];
    if (envVar) return [envVar, "env"];
    const s = stored();
    return s ? [s, "config"] : [undefined, undefined];
  };
  let cfg: StoredConfig | undefined;
  const stored = () => (cfg ??= readConfig(env));
  const [apiUrl, apiUrlSource] = pick(flags["api-url"], env.ORGS_API_URL, () => stored().api_url);
  const [token, tokenSource] = pick(flags.token, env.ORGS_API_TOKEN, () => stored().token);
  return { apiUrl, token, apiUrlSource, tokenSource };
}

export function describeSource(s: Source | undefined, what: "url" | "token", env: NodeJS.ProcessEnv): string {
  if (s === "flag") return what === "url" ? "--api-url" : "--token";
  if (s === "env") return what === "url" ? "ORGS_API_URL" : "ORGS_API_TOKEN";
  if (s === "config") return configPath(env);
  return "nowhere";
}

export const noUrl = () => new UsageError("no API URL configured", "pass --api-url, set ORGS_API_URL, or run orgs auth:login --api-url <url>");
export const noToken = () => new UsageError("not logged in: no API token", "pass --token, set ORGS_API_TOKEN, or run orgs auth:login");
