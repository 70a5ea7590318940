// main() in-process, with the streams passed in (memoryIo): what it writes where, how stdin being
// a terminal or a pipe changes a run, and that a run until interrupted stops when told. Against a
// real server on a socket, as the subprocess tests; no process is spawned, so these are fast. The
// binary itself (shebang, exit codes as a process sees them) stays with the subprocess tests.
import { mkdtempSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { PERMISSIONS, type Permission } from "../api/common";
import { eventually, memoryIo } from "../test/support/cli";
import { startTestServer, type TestServer } from "../test/support/server";
import { command } from "./command";
import { COMMANDS } from "./commands";
import { main } from "./main";
import type { Format } from "./output";
import { parseInvocation } from "./parse";

let s: TestServer;
let owner: { token: string; accountId: string; email: string };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  s = await startTestServer();
  await s.app.listen({ port: 0, host: "127.0.0.1" });
  ({ owner } = await s.orgWithOwner("acme"));
  const url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  env = { ORGS_API_URL: url, ORGS_API_TOKEN: owner.token, ORGS_MAX_RETRIES: "0", XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "orgs-inproc-")) };
});
afterAll(() => s?.close());

describe("main(argv, io)", () => {
  it("writes data to the given stdout and nothing to stderr", async () => {
    const io = memoryIo({ env });
    expect(await main(["organization:list", "--format", "json"], io)).toBe(0);
    expect(JSON.parse(io.output())).toMatchObject([{ slug: "acme", owner_account_id: owner.accountId }]);
    expect(io.errors()).toBe("");
    const list = memoryIo();
    expect(await main([], list)).toBe(0);
    for (const c of COMMANDS) expect(list.output()).toContain(c.name);
  });

  it("a usage error is exit 2 with its hint on the given stderr, before any call", async () => {
    const io = memoryIo({ env: { ORGS_API_URL: "http://127.0.0.1:1" } });
    expect(await main(["organization:user:add", "bob@x.test", "-o", "acme", "--permissions", "members"], io)).toBe(2);
    expect(io.errors()).toBe("orgs: unknown flag '--permissions'\n  did you mean --permission?\n");
    expect(io.output()).toBe("");
  });

  it("a destructive command: refused when stdin is a pipe; with a terminal it asks, and no changes nothing", async () => {
    await s.call(owner.token, "POST", "/v1/organizations/acme/teams", { name: "Doomed" });
    const piped = memoryIo({ env });
    expect(await main(["team:delete", "Doomed", "--org", "acme"], piped)).toBe(2);
    expect(piped.errors()).toContain("team:delete needs confirmation, and stdin is not a terminal");
    const no = memoryIo({ env, tty: true, input: "n\n" });
    expect(await main(["team:delete", "Doomed", "--org", "acme"], no)).toBe(1);
    expect(no.errors()).toContain("Delete team Doomed");
    expect(no.errors()).toContain("orgs: aborted: nothing was changed\n");
    const yes = memoryIo({ env, tty: true, input: "y\n" });
    expect(await main(["team:delete", "Doomed", "--org", "acme"], yes)).toBe(0);
    expect(yes.errors()).toContain("Deleted team Doomed.");
  });

  it("auth:login reads the token from the given stdin when it is a pipe", async () => {
    const config = mkdtempSync(join(tmpdir(), "orgs-inproc-login-"));
    const io = memoryIo({ env: { ORGS_API_URL: env.ORGS_API_URL, XDG_CONFIG_HOME: config }, input: `${owner.token}\n` });
    expect(await main(["auth:login"], io)).toBe(0);
    expect(io.errors()).toContain(`as ${owner.email}`);
    expect(JSON.parse(readFileSync(join(config, "orgs", "config.json"), "utf8")).token).toBe(owner.token);
  });

  it("progress is drawn on a terminal stderr, never on a pipe", async () => {
    const tty = memoryIo({ env, ttyStderr: true });
    expect(await main(["organization:user:list", "--org", "acme"], tty)).toBe(0);
    expect(tty.errors()).toContain("Fetching members…");
    const pipe = memoryIo({ env });
    expect(await main(["organization:user:list", "--org", "acme"], pipe)).toBe(0);
    expect(pipe.errors()).toBe("");
    expect(pipe.output()).toBe(tty.output());
  });

  it("audit:list --follow prints new events until the run is interrupted", async () => {
    const io = memoryIo({ env });
    const run = main(["audit:list", "--org", "acme", "--follow", "--interval", "1", "--format", "json"], io);
    await eventually(() => io.output().includes("organization.created"));
    await s.call(owner.token, "POST", "/v1/organizations/acme/teams", { name: "Followed" });
    await eventually(() => io.output().includes('"display_name":"Followed"'));
    io.interrupt();
    expect(await run).toBe(0);
  });
});

describe("flags and arguments, typed by their definitions", () => {
  it("command() gives run() the types of its flags and arguments (checked by tsc)", () => {
    command({
      name: "example",
      summary: "types only",
      args: [
        { name: "email", description: "" },
        { name: "maybe", description: "", optional: true },
        { name: "rest", description: "", variadic: true },
      ],
      flags: {
        permission: { type: "string", multiple: true, values: PERMISSIONS, description: "" },
        note: { type: "string", description: "" },
        login: { type: "boolean", description: "" },
      },
      async run(ctx) {
        expectTypeOf(ctx.flags.permission).toEqualTypeOf<Permission[] | undefined>();
        expectTypeOf(ctx.flags.note).toEqualTypeOf<string | undefined>();
        expectTypeOf(ctx.flags.login).toEqualTypeOf<boolean | undefined>();
        expectTypeOf(ctx.flags.format).toEqualTypeOf<Format | undefined>();
        expectTypeOf(ctx.args.email).toEqualTypeOf<string>();
        expectTypeOf(ctx.args.maybe).toEqualTypeOf<string | undefined>();
        expectTypeOf(ctx.args.rest).toEqualTypeOf<string[]>();
      },
    });
  });

  it("parsing gives those values: repeated and comma-separated lists, the last of a repeated string", () => {
    const inv = parseInvocation([
      "organization:user:update",
      "a@b.c",
      "-o",
      "acme",
      "--permission",
      "members, billing",
      "--permission",
      "plans",
      "--format",
      "csv",
      "--format",
      "json",
    ]);
    expect(inv).toMatchObject({
      kind: "run",
      args: { email: "a@b.c" },
      flags: { org: "acme", permission: ["members", "billing", "plans"], format: "json" },
      format: "json",
    });
    expect(parseInvocation(["organization:user:update", "a@b.c", "--permission="])).toMatchObject({ flags: { permission: [] } });
    expect(parseInvocation(["organization:billing:address", "--org", "acme"])).toMatchObject({ args: { properties: [] } });
  });
});
