// The command table: every `orgs` command, in the order `orgs list` shows them. Parsing, help and
// shell completion all read this one list.
import { arg, UsageError, type CommandDef } from "../command";
import { bashCompletion, SHELLS, zshCompletion } from "../completion";
import { renderHelp, renderList } from "../help";
import { accountCommands } from "./account";
import { auditCommands } from "./audit";
import { memberCommands } from "./members";
import { organizationCommands } from "./organization";
import { accessCommands, projectCommands } from "./projects";
import { roleCommands, teamCommands } from "./roles-teams";

const metaCommands: CommandDef[] = [
  {
    name: "list",
    summary: "List every command",
    noAuth: true,
    noFormat: true,
    async run(ctx) {
      ctx.out.line(renderList(COMMANDS).trimEnd());
    },
  },
  {
    name: "help",
    summary: "Explain a command: its arguments, flags and examples",
    noAuth: true,
    noFormat: true,
    args: [{ name: "command", description: "A command name", optional: true }],
    async run(ctx) {
      const name = ctx.args.command as string | undefined;
      if (!name) return ctx.out.line(renderList(COMMANDS).trimEnd());
      ctx.out.line(renderHelp(findCommand(name)).trimEnd());
    },
  },
  {
    name: "completion",
    summary: "Print a shell completion script (bash or zsh)",
    description: "Add `source <(orgs completion bash)` to ~/.bashrc, or `source <(orgs completion zsh)` to ~/.zshrc after compinit.",
    noAuth: true,
    noFormat: true,
    args: [{ name: "shell", description: "bash or zsh", values: SHELLS }],
    async run(ctx) {
      const shell = arg(ctx, "shell");
      if (shell === "bash") return ctx.out.line(bashCompletion(COMMANDS).trimEnd());
      if (shell === "zsh") return ctx.out.line(zshCompletion(COMMANDS).trimEnd());
      throw new UsageError(`no completion for shell "${shell}"`, `choose ${SHELLS.join(" or ")}`);
    },
  },
];

export const COMMANDS: CommandDef[] = [
  ...organizationCommands,
  ...memberCommands,
  ...projectCommands,
  ...accessCommands,
  ...roleCommands,
  ...teamCommands,
  ...accountCommands,
  ...auditCommands,
  ...metaCommands,
];

/** `org:` is accepted for `organization:`, as in the product's CLI. */
export function findCommand(name: string): CommandDef {
  const full = name.replace(/^org:/, "organization:");
  const cmd = COMMANDS.find((c) => c.name === full);
  if (cmd) return cmd;
  const near = COMMANDS.filter((c) => c.name.startsWith(full) || c.name.includes(full)).map((c) => c.name);
  throw new UsageError(`unknown command "${name}"`, near.length ? `did you mean ${near.slice(0, 5).join(", ")}?` : "run orgs list to see every command");
}
