// The shape of a command in the one command table that drives parsing, help and completion.
import type { OrgsClient } from "../provider/client";
import type { Credentials } from "./config";
import { UsageError } from "./errors";
import type { Io } from "./io";
import { FORMATS, type Output } from "./output";
import type { Progress } from "./prompt";

export interface FlagDef {
  type: "string" | "boolean";
  short?: string;
  /** May be given several times; comma-separated lists are accepted too (see listFlag). */
  multiple?: boolean;
  description: string;
  /** Allowed values (each item of a list); checked before any call and offered by completion. */
  values?: readonly string[];
  placeholder?: string;
}

export interface ArgDef {
  name: string;
  description: string;
  optional?: boolean;
  /** Takes every remaining positional. */
  variadic?: boolean;
  values?: readonly string[];
}

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export interface RunCtx {
  args: Record<string, string | string[] | undefined>;
  flags: FlagValues;
  /** The authenticated client (built on first use; a missing URL or token is a usage error). */
  client(): OrgsClient;
  /** A client for an explicit URL and token (login verifies a token before saving it). */
  clientFor(apiUrl: string, token?: string): OrgsClient;
  /** The API URL and token as resolved (flags > env > config file), and where each came from. */
  credentials: Credentials;
  /** The organization from --org or ORGS_ORG (slug or ID). */
  org(): string;
  out: Output;
  progress(label: string): Progress;
  /** Asks before destructive actions; --yes skips; refuses (usage error) without a terminal. */
  confirm(question: string): Promise<void>;
  env: NodeJS.ProcessEnv;
  /** The streams and signals of this run (the process's own, or a test's). */
  io: Io;
}

export interface CommandDef {
  name: string;
  summary: string;
  description?: string;
  args?: ArgDef[];
  flags?: Record<string, FlagDef>;
  /** Accepts --org (with the ORGS_ORG default). */
  org?: boolean;
  /** Asks for confirmation; accepts --yes/-y. */
  destructive?: boolean;
  /** Does not need a token (help, completion, sign-up, login). */
  noAuth?: boolean;
  /** Prints no table: --format does not apply. */
  noFormat?: boolean;
  examples?: string[];
  run(ctx: RunCtx): Promise<void>;
}

/** A repeatable, comma-separated flag as a list; undefined when absent, [] when given empty. */
export function listFlag(v: FlagValues[string]): string[] | undefined {
  if (v === undefined || typeof v === "boolean") return undefined;
  const parts = (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(","));
  return parts.map((s) => s.trim()).filter((s) => s !== "");
}

export function stringFlag(v: FlagValues[string]): string | undefined {
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === "string" ? v : undefined;
}

export function arg(ctx: RunCtx, name: string): string {
  const v = ctx.args[name];
  return Array.isArray(v) ? v.join(" ") : (v ?? "");
}

/** Checks each item of a list against its allowed values, naming them in the error. */
export function checkValues(flag: string, items: string[], allowed: readonly string[]): void {
  const bad = items.filter((i) => !allowed.includes(i));
  if (bad.length) throw new UsageError(`invalid value ${bad.map((b) => `"${b}"`).join(", ")} for --${flag}`, `allowed: ${allowed.join(", ")}`);
}

export const ORG_FLAG: FlagDef = { type: "string", short: "o", description: "Organization slug or ID (default: $ORGS_ORG)", placeholder: "slug" };

/** Flags every command takes. */
export const GLOBAL_FLAGS: Record<string, FlagDef> = {
  format: { type: "string", description: "Output: table (default), json (the API objects) or csv", values: FORMATS },
  "api-url": { type: "string", description: "API base URL (default: $ORGS_API_URL, then the auth:login config)", placeholder: "url" },
  token: { type: "string", description: "API token (default: $ORGS_API_TOKEN, then the auth:login config)" },
  help: { type: "boolean", short: "h", description: "Show help for the command" },
};
const YES_FLAG: FlagDef = { type: "boolean", short: "y", description: "Do not ask for confirmation" };

/** Every flag a command accepts, its own first. */
export function flagsOf(cmd: CommandDef): Record<string, FlagDef> {
  return { ...cmd.flags, ...(cmd.org ? { org: ORG_FLAG } : {}), ...(cmd.destructive ? { yes: YES_FLAG } : {}), ...GLOBAL_FLAGS };
}
