// Parsing a command line, apart from running it: the command from the table, its flags (node:util
// parseArgs, then the allowed values), its arguments, and every usage error that needs no server,
// each with the hint that fits the mistake.
import { parseArgs } from "node:util";
import { checkValues, flagsOf, listFlag, type CommandDef, type ParsedArgs, type ParsedFlags } from "./command";
import { COMMANDS, findCommand } from "./commands";
import { UsageError } from "./errors";
import { usageLine } from "./help";
import type { Format } from "./output";
import { nearest } from "./suggest";

/** Positionals into the command's named arguments; too few or too many is a usage error. */
function bindArgs(cmd: CommandDef, positionals: string[], flags: ParsedFlags): ParsedArgs {
  const out: ParsedArgs = {};
  const defs = cmd.args ?? [];
  let i = 0;
  for (const a of defs) {
    if (a.variadic) {
      const rest = positionals.slice(i);
      out[a.name] = rest;
      i = positionals.length;
      if (!a.optional && !rest.length) throw new UsageError(`missing argument <${a.name}>`);
    } else if (i < positionals.length) {
      out[a.name] = positionals[i++];
    } else if (!a.optional) {
      throw new UsageError(`missing argument <${a.name}> (${a.description})`);
    }
  }
  if (i < positionals.length) throw tooMany(cmd, positionals, i, flags);
  return out;
}

/** Extra positionals: said for what they most likely are. */
function tooMany(cmd: CommandDef, positionals: string[], i: number, flags: ParsedFlags): UsageError {
  const extra = positionals.slice(i);
  const msg = `unexpected argument "${extra[0]}"`;
  // organization:delete acme: the organization is a flag, not an argument.
  const orgLike = cmd.org && flags.org === undefined && extra.length === 1 && /^[a-z0-9][a-z0-9_-]*$/.test(extra[0]!);
  const asOrg = `give the organization with --org: orgs ${cmd.name}${positionals
    .slice(0, i)
    .map((p) => ` ${quote(p)}`)
    .join("")} --org ${extra[0]}`;
  const defs = cmd.args ?? [];
  if (!defs.length) return new UsageError(msg, orgLike ? asOrg : `orgs ${cmd.name} takes no arguments: see orgs help ${cmd.name}`);
  // team:create My Team: a value with a space, split by the shell (an email never has one).
  const last = positionals[i - 1];
  const asOne = last === undefined || last.includes("@") ? undefined : `quote a value that contains spaces: ${quote([last, ...extra].join(" "))}`;
  if (orgLike) return new UsageError(msg, asOne ? `${asOne}, or ${asOrg}` : asOrg);
  return new UsageError(msg, asOne ?? `usage: ${usageLine(cmd)}`);
}

const quote = (s: string) => (/^[\w@.:/-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, "\\$1")}"`);

/** Flags as their definitions say: lists split on commas, allowed values checked. */
function parse(cmd: CommandDef, argv: string[]): { flags: ParsedFlags; positionals: string[] } {
  const defs = flagsOf(cmd);
  const options = Object.fromEntries(
    Object.entries(defs).map(([name, f]) => [name, { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) }]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    // parseArgs messages name the flag; drop its advice about "--" which does not apply here.
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, "").replace(/^Unknown option/, "unknown flag");
    const unknown = /^Unknown option '(-{1,2})([^'=]+)'/.exec((e as Error).message);
    throw new UsageError(msg, unknown ? unknownFlagHint(cmd, unknown[1]!, unknown[2]!) : `see orgs help ${cmd.name}`);
  }
  const flags: Record<string, string | boolean | string[]> = {};
  for (const [name, v] of Object.entries(parsed.values)) {
    if (v === undefined || typeof v === "boolean") {
      if (v !== undefined) flags[name] = v;
      continue;
    }
    const f = defs[name]!;
    const value = f.multiple ? listFlag((Array.isArray(v) ? v : [v]).map(String)) : String(v);
    if (f.values) checkValues(name, Array.isArray(value) ? value : [value], f.values);
    flags[name] = value;
  }
  // The one place values meet their declared types: checked against the same definitions above.
  return { flags: flags as ParsedFlags, positionals: parsed.positionals };
}

/** The flag meant: a near spelling (--permissions for --permission), or a word that is no flag of this command. */
function unknownFlagHint(cmd: CommandDef, dashes: string, name: string): string {
  const defs = flagsOf(cmd);
  if (dashes === "-") {
    const short = Object.entries(defs).filter(([, f]) => f.short);
    return short.length ? `short flags of ${cmd.name}: ${short.map(([n, f]) => `-${f.short} (--${n})`).join(", ")}` : `see orgs help ${cmd.name}`;
  }
  const near = nearest(name, Object.keys(defs));
  if (near.length) return `did you mean ${near.map((n) => `--${n}`).join(" or ")}?`;
  const elsewhere = COMMANDS.filter((c) => name in flagsOf(c)).length;
  return elsewhere ? `${cmd.name} takes no --${name}: see orgs help ${cmd.name}` : `see orgs help ${cmd.name}`;
}

/** What a command line asks for. */
export type Invocation =
  | { kind: "commands" }
  | { kind: "version" }
  | { kind: "help"; cmd: CommandDef }
  | { kind: "run"; cmd: CommandDef; flags: ParsedFlags; args: ParsedArgs; format: Format };

/**
 * What argv asks for, checked against the command table before anything runs: every usage error
 * (exit 2) that needs no server is thrown here. Pure: no streams, no environment, no network.
 */
export function parseInvocation(argv: readonly string[]): Invocation {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") return { kind: "commands" };
  if (name === "--version" || name === "-V") return { kind: "version" };
  const cmd = findCommand(name, rest[0]);
  try {
    const { flags, positionals } = parse(cmd, rest);
    if (flags.help) return { kind: "help", cmd };
    const args = bindArgs(cmd, positionals, flags);
    return { kind: "run", cmd, flags, args, format: flags.format ?? "table" };
  } catch (e) {
    if (e instanceof UsageError && !e.hint) throw new UsageError(e.message, `usage: ${usageLine(cmd)}`);
    throw e;
  }
}
