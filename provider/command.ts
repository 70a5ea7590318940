// Which `pulumi` command this dynamic-provider host serves, so that a refusal's advice names the
// command to run next (a 412 during `pulumi destroy` is fixed by another destroy, not by `up`).
// The engine tells a provider nothing about the command, and which configuration the provider was
// given depends on it: `pulumi refresh`, `pulumi destroy` and the refresh of `preview --refresh`
// configure the provider from the state (what the last `pulumi up` saved), unless run with
// `--run-program`. The host is a child of the `pulumi` process (through the plugin's shell
// script), so the command is read from that process's arguments, once.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename } from "node:path";

export interface PulumiCommand {
  /** up, preview, refresh, destroy (aliases resolved), or another subcommand as typed. */
  name: string;
  /** `--refresh` on up, preview or destroy (refresh itself counts too). */
  refresh: boolean;
  /** `--run-program`: refresh and destroy run the program, and configure the provider from the stack's configuration. */
  runProgram: boolean;
}

const ALIASES: Record<string, string> = { update: "up", down: "destroy" };
const COMMANDS = new Set(["up", "update", "preview", "refresh", "destroy", "down", "import", "watch"]);

/** The command of a `pulumi` command line (its arguments after the binary). */
export function parsePulumiArgs(args: readonly string[]): PulumiCommand | undefined {
  const flag = (name: string, short?: string) => args.some((a) => a === `--${name}` || a === `--${name}=true` || (short !== undefined && a === `-${short}`));
  // The first word that is a command (a flag's value, as in `--stack dev` or `-C dir`, never is one).
  const word = args.find((a) => COMMANDS.has(a));
  if (!word) return undefined;
  const name = ALIASES[word] ?? word;
  return { name, refresh: name === "refresh" || flag("refresh", "r"), runProgram: flag("run-program") };
}

/** A process's parent and arguments, from /proc (Linux) or ps (macOS, BSD). */
function processInfo(pid: number): { ppid: number; argv: string[] } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    return { ppid, argv };
  } catch {
    try {
      const out = execFileSync("ps", ["-o", "ppid=,args=", "-p", String(pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
      const m = /^(\d+)\s+(.*)$/.exec(out);
      return m ? { ppid: Number(m[1]), argv: m[2]!.split(/\s+/) } : undefined;
    } catch {
      return undefined;
    }
  }
}

let found: { command: PulumiCommand | undefined } | undefined;

/** The `pulumi` command running this host, or undefined when it cannot be told (advice then covers every command). */
export function pulumiCommand(): PulumiCommand | undefined {
  if (found) return found.command;
  let command: PulumiCommand | undefined;
  let pid = process.ppid;
  for (let depth = 0; depth < 4 && pid > 1; depth++) {
    const info = processInfo(pid);
    if (!info) break;
    if (info.argv[0] && basename(info.argv[0]) === "pulumi") {
      command = parsePulumiArgs(info.argv.slice(1));
      break;
    }
    pid = info.ppid;
  }
  found = { command };
  return command;
}

/** The command as the advice should name it: `pulumi destroy`, `pulumi preview --refresh`. */
export function commandText(c: PulumiCommand, extra = ""): string {
  const refresh = c.refresh && c.name !== "refresh" ? " --refresh" : "";
  return `\`pulumi ${c.name}${refresh}${extra}\``;
}
