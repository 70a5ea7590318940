// The shape of a command in the one command table that drives parsing, help and completion.
import type { OperationId } from "../api/routes";
import type { CallArgs, ItemOf, OrgsClient } from "../client";
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

type Flags = Readonly<Record<string, FlagDef>>;
type NoFlags = Record<never, FlagDef>;
type Args = readonly ArgDef[];

/**
 * What a flag's definition gives the command once parsed (parse.ts): a list for `multiple` (split
 * on commas), one of `values` when it has them (already checked), a boolean or a string otherwise.
 */
export type FlagValue<F extends FlagDef> = F["type"] extends "boolean"
  ? boolean
  : F extends { values: readonly (infer V)[] }
    ? F extends { multiple: true }
      ? V[]
      : V
    : F extends { multiple: true }
      ? string[]
      : string;

export type FlagValues<F extends Flags> = { -readonly [K in keyof F]?: FlagValue<F[K]> };

/** A command's arguments by name: a list for `variadic`, possibly undefined when `optional`. */
export type ArgValues<A extends Args> = {
  [D in A[number] as D["name"]]: D extends { variadic: true } ? string[] : D extends { optional: true } ? string | undefined : string;
};

/** The flags every command has: the global ones, --org and --yes (for those that take them). */
export type CommonFlags = FlagValues<typeof GLOBAL_FLAGS> & { org?: string; yes?: boolean };

export interface RunCtx<F extends Flags = NoFlags, A extends Args = []> {
  args: ArgValues<A>;
  flags: FlagValues<F> & CommonFlags;
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
  /** Every page of a list operation, with `label` as progress on a terminal while it loads. */
  fetchAll<K extends OperationId>(label: string, op: K, args?: CallArgs<K>): Promise<ItemOf<K>[]>;
  /** Asks before destructive actions; --yes skips; refuses (usage error) without a terminal. */
  confirm(question: string): Promise<void>;
  env: NodeJS.ProcessEnv;
  /** The streams and signals of this run (the process's own, or a test's). */
  io: Io;
}

/** What the helpers that resolve names (resolve.ts) need of a run: its client and organization. */
export type Scope = Pick<RunCtx, "client" | "org">;

export interface CommandSpec<F extends Flags, A extends Args> {
  name: string;
  summary: string;
  description?: string;
  args?: A;
  flags?: F;
  /** Accepts --org (with the ORGS_ORG default). */
  org?: boolean;
  /** Asks for confirmation; accepts --yes/-y. */
  destructive?: boolean;
  /** Does not need a token (help, completion, sign-up, login). */
  noAuth?: boolean;
  /** Prints no table: --format does not apply. */
  noFormat?: boolean;
  examples?: string[];
  run(ctx: RunCtx<F, A>): Promise<void>;
}

/** Flags and arguments as parse.ts builds them from the definitions, before command() types them. */
export type ParsedFlags = Record<string, string | boolean | string[]> & CommonFlags;
export type ParsedArgs = Record<string, string | string[] | undefined>;

/**
 * A command of the table, its flag and argument types erased (see command()): main() runs it with
 * what parse.ts built from the same definitions, the one place the types are taken on trust.
 */
export type CommandDef = Omit<CommandSpec<Flags, Args>, "run"> & { run(ctx: RunCtx<any, any>): Promise<void> };

/**
 * Defines a command: its `run` gets flags and arguments typed from their definitions (`--permission`
 * with `multiple` and `values: PERMISSIONS` is a Permission[]), with no casts in the command.
 */
export function command<const F extends Flags = NoFlags, const A extends Args = []>(spec: CommandSpec<F, A>): CommandDef {
  return spec;
}

/** A repeatable, comma-separated flag's values as a list; [] when given empty (--permission=). */
export function listFlag(v: string | string[]): string[] {
  const parts = (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(","));
  return parts.map((s) => s.trim()).filter((s) => s !== "");
}

/** Checks each item of a list against its allowed values, naming them in the error. */
export function checkValues(flag: string, items: string[], allowed: readonly string[]): void {
  const bad = items.filter((i) => !allowed.includes(i));
  if (bad.length) throw new UsageError(`invalid value ${bad.map((b) => `"${b}"`).join(", ")} for --${flag}`, `allowed: ${allowed.join(", ")}`);
}

export const ORG_FLAG: FlagDef = { type: "string", short: "o", description: "Organization slug or ID (default: $ORGS_ORG)", placeholder: "slug" };

/** Flags every command takes. */
export const GLOBAL_FLAGS = {
  format: { type: "string", description: "Output: table (default), json (the API objects) or csv", values: FORMATS },
  "api-url": { type: "string", description: "API base URL (default: $ORGS_API_URL, then the auth:login config)", placeholder: "url" },
  token: { type: "string", description: "API token (default: $ORGS_API_TOKEN, then the auth:login config)" },
  help: { type: "boolean", short: "h", description: "Show help for the command" },
} as const satisfies Flags;
const YES_FLAG: FlagDef = { type: "boolean", short: "y", description: "Do not ask for confirmation" };

/** Every flag a command accepts, its own first. */
export function flagsOf(cmd: Pick<CommandDef, "flags" | "org" | "destructive">): Flags {
  return { ...cmd.flags, ...(cmd.org ? { org: ORG_FLAG } : {}), ...(cmd.destructive ? { yes: YES_FLAG } : {}), ...GLOBAL_FLAGS };
}
