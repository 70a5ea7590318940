// The advice after a 401 or a 412 for each command a user types (up, preview, refresh, destroy,
// with --refresh and --run-program), and how the command is read from the `pulumi` command line
// (as typed, and as the Automation API runs it).
import { describe, expect, it } from "vitest";
import { preconditionAdvice, tokenAdvice } from "./advice";
import { parsePulumiArgs } from "./command";

const cmd = (line: string) => parsePulumiArgs(line.split(" "));

describe("the pulumi command", () => {
  it.each([
    ["up --yes", { name: "up", refresh: false, runProgram: false }],
    ["update -r", { name: "up", refresh: true, runProgram: false }],
    ["--cwd /p preview --refresh --expect-no-changes", { name: "preview", refresh: true, runProgram: false }],
    ["refresh --yes --run-program", { name: "refresh", refresh: true, runProgram: true }],
    ["down --yes", { name: "destroy", refresh: false, runProgram: false }],
    ["-s dev destroy --refresh=true --yes", { name: "destroy", refresh: true, runProgram: false }],
    // The Automation API: `pulumi up --yes --skip-preview --exec-kind auto.inline --stack dev --client=127.0.0.1:4000`.
    ["up --yes --skip-preview --exec-kind auto.inline --stack dev --client=127.0.0.1:4000", { name: "up", refresh: false, runProgram: false }],
  ])("%s", (line, expected) => expect(cmd(line)).toEqual(expected));

  it("is unknown for other commands", () => expect(cmd("stack export")).toBeUndefined());
});

describe("advice after a 401", () => {
  it.each([
    ["up --yes", /^set a valid token with `pulumi config set --secret orgs:apiToken …`, then run `pulumi up` again$/],
    ["preview", /^set a valid token with `pulumi config set --secret orgs:apiToken …`, then run `pulumi preview` again$/],
    [
      "refresh --yes",
      /^`pulumi refresh` uses the token the last `pulumi up` saved in the state, not the stack's configuration: .*then run `pulumi refresh --run-program`/,
    ],
    ["destroy --yes", /^`pulumi destroy` uses the token the last `pulumi up` saved in the state.*then run `pulumi destroy --run-program`/],
    ["preview --refresh", /^a refresh uses the token the last `pulumi up` saved in the state.*then run `pulumi preview --refresh --run-program`/],
    ["refresh --run-program", /^set a valid token .*, then run `pulumi refresh --run-program` again$/],
  ])("%s", (line, advice) => {
    expect(tokenAdvice(cmd(line), "config")).toMatch(advice);
    if (!/refresh|destroy/.test(line)) expect(tokenAdvice(cmd(line), "config")).not.toMatch(/run-program/);
  });

  it("names ORGS_API_TOKEN when the token came from it, and covers every command when the command is unknown", () => {
    expect(tokenAdvice(cmd("refresh"), "env")).toMatch(/ORGS_API_TOKEN: set a valid one/);
    expect(tokenAdvice(undefined, "config")).toMatch(
      /run the command again; `pulumi refresh`, `pulumi destroy` and `--refresh` use the token the last `pulumi up` saved/,
    );
  });
});

describe("advice after a 412", () => {
  it.each([
    ["up --yes", /run `pulumi refresh`, review the drift, then `pulumi up` again$/],
    ["destroy --yes", /run `pulumi destroy --refresh` \(it reads the current version first\)$/],
    ["destroy --refresh --yes", /run `pulumi destroy --refresh`/],
  ])("%s", (line, advice) => {
    expect(preconditionAdvice(cmd(line))).toMatch(advice);
    if (line.startsWith("destroy")) expect(preconditionAdvice(cmd(line))).not.toMatch(/pulumi up/);
  });

  it("without a known command, says to run the same command again", () => {
    expect(preconditionAdvice(undefined)).toMatch(/then run the command again$/);
    expect(preconditionAdvice(undefined)).not.toMatch(/pulumi up/);
  });
});
