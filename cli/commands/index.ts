// The command table: every `orgs` command, in the order `orgs list` shows them. Parsing, help and
// shell completion all read this one list.
import { command, type CommandDef } from "../command";
import { UsageError } from "../errors";
import { bashCompletion, SHELLS, zshCompletion } from "../completion";
import { renderHelp, renderList, renderNamespace } from "../help";
import { nearest, synonymsOf } from "../suggest";
import { accountCommands } from "./account";
import { auditCommands } from "./audit";
import { memberCommands } from "./members";
import { memberSyncCommands } from "./member-sync";
import { organizationCommands } from "./organization";
import { accessCommands, projectCommands } from "./projects";
import { roleCommands, teamCommands } from "./roles-teams";

const metaCommands: CommandDef[] = [
  command({
    name: "list",
    summary: "List every command, or those of one namespace (orgs list organization)",
    noAuth: true,
    noFormat: true,
    args: [{ name: "namespace", description: "Only the commands of this namespace, such as organization or project:access", optional: true }],
    examples: ["orgs list", "orgs list organization"],
    async run(ctx) {
      const ns = ctx.args.namespace;
      if (!ns) return ctx.out.line(renderList(COMMANDS).trimEnd());
      ctx.out.line(renderNamespace(COMMANDS, namespaceOf(ns)).trimEnd());
    },
  }),
  command({
    name: "help",
    summary: "Explain a command (its arguments, flags and examples) or list a namespace's commands",
    noAuth: true,
    noFormat: true,
    args: [{ name: "command", description: "A command name, or a namespace such as organization", optional: true }],
    examples: ["orgs help organization:user:add", "orgs help project"],
    async run(ctx) {
      const name = ctx.args.command;
      if (!name) return ctx.out.line(renderList(COMMANDS).trimEnd());
      if (isNamespace(canonical(name))) return ctx.out.line(renderNamespace(COMMANDS, canonical(name)).trimEnd());
      ctx.out.line(renderHelp(findCommand(name)).trimEnd());
    },
  }),
  command({
    name: "completion",
    summary: "Print a shell completion script (bash or zsh)",
    examples: ["source <(orgs completion bash)", "orgs completion zsh > ~/.zfunc/_orgs"],
    description: "Add `source <(orgs completion bash)` to ~/.bashrc, or `source <(orgs completion zsh)` to ~/.zshrc after compinit.",
    noAuth: true,
    noFormat: true,
    args: [{ name: "shell", description: "bash or zsh", values: SHELLS }],
    async run(ctx) {
      const shell = ctx.args.shell;
      if (shell === "bash") return ctx.out.line(bashCompletion(COMMANDS).trimEnd());
      if (shell === "zsh") return ctx.out.line(zshCompletion(COMMANDS).trimEnd());
      throw new UsageError(`no completion for shell "${shell}"`, `choose ${SHELLS.join(" or ")}`);
    },
  }),
];

export const COMMANDS: CommandDef[] = [
  ...organizationCommands,
  ...memberCommands,
  ...memberSyncCommands,
  ...projectCommands,
  ...accessCommands,
  ...roleCommands,
  ...teamCommands,
  ...accountCommands,
  ...auditCommands,
  ...metaCommands,
];

/** `org` is accepted for `organization`, as in the product's CLI. */
const canonical = (name: string) => name.replace(/^org(?=:|$)/, "organization");

/** organization, organization:user, project:access…: the prefixes that group commands. */
function isNamespace(name: string): boolean {
  return COMMANDS.some((c) => c.name.startsWith(`${name}:`));
}

function namespaceOf(name: string): string {
  const ns = canonical(name);
  if (isNamespace(ns)) return ns;
  const all = [
    ...new Set(
      COMMANDS.flatMap((c) =>
        c.name
          .split(":")
          .slice(0, -1)
          .map((_, i, parts) => parts.slice(0, i + 1).join(":")),
      ),
    ),
  ];
  const near = nearest(ns, all);
  throw new UsageError(
    `no namespace "${name}"`,
    near.length ? `did you mean ${near.join(", ")}?` : `namespaces: ${all.filter((n) => !n.includes(":")).join(", ")}`,
  );
}

/**
 * The command named `name`, or a usage error whose hint fits the mistake: a namespace given as a
 * command (with `next`, the word typed after it: `orgs organization list`), another word for the
 * verb, a typo, or a command of the same namespace.
 */
export function findCommand(name: string, next?: string): CommandDef {
  const full = canonical(name);
  const cmd = COMMANDS.find((c) => c.name === full);
  if (cmd) return cmd;
  const names = COMMANDS.map((c) => c.name);
  if (isNamespace(full)) {
    const joined = next !== undefined ? canonical(`${name}:${next}`) : undefined;
    if (joined && names.includes(joined)) throw new UsageError(`unknown command "${name}"`, `did you mean orgs ${joined}? A command's words are joined by ":"`);
    throw new UsageError(`"${name}" is a namespace, not a command`, `its commands: orgs list ${name}`);
  }
  const synonyms = synonymsOf(full, names);
  const guesses = synonyms.length ? synonyms : nearest(full, names);
  if (guesses.length) throw new UsageError(`unknown command "${name}"`, `did you mean ${guesses.slice(0, 3).join(", ")}?`);
  const ns = full.slice(0, full.lastIndexOf(":"));
  if (ns && isNamespace(ns)) throw new UsageError(`unknown command "${name}"`, `the ${ns} commands: ${names.filter((n) => n.startsWith(`${ns}:`)).join(", ")}`);
  const containing = names.filter((n) => n.includes(full));
  throw new UsageError(
    `unknown command "${name}"`,
    containing.length ? `did you mean ${containing.slice(0, 5).join(", ")}?` : "run orgs list to see every command",
  );
}
