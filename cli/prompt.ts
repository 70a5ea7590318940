// Talking to a person at a terminal: confirmations, progress, reading a secret. Nothing here ever
// writes to a pipe: without a terminal, confirmations refuse and progress stays silent. The streams
// are always passed in (see io.ts).
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { Aborted, UsageError } from "./errors";
import type { Io, OutStream } from "./io";

export interface Progress {
  /** Called with the running count of items fetched or calls made. */
  update(count: number): void;
  done(): void;
}

const SILENT: Progress = { update() {}, done() {} };
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export function progress(label: string, stderr: OutStream): Progress {
  if (!stderr.isTTY) return SILENT;
  let frame = 0;
  let count = 0;
  const draw = () => stderr.write(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${label}… ${count}`);
  // Drawn on a timer too, so a slow first page still shows life.
  const timer = setInterval(draw, 120);
  timer.unref();
  draw();
  return {
    update(n) {
      count = n;
      draw();
    },
    done() {
      clearInterval(timer);
      stderr.write("\r\x1b[K");
    },
  };
}

/** One line from the terminal, with the question on stderr. */
export function ask(question: string, io: Pick<Io, "stdin" | "stderr">): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
    rl.on("SIGINT", () => {
      rl.close();
      io.stderr.write("\n");
      resolve("");
    });
  });
}

/**
 * Asks "question [y/N]". `--yes` skips the question; without a terminal on stdin there is nobody to
 * ask, so the command is refused (exit 2) rather than guessed.
 */
export async function confirm(question: string, yes: boolean, io: Pick<Io, "stdin" | "stderr">): Promise<void> {
  if (yes) return;
  if (!io.stdin.isTTY) {
    throw new UsageError(`refusing to continue without confirmation: ${question.replace(/\?$/, "")}`, "stdin is not a terminal; pass --yes (-y) to confirm");
  }
  const answer = (await ask(`${question} [y/N] `, io)).trim().toLowerCase();
  if (answer !== "y" && answer !== "yes") throw new Aborted();
}

/** Everything piped on stdin (e.g. `echo $TOKEN | orgs auth:login`). */
export async function readStdin(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks).toString("utf8");
}
