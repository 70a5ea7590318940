#!/usr/bin/env node
// The `orgs` command line: finds the command in the table, parses its flags with node:util
// parseArgs, runs it, and maps the outcome to an exit code: 0 ok, 1 error (API or network), 2 usage.
import "./node-version";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { OrgsApiError, OrgsClient } from "../provider/client";
import { checkValues, flagsOf, listFlag, UsageError, type CommandDef, type FlagValues, type RunCtx } from "./command";
import { COMMANDS, findCommand } from "./commands";
import { describeSource, noToken, noUrl, resolveCredentials, type Credentials } from "./config";
import { renderHelp, renderList, usageLine } from "./help";
import { FORMATS, Output, type Format } from "./output";
import { Aborted, confirm, progress } from "./prompt";
import { nearest } from "./suggest";

export const EXIT = { ok: 0, error: 1, usage: 2 } as const;

function version(): string {
  for (const p of [join(__dirname, "..", "..", "package.json"), join(__dirname, "..", "package.json")]) {
    if (existsSync(p)) return JSON.parse(readFileSync(p, "utf8")).version;
  }
  return "0.0.0";
}

/** Positionals into the command's named arguments; too few or too many is a usage error. */
function bindArgs(cmd: CommandDef, positionals: string[], flags: FlagValues): RunCtx["args"] {
  const out: RunCtx["args"] = {};
  const defs = cmd.args ?? [];
  let i = 0;
  for (const a of defs) {
    if (a.variadic) {
      out[a.name] = positionals.slice(i);
      i = positionals.length;
      if (!a.optional && !(out[a.name] as string[]).length) throw new UsageError(`missing argument <${a.name}>`);
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
function tooMany(cmd: CommandDef, positionals: string[], i: number, flags: FlagValues): UsageError {
  const extra = positionals.slice(i);
  const msg = `unexpected argument "${extra[0]}"`;
  // organization:delete acme: the organization is a flag, not an argument.
  const orgLike = cmd.org && flags.org === undefined && extra.length === 1 && /^[a-z0-9][a-z0-9_-]*$/.test(extra[0]!);
  const asOrg = `give the organization with --org: orgs ${cmd.name}${positionals.slice(0, i).map((p) => ` ${quote(p)}`).join("")} --org ${extra[0]}`;
  const defs = cmd.args ?? [];
  if (!defs.length) return new UsageError(msg, orgLike ? asOrg : `orgs ${cmd.name} takes no arguments: see orgs help ${cmd.name}`);
  // team:create My Team: a value with a space, split by the shell (an email never has one).
  const last = positionals[i - 1];
  const asOne = last === undefined || last.includes("@") ? undefined : `quote a value that contains spaces: ${quote([last, ...extra].join(" "))}`;
  if (orgLike) return new UsageError(msg, asOne ? `${asOne}, or ${asOrg}` : asOrg);
  return new UsageError(msg, asOne ?? `usage: ${usageLine(cmd)}`);
}

const quote = (s: string) => (/^[\w@.:/-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, "\\$1")}"`);

function parse(cmd: CommandDef, argv: string[]) {
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
  const flags = parsed.values as FlagValues;
  for (const [name, f] of Object.entries(defs)) {
    const v = flags[name];
    if (!f.values || v === undefined || typeof v === "boolean") continue;
    checkValues(name, f.multiple ? listFlag(v)! : [String(v)], f.values);
  }
  return { flags, positionals: parsed.positionals };
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

export interface Invocation {
  cmd: CommandDef;
  flags: FlagValues;
  args: RunCtx["args"];
  format: Format;
  /** --help was given: the rest was not checked. */
  help: boolean;
}

/** What argv asks for, checked against the command table (usage errors) before anything runs. */
export function parseInvocation(argv: string[]): Invocation {
  const [name, ...rest] = argv;
  if (!name) throw new UsageError("no command given", "run orgs list to see every command");
  return parseFor(findCommand(name, rest[0]), rest);
}

function parseFor(cmd: CommandDef, rest: string[]): Invocation {
  const { flags, positionals } = parse(cmd, rest);
  if (flags.help) return { cmd, flags, args: {}, format: "table", help: true };
  const args = bindArgs(cmd, positionals, flags);
  const format = (flags.format as Format | undefined) ?? "table";
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format ${format}`);
  return { cmd, flags, args, format, help: false };
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const out = new Output("table", process.stdout, process.stderr);
  let cmd: CommandDef | undefined;
  let credentials: Credentials | undefined;
  const clients: OrgsClient[] = [];
  try {
    const [name, ...rest] = argv;
    if (!name || name === "--help" || name === "-h") {
      process.stdout.write(renderList(COMMANDS));
      return EXIT.ok;
    }
    if (name === "--version" || name === "-V") {
      process.stdout.write(`orgs ${version()}\n`);
      return EXIT.ok;
    }
    cmd = findCommand(name, rest[0]);
    const inv = parseFor(cmd, rest);
    if (inv.help) {
      process.stdout.write(renderHelp(cmd));
      return EXIT.ok;
    }
    const { flags, args, format } = inv;
    // Refused before any call: nothing is read or changed when nobody can confirm.
    if (cmd.destructive && flags.yes !== true && !process.stdin.isTTY) {
      throw new UsageError(`${cmd.name} needs confirmation, and stdin is not a terminal`, "pass --yes (-y) to confirm");
    }
    credentials = resolveCredentials({ "api-url": flags["api-url"] as string | undefined, token: flags.token as string | undefined }, env);
    const clientFor = (apiUrl: string, token?: string) => {
      const retries = Number(env.ORGS_MAX_RETRIES ?? 3);
      const c = new OrgsClient({ baseUrl: apiUrl, token, userAgent: `orgs-cli/${version()}`, maxRetries: Number.isFinite(retries) ? retries : 3 });
      clients.push(c);
      return c;
    };
    let client: OrgsClient | undefined;
    const resolved = credentials;
    const ctx: RunCtx = {
      args,
      flags,
      env,
      credentials: resolved,
      out: new Output(format, process.stdout, process.stderr),
      clientFor,
      client() {
        if (client) return client;
        if (!resolved.apiUrl) throw noUrl();
        if (!resolved.token) throw noToken();
        return (client = clientFor(resolved.apiUrl, resolved.token));
      },
      org() {
        const org = (flags.org as string | undefined) || env.ORGS_ORG;
        if (!org) throw new UsageError("no organization given", "pass --org <slug> or set ORGS_ORG");
        return org;
      },
      progress: (label) => progress(label),
      confirm: (question) => confirm(question, { yes: flags.yes === true }),
    };
    await cmd.run(ctx);
    return EXIT.ok;
  } catch (e) {
    return report(e, out, cmd, credentials, env);
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  }
}

function report(e: unknown, out: Output, cmd: CommandDef | undefined, cred: Credentials | undefined, env: NodeJS.ProcessEnv): number {
  if (e instanceof UsageError) {
    out.note(`orgs: ${e.message}`);
    if (e.hint) out.note(`  ${e.hint}`);
    if (cmd && !e.hint) out.note(`  usage: ${usageLine(cmd)}`);
    return EXIT.usage;
  }
  if (e instanceof Aborted) {
    out.note(`orgs: ${e.message}`);
    return EXIT.error;
  }
  if (OrgsApiError.isInstance(e)) {
    // Status 0 is no answer at all: the detail says why, and there is no HTTP status to show.
    if (e.status === 0) {
      out.note(`orgs: ${e.detail}`);
      if (e.code !== "missing_parameter") out.note(`  is orgs-server running there? The URL came from ${describeSource(cred?.apiUrlSource, "url", env)}`);
      return EXIT.error;
    }
    out.note(`orgs: ${e.message}`);
    if (e.status === 401) out.note(`  ${unauthenticatedHint(cmd, cred, env)}`);
    return EXIT.error;
  }
  out.note(`orgs: ${(e as Error)?.message ?? String(e)}`);
  if (process.env.ORGS_DEBUG) out.note(String((e as Error)?.stack));
  return EXIT.error;
}

/** Points at the token that was refused, where it came from: the flag, the environment or the saved file. */
function unauthenticatedHint(cmd: CommandDef | undefined, cred: Credentials | undefined, env: NodeJS.ProcessEnv): string {
  // auth:login and auth:signup check a token they were just given, whatever else is configured.
  if (cmd?.noAuth) return "the token is wrong, expired or revoked: create one with orgs token:create, or sign up with orgs auth:signup";
  const wrong = "is wrong, expired or revoked";
  switch (cred?.tokenSource) {
    case "flag":
      return `the token given with --token ${wrong}`;
    case "env":
      return `the token in ORGS_API_TOKEN ${wrong}; it outranks the one orgs auth:login saved: unset ORGS_API_TOKEN to use that one`;
    case "config":
      return `the token saved in ${describeSource("config", "token", env)} ${wrong}: run orgs auth:login again`;
    default:
      return "not logged in: run orgs auth:login";
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
