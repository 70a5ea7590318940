// The examples `orgs help` prints, in-process: every command has one, and each parses as its own
// command (known flags, allowed values, the right number of arguments), as a user pasting it would
// see. The subprocess tests run a few against a server; these need none.
import { describe, expect, it } from "vitest";
import { COMMANDS } from "./commands";
import { renderHelp } from "./help";
import { parseInvocation } from "./parse";

/** Shell words, quotes removed: enough for the examples (no escapes inside quotes, no globbing). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m; (m = re.exec(line));) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/** The arguments of the `orgs` invocation in an example line: after `orgs`, up to a pipe, redirection or `)`. */
function orgsArgv(example: string): string[] {
  const words = shellWords(example.replace(/[<$]\(/g, " ").replace(/\)/g, " ) "));
  const start = words.indexOf("orgs");
  if (start < 0) throw new Error(`no orgs command in the example: ${example}`);
  const rest = words.slice(start + 1);
  const end = rest.findIndex((w) => ["|", ")", ">", ">>", "<", "&&", ";", "#"].includes(w));
  return end < 0 ? rest : rest.slice(0, end);
}

describe("orgs help examples", () => {
  it("every command has at least one, and its help prints them", () => {
    const without = COMMANDS.filter((c) => !c.examples?.length).map((c) => c.name);
    expect(without).toEqual([]);
    for (const c of COMMANDS) for (const e of c.examples!) expect(renderHelp(c)).toContain(`  ${e}\n`);
  });

  const cases = COMMANDS.flatMap((c) => (c.examples ?? []).map((e) => [c.name, e] as const));
  it.each(cases)("%s: %s", (name, example) => {
    expect(parseInvocation(orgsArgv(example))).toMatchObject({ kind: "run", cmd: { name } });
  });

  it("the example reader finds the invocation inside a pipe or a process substitution", () => {
    expect(orgsArgv('echo "$TOKEN" | orgs auth:login --api-url https://x')).toEqual(["auth:login", "--api-url", "https://x"]);
    expect(orgsArgv("source <(orgs completion bash)")).toEqual(["completion", "bash"]);
    expect(orgsArgv('orgs team:update Backend --name "Platform team"')).toEqual(["team:update", "Backend", "--name", "Platform team"]);
  });

  it("parsing refuses what the command would refuse, before any call", () => {
    expect(() => parseInvocation(["organization:delete", "acme"])).toThrow('unexpected argument "acme"');
    expect(() => parseInvocation(["organization:user:add", "a@b.c", "--permissions", "members"])).toThrow("unknown flag '--permissions'");
    expect(() => parseInvocation(["role:create", "x", "--permission=root"])).toThrow('invalid value "root" for --permission');
  });
});
