// Where one run of `orgs` reads and writes. main() takes it as an argument, as well-regarded CLIs
// take their streams (clipanion's `run(argv, { stdin, stdout, stderr })`, oclif's config): the
// binary passes the process's own, tests pass buffers and a terminal stand-in, so a command can be
// run in-process and its output read back.
import type { Readable } from "node:stream";

/** An output stream; a terminal (isTTY) gets progress drawn on it, a pipe only data. */
export type OutStream = NodeJS.WritableStream & { isTTY?: boolean };

export interface Io {
  /** A terminal or not decides whether confirmations can be asked and how a token is read. */
  stdin: Readable & { isTTY?: boolean };
  stdout: OutStream;
  stderr: OutStream;
  env: NodeJS.ProcessEnv;
  /**
   * A signal aborted by Ctrl-C (or SIGTERM) while `fn` runs, for commands that run until stopped
   * (audit:list --follow). Outside such a command, Ctrl-C keeps its usual effect.
   */
  untilInterrupted<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** The process's own streams, environment and signals. */
export function processIo(): Io {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    async untilInterrupted(fn) {
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        return await fn(ac.signal);
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
    },
  };
}
