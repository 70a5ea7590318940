// Advice that depends on the `pulumi` command running (provider/command.ts) and on where the
// token came from: what to do next after a 401 or a 412, true for the command that got it.
import { commandText, pulumiCommand, type PulumiCommand } from "./command";

let tokenFrom: "config" | "env" | undefined;

/** Called by config.ts whenever it picks the token: the stack's configuration or ORGS_API_TOKEN. */
export function noteTokenSource(source: "config" | "env" | undefined): void {
  tokenFrom = source;
}

/**
 * What to do after a 401, true for the command that got it: a command that runs the program
 * configures the provider from the stack's configuration; `pulumi refresh`, `pulumi destroy` and
 * the refresh of `--refresh` configure it from the state (the last `pulumi up`'s), unless run with
 * `--run-program`, so a token set in the configuration alone does not reach them.
 */
export function tokenAdvice(cmd: PulumiCommand | undefined = pulumiCommand(), source = tokenFrom): string {
  if (source === "env") return "the token came from ORGS_API_TOKEN: set a valid one, then run the command again";
  const set = "set a valid token with `pulumi config set --secret orgs:apiToken …`";
  if (!cmd) {
    return `${set}, then run the command again; \`pulumi refresh\`, \`pulumi destroy\` and \`--refresh\` use the token the last \`pulumi up\` saved in the state unless run with --run-program`;
  }
  const fromState = (cmd.name === "refresh" || cmd.name === "destroy" || cmd.refresh) && !cmd.runProgram;
  if (!fromState) return `${set}, then run ${commandText(cmd, cmd.runProgram ? " --run-program" : "")} again`;
  const which = cmd.name === "refresh" || cmd.name === "destroy" ? `${commandText(cmd)} uses` : "a refresh uses";
  return (
    `${which} the token the last \`pulumi up\` saved in the state, not the stack's configuration: ${set}, ` +
    `then run ${commandText(cmd, " --run-program")} (which configures from the stack's configuration), or \`pulumi up\` first`
  );
}

/** What to do after a 412, true for the command that got it. */
export function preconditionAdvice(cmd: PulumiCommand | undefined = pulumiCommand()): string {
  const changed = "it was changed outside Pulumi since the last refresh";
  if (cmd?.name === "destroy") return `${changed}: run ${commandText({ ...cmd, refresh: true })} (it reads the current version first)`;
  if (cmd?.name === "up") return `${changed}: run \`pulumi refresh\`, review the drift, then ${commandText(cmd)} again`;
  return `${changed}: run \`pulumi refresh\`, review the drift, then run the command again`;
}
