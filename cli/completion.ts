// Shell completion scripts, generated from the command table: commands, their flags, and the
// allowed values of flags and first arguments.
import { flagsOf, type CommandDef } from "./command";

export const SHELLS = ["bash", "zsh"] as const;

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Per command: its flags, and the values offered after a flag (or as the first argument). */
function model(commands: CommandDef[]) {
  return commands.map((c) => {
    const flags = flagsOf(c);
    return {
      name: c.name,
      summary: c.summary,
      flags: Object.entries(flags).map(([n, f]) => ({ name: `--${n}`, description: f.description, values: f.values ?? [] })),
      firstArg: c.name === "help" ? commands.map((x) => x.name) : (c.args?.[0]?.values ?? []),
    };
  });
}

export function bashCompletion(commands: CommandDef[]): string {
  const m = model(commands);
  const flagCases = m.map((c) => `    ${sq(c.name)}) flags=${sq(c.flags.map((f) => f.name).join(" "))}; first=${sq(c.firstArg.join(" "))} ;;`).join("\n");
  const valueCases = m
    .flatMap((c) =>
      c.flags
        .filter((f) => f.values.length)
        .map((f) => `    ${sq(`${c.name} ${f.name}`)}) COMPREPLY=($(compgen -W ${sq(f.values.join(" "))} -- "$cur")); return ;;`),
    )
    .join("\n");
  return `# bash completion for orgs. Load it with:  source <(orgs completion bash)
_orgs_complete() {
  local line="\${COMP_LINE:0:COMP_POINT}" cur="" flags="" first=""
  local -a words
  read -ra words <<< "$line"
  # Split on spaces only: bash would also split "organization:list" at its colons.
  if [[ -n "$line" && "$line" != *[[:space:]] ]]; then
    cur="\${words[\${#words[@]}-1]}"
    unset 'words[\${#words[@]}-1]'
  fi
  local n=\${#words[@]}
  local cmd="\${words[1]}" prev="\${words[n-1]}"
  if (( n <= 1 )); then
    COMPREPLY=($(compgen -W ${sq(m.map((c) => c.name).join(" "))} -- "$cur"))
  else
    case "$cmd $prev" in
${valueCases}
    esac
    case "$cmd" in
${flagCases}
    esac
    if (( n == 2 )) && [[ "$cur" != -* ]]; then
      COMPREPLY=($(compgen -W "$first" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    fi
  fi
  # Bash replaces only the part of the word after the last colon.
  if [[ "$cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
    local pre="\${cur%"\${cur##*:}"}"
    COMPREPLY=("\${COMPREPLY[@]#"$pre"}")
  fi
}
complete -F _orgs_complete orgs
`;
}

export function zshCompletion(commands: CommandDef[]): string {
  const m = model(commands);
  const esc = (s: string) => s.replace(/:/g, "\\:");
  const cmdList = m.map((c) => `    ${sq(`${esc(c.name)}:${c.summary}`)}`).join("\n");
  const valueCases = m
    .flatMap((c) => c.flags.filter((f) => f.values.length).map((f) => `    ${sq(`${c.name} ${f.name}`)}) compadd -- ${f.values.map(sq).join(" ")}; return ;;`))
    .join("\n");
  const flagCases = m
    .map((c) => {
      const flags = c.flags.map((f) => sq(`${f.name}:${f.description}`)).join(" ");
      const first = c.firstArg.length ? `\n      (( CURRENT == 3 )) && [[ $PREFIX != -* ]] && { compadd -- ${c.firstArg.map(sq).join(" ")}; return; }` : "";
      return `    ${sq(c.name)})${first}\n      flags=(${flags}) ;;`;
    })
    .join("\n");
  return `#compdef orgs
# zsh completion for orgs. Load it with:  source <(orgs completion zsh)   (after compinit)
_orgs() {
  local -a cmds flags
  cmds=(
${cmdList}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'orgs command' cmds
    return
  fi
  local cmd=$words[2] prev=$words[CURRENT-1]
  case "$cmd $prev" in
${valueCases}
  esac
  case "$cmd" in
${flagCases}
  esac
  _describe -t flags 'flag' flags
}
compdef _orgs orgs
`;
}
