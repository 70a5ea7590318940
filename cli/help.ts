// `orgs list` and `orgs help <command>`, rendered from the command table.
import { flagsOf, GLOBAL_FLAGS, type CommandDef, type FlagDef } from "./command";

export function usageLine(cmd: CommandDef): string {
  const args = (cmd.args ?? []).map((a) => {
    const core = a.variadic ? `<${a.name}>…` : `<${a.name}>`;
    return a.optional ? `[${core}]` : core;
  });
  return ["orgs", cmd.name, ...args, cmd.org ? "[--org <slug>]" : "", cmd.destructive ? "[--yes]" : "", "[flags]"].filter(Boolean).join(" ");
}

function flagLabel(name: string, f: FlagDef): string {
  const value = f.type === "boolean" ? "" : ` <${f.values ? f.values.join("|") : (f.placeholder ?? "value")}>`;
  return `${f.short ? `-${f.short}, ` : ""}--${name}${value}`;
}

function rows(pairs: [string, string][], indent = "  "): string {
  const w = Math.min(36, Math.max(...pairs.map(([a]) => a.length)));
  return pairs.map(([a, b]) => (a.length > w ? `${indent}${a}\n${indent}${" ".repeat(w + 2)}${b}` : `${indent}${a.padEnd(w)}  ${b}`)).join("\n");
}

export function renderList(commands: CommandDef[]): string {
  const groups = new Map<string, CommandDef[]>();
  for (const c of commands) {
    const ns = c.name.includes(":") ? c.name.split(":")[0]! : "general";
    groups.set(ns, [...(groups.get(ns) ?? []), c]);
  }
  const out = [
    "orgs: organizations, members, teams, roles, projects and access, from the command line.",
    "",
    "Usage: orgs <command> [arguments] [flags]",
    "",
    "Global flags:",
    rows(Object.entries(GLOBAL_FLAGS).map(([n, f]) => [flagLabel(n, f), f.description])),
    "",
    "Credentials: --api-url/--token, then ORGS_API_URL/ORGS_API_TOKEN, then the file saved by orgs auth:login.",
    "The organization: --org, then ORGS_ORG.",
    "",
    "Commands:",
  ];
  for (const [ns, cmds] of groups) {
    out.push(` ${ns}`, rows(cmds.map((c) => [c.name, c.summary])));
  }
  out.push("", "Run orgs help <command> for its arguments and flags. Exit codes: 0 ok, 1 error, 2 usage.");
  return out.join("\n") + "\n";
}

/** The commands of one namespace, in the product documents' words. */
export function renderNamespace(commands: CommandDef[], ns: string): string {
  const cmds = commands.filter((c) => c.name.startsWith(`${ns}:`));
  return (
    [
      `Available commands for the "${ns}" namespace:`,
      rows(cmds.map((c) => [c.name, c.summary])),
      "",
      "Run orgs help <command> for its arguments, flags and examples.",
    ].join("\n") + "\n"
  );
}

export function renderHelp(cmd: CommandDef): string {
  const out = [`${cmd.name}: ${cmd.summary}`, "", `Usage: ${usageLine(cmd)}`];
  if (cmd.description) out.push("", wrap(cmd.description, 96));
  if (cmd.args?.length) {
    out.push("", "Arguments:", rows(cmd.args.map((a) => [a.name, a.description + (a.values ? ` (${a.values.join(", ")})` : "")])));
  }
  const own = Object.entries(flagsOf(cmd)).filter(([n]) => !(n in GLOBAL_FLAGS));
  if (own.length) out.push("", "Flags:", rows(own.map(([n, f]) => [flagLabel(n, f), f.description + (f.multiple ? " (repeatable)" : "")])));
  out.push("", "Global flags:", rows(Object.entries(GLOBAL_FLAGS).map(([n, f]) => [flagLabel(n, f), f.description])));
  if (cmd.destructive) out.push("", "Asks for confirmation; without a terminal on stdin it refuses unless --yes is given.");
  if (cmd.examples?.length) out.push("", "Examples:", ...cmd.examples.map((e) => `  ${e}`));
  return out.join("\n") + "\n";
}

function wrap(s: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of s.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join("\n");
}
