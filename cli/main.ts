#!/usr/bin/env node
// The `orgs` command line: parses the command line (parse.ts), runs the command with the streams it
// is given (io.ts), and maps the outcome to an exit code: 0 ok, 1 error (API or network), 2 usage.
import "./node-version";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OrgsApiError, OrgsClient } from "../client";
import type { CommandDef, ParsedArgs, ParsedFlags, RunCtx } from "./command";
import { COMMANDS } from "./commands";
import { describeSource, noToken, noUrl, resolveCredentials, type Credentials } from "./config";
import { Aborted, UsageError } from "./errors";
import { renderHelp, renderList, usageLine } from "./help";
import { processIo, type Io } from "./io";
import { Output, type Format } from "./output";
import { parseInvocation } from "./parse";
import { confirm, progress } from "./prompt";

export const EXIT = { ok: 0, error: 1, usage: 2 } as const;

function version(): string {
  for (const p of [join(__dirname, "..", "..", "package.json"), join(__dirname, "..", "package.json")]) {
    if (existsSync(p)) return JSON.parse(readFileSync(p, "utf8")).version;
  }
  return "0.0.0";
}

/** Runs one command line with the given streams and environment; resolves with the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const out = new Output("table", io.stdout, io.stderr);
  let cmd: CommandDef | undefined;
  let credentials: Credentials | undefined;
  const clients: OrgsClient[] = [];
  try {
    const inv = parseInvocation(argv);
    if (inv.kind === "commands") return write(io, renderList(COMMANDS));
    if (inv.kind === "version") return write(io, `orgs ${version()}\n`);
    if (inv.kind === "help") return write(io, renderHelp(inv.cmd));
    cmd = inv.cmd;
    // Refused before any call: nothing is read or changed when nobody can confirm.
    if (cmd.destructive && inv.flags.yes !== true && !io.stdin.isTTY) {
      throw new UsageError(`${cmd.name} needs confirmation, and stdin is not a terminal`, "pass --yes (-y) to confirm");
    }
    credentials = resolveCredentials({ "api-url": inv.flags["api-url"], token: inv.flags.token }, io.env);
    await cmd.run(runContext(inv, credentials, io, clients));
    return EXIT.ok;
  } catch (e) {
    return report(e, out, cmd, credentials, io.env);
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  }
}

function write(io: Io, text: string): number {
  io.stdout.write(text);
  return EXIT.ok;
}

/** What a command gets: its parsed flags and arguments, clients built on first use, and the io. */
function runContext(inv: { flags: ParsedFlags; args: ParsedArgs; format: Format }, credentials: Credentials, io: Io, clients: OrgsClient[]): RunCtx<any, any> {
  const { flags, args, format } = inv;
  const env = io.env;
  const clientFor = (apiUrl: string, token?: string) => {
    const retries = Number(env.ORGS_MAX_RETRIES ?? 3);
    const c = new OrgsClient({ baseUrl: apiUrl, token, userAgent: `orgs-cli/${version()}`, maxRetries: Number.isFinite(retries) ? retries : 3 });
    clients.push(c);
    return c;
  };
  let client: OrgsClient | undefined;
  return {
    args,
    flags,
    env,
    io,
    credentials,
    out: new Output(format, io.stdout, io.stderr),
    clientFor,
    client() {
      if (client) return client;
      if (!credentials.apiUrl) throw noUrl();
      if (!credentials.token) throw noToken();
      return (client = clientFor(credentials.apiUrl, credentials.token));
    },
    org() {
      const org = flags.org || env.ORGS_ORG;
      if (!org) throw new UsageError("no organization given", "pass --org <slug> or set ORGS_ORG");
      return org;
    },
    progress: (label) => progress(label, io.stderr),
    fetchAll(label, op, args) {
      const p = progress(label, io.stderr);
      return this.client().listAll(op, args, p.update).finally(p.done);
    },
    confirm: (question) => confirm(question, flags.yes === true, io),
  };
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
  if (env.ORGS_DEBUG) out.note(String((e as Error)?.stack));
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
  main(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
