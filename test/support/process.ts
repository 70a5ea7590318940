// The real orgs-server binary (dist/server/main.js) as a child process on a loopback port, for
// tests where the process itself is the point: startup output, signals, kill -9, restarts.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The package root: found upward from here, so a compiled copy elsewhere in the tree (bench) works too. */
export const ROOT = packageRoot(__dirname);
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name === "orgs") return dir;
    } catch {
      /* no package.json here */
    }
    if (dirname(dir) === dir) throw new Error(`no orgs package.json above ${from}`);
  }
}

export const SERVER_MAIN = join(ROOT, "dist", "server", "main.js");

export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  port: number;
  dataDir: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Sends a signal and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function tempDataDir(prefix = "orgs-data-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Points TMPDIR, for this process and the processes it starts, at a new directory, so every
 * temporary directory of a test run or bench lands under it; returns the function removing it.
 */
export function privateTmpdir(prefix = "orgs-run-"): () => void {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // Traversable by other users (not listable): a PostgreSQL started by root runs as `postgres`
  // and must reach its data directory under here (scripts/postgres.sh).
  chmodSync(dir, 0o711);
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}

/** Starts the server and resolves once it prints where it listens. */
export function startServerProcess(
  opts: { dataDir?: string; port?: number; env?: Record<string, string | undefined>; args?: string[]; main?: string } = {},
): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(opts.port ?? 0),
    ORGS_DATA_DIR: dataDir,
    ORGS_RATE_LIMIT: "0",
    ORGS_AUTH_FAILURE_LIMIT: "0",
    DATABASE_URL: undefined,
    ...opts.env,
  };
  const proc = spawn(process.execPath, [opts.main ?? SERVER_MAIN, ...(opts.args ?? [])], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  // What it prints keeps its first 64 KiB (the startup banner) and its last 256 KiB: a server
  // logging every request of a long bench must not grow this process's heap without bound.
  const keep = (text: string) => {
    out += text;
    if (out.length > 1_048_576) out = `${out.slice(0, 65_536)}\n…\n${out.slice(-262_144)}`;
  };
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`orgs-server did not start in 60 s:\n${out}`));
    }, 60_000);
    let listening = false;
    const onData = (chunk: Buffer) => {
      keep(chunk.toString());
      // Scanned until it listens, then no more: a server logging every request prints a lot.
      const m = listening ? null : /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        listening = true;
        clearTimeout(timer);
        const url = m[1]!;
        resolve({
          proc,
          url,
          dataDir,
          port: Number(new URL(url).port),
          output: () => out,
          async stop(signal = "SIGTERM") {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
            return exited;
          },
        });
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", (c: Buffer) => keep(c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`orgs-server exited with ${code} before listening:\n${out}`));
    });
  });
}

/** The operator token printed on first start. */
export function printedToken(output: string): string | null {
  return /shown this once:\s*\n\s*(\S+)/.exec(output)?.[1] ?? null;
}
