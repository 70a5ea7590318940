// Runs the real `orgs` binary (dist/cli/main.js, built by the global setup) as a subprocess, with a
// private HOME and config dir, stdin a pipe (never a terminal) and only the ORGS_* env a test gives;
// and memoryIo(), the streams for running main() in-process.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { Io } from "../../cli/io";

export const ORGS_BIN = join(__dirname, "..", "..", "dist", "cli", "main.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (undefined when it is not JSON). */
  json: any;
}

export interface CliOptions {
  token?: string | null;
  env?: Record<string, string | undefined>;
  input?: string;
}

export interface Cli {
  (args: string[], opts?: CliOptions): Promise<CliResult>;
  home: string;
  configDir: string;
  /** A running process (for --follow): read its output so far, then stop it. */
  spawn(args: string[], opts?: CliOptions): { output(): string; stderr(): string; stop(): Promise<number> };
}

export function cliRunner(apiUrl: string, defaultToken?: string): Cli {
  const home = mkdtempSync(join(tmpdir(), "orgs-cli-"));
  const configDir = join(home, "config");
  const envFor = (opts: CliOptions): NodeJS.ProcessEnv => {
    const token = opts.token === undefined ? defaultToken : opts.token;
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: configDir, ORGS_API_URL: apiUrl, ORGS_MAX_RETRIES: "0" };
    if (token) env.ORGS_API_TOKEN = token;
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    return env;
  };
  const start = (args: string[], opts: CliOptions) => {
    const child = spawn(process.execPath, [ORGS_BIN, ...args], { env: envFor(opts), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.end(opts.input ?? "");
    const done = new Promise<number>((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1))));
    return { child, done, out: () => stdout, err: () => stderr };
  };
  const run = (async (args: string[], opts: CliOptions = {}) => {
    const p = start(args, opts);
    const code = await p.done;
    let json: unknown;
    try {
      json = JSON.parse(p.out());
    } catch {
      json = undefined;
    }
    return { code, stdout: p.out(), stderr: p.err(), json };
  }) as Cli;
  run.home = home;
  run.configDir = configDir;
  run.spawn = (args, opts = {}) => {
    const p = start(args, opts);
    return {
      output: p.out,
      stderr: p.err,
      async stop() {
        p.child.kill("SIGINT");
        return p.done;
      },
    };
  };
  return run;
}

/** Polls until check() passes or the time is up. */
export async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The streams of one in-process run of `main()`: stdin as given, stdout and stderr kept. */
export interface MemoryIo extends Io {
  /** What was written to stdout (and stderr) so far. */
  output(): string;
  errors(): string;
  /** Ctrl-C, as the binary would see it, for commands running until interrupted. */
  interrupt(): void;
}

/**
 * Streams for `main(argv, io)` in-process: stdin is `input` (a terminal stand-in with `tty`, whose
 * lines answer questions), stdout and stderr are kept, optionally as terminals.
 */
export function memoryIo(opts: { env?: NodeJS.ProcessEnv; input?: string; tty?: boolean; ttyStderr?: boolean } = {}): MemoryIo {
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (opts.tty) stdin.isTTY = true;
  stdin.end(opts.input ?? "");
  const sink = (tty: boolean) => {
    const s = new PassThrough() as PassThrough & { isTTY?: boolean; text: string };
    s.text = "";
    s.on("data", (d) => (s.text += d));
    if (tty) s.isTTY = true;
    return s;
  };
  const stdout = sink(false);
  const stderr = sink(opts.ttyStderr ?? false);
  const interrupts = new AbortController();
  return {
    stdin,
    stdout,
    stderr,
    env: opts.env ?? {},
    async untilInterrupted(fn) {
      return fn(interrupts.signal);
    },
    output: () => stdout.text,
    errors: () => stderr.text,
    interrupt: () => interrupts.abort(),
  };
}
