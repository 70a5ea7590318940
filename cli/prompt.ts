// Talking to a person at a terminal: confirmations, progress, reading a secret. Nothing here ever
// writes to a pipe: without a terminal, confirmations refuse and progress stays silent.
import { createInterface } from "node:readline";
import { UsageError } from "./command";

export interface Progress {
  /** Called with the running count of items fetched or calls made. */
  update(count: number): void;
  done(): void;
}

const SILENT: Progress = { update() {}, done() {} };
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export function progress(label: string, stderr: NodeJS.WriteStream = process.stderr): Progress {
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
export function ask(question: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  const rl = createInterface({ input, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
    rl.on("SIGINT", () => {
      rl.close();
      output.write("\n");
      resolve("");
    });
  });
}

/**
 * Asks "question [y/N]". `--yes` skips the question; without a terminal on stdin there is nobody to
 * ask, so the command is refused (exit 2) rather than guessed.
 */
export async function confirm(question: string, opts: { yes: boolean; input?: NodeJS.ReadStream }): Promise<void> {
  if (opts.yes) return;
  const input = opts.input ?? process.stdin;
  if (!input.isTTY) {
    throw new UsageError(`refusing to continue without confirmation: ${question.replace(/\?$/, "")}`, "stdin is not a terminal; pass --yes (-y) to confirm");
  }
  const answer = (await ask(`${question} [y/N] `, input)).trim().toLowerCase();
  if (answer !== "y" && answer !== "yes") throw new Aborted();
}

/** The person answered no: nothing was done, and that is not an error of the program. */
export class Aborted extends Error {
  constructor() {
    super("aborted: nothing was changed");
    this.name = "Aborted";
  }
}

/** Everything piped on stdin (e.g. `echo $TOKEN | orgs auth:login`). */
export async function readStdin(input: NodeJS.ReadStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks).toString("utf8");
}
