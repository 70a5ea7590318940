// Commands a test runs as a user types them (npm, npx, the binaries): their output, or an error
// that carries it, so a failed step shows what the command said.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  try {
    return await run(cmd, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  } catch (e) {
    const x = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}:\n${x.stdout ?? ""}\n${x.stderr ?? ""}`, { cause: e });
  }
}

export const npm = (args: string[], cwd: string) => sh("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], cwd);
