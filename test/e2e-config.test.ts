// Which configuration each command uses, and a wrong URL, with the real Pulumi engine (issue 18,
// items 3 and 4). The engine keeps the provider's configuration in the state: `pulumi refresh`
// and `pulumi preview --refresh` read with the URL and token of the last `pulumi up`, and
// `--run-program` makes them use the stack's configuration as it is now. A URL where no server
// answers fails in seconds, never after minutes of retries.
import { describe, expect, it } from "vitest";
import { engineStack, programDir, type EngineStack } from "./support/pulumi";
import { engineSuite } from "./support/e2e";

const suite = engineSuite("test/e2e-config.test.ts");
const { missing } = suite;

const MIN = 60_000;
const DAY = 86_400_000;
const last = (e: EngineStack) => e.output.at(-1) ?? "";

/** A port on the loopback where nothing listens: a server started and stopped. */
async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe.skipIf(!!missing)(missing ? `configuration with the Pulumi CLI — skipped: ${missing}` : "configuration with the Pulumi CLI", () => {
  it(
    "refresh reads with the configuration of the last up unless --run-program; a URL nobody answers fails in seconds",
    async () => {
      const owner = await suite.server.signup("owner@config-e2e.test");
      const org = (await suite.server.call(owner.token, "POST", "/v1/organizations", { slug: "config-e2e", name: "Config", region: "eu" })).json;
      const first = (
        await suite.server.call(owner.token, "POST", "/v1/me/tokens", { name: "first", expires_at: new Date(Date.now() + 30 * DAY).toISOString() })
      ).json;
      const e = await engineStack(programDir("test/programs/spec"), "config", {
        "orgs:apiUrl": suite.url,
        "orgs:apiToken": { value: first.token, secret: true },
        "orgs-e2e:resources": JSON.stringify([
          { type: "Team", name: "ops", args: { organization: "config-e2e", name: "Ops" } },
          { type: "Member", name: "kim", args: { organization: org.id, email: "kim@config-e2e.test", teams: ["${ops.id}"] } },
        ]),
      });
      expect((await e.stack.up(e.opts())).summary.result).toBe("succeeded");

      // Token rotation: the new token in the stack's config, the old one revoked.
      const rotated = (
        await suite.server.call(owner.token, "POST", "/v1/me/tokens", { name: "rotated", expires_at: new Date(Date.now() + 30 * DAY).toISOString() })
      ).json.token;
      await e.stack.setConfig("orgs:apiToken", { value: rotated, secret: true });
      expect((await suite.server.call(owner.token, "DELETE", `/v1/me/tokens/${first.id}`)).statusCode).toBe(204);
      // Without the program, the engine configures the provider from the state: the revoked token.
      const stale = await e.stack.preview(e.opts({ refresh: true, expectNoChanges: true })).catch((x) => x);
      expect(stale, "the engine now configures a refresh from the stack's config: update the README").toBeInstanceOf(Error);
      expect(last(e)).toMatch(/unauthenticated \(401\)/);
      expect(last(e)).not.toMatch(/\n\s+at .+:\d+:\d+/);
      // With it, the program's configuration: the new token.
      expect((await e.stack.preview(e.opts({ refresh: true, runProgram: true, expectNoChanges: true }))).changeSummary).toEqual({ same: 3 });
      expect((await e.cli(["refresh", "--run-program", "--yes"])).code).toBe(0);

      // A wrong URL: a plain refresh still reads from the old one; with the program it fails, in seconds.
      await e.stack.setConfig("orgs:apiUrl", { value: `http://127.0.0.1:${await closedPort()}` });
      const plain = await e.cli(["preview", "--refresh", "--expect-no-changes"]);
      expect(plain.code, plain.stdout + plain.stderr).toBe(0);
      const started = Date.now();
      const wrong = await e.stack.preview(e.opts({ refresh: true, runProgram: true })).catch((x) => x);
      const seconds = (Date.now() - started) / 1000;
      expect(wrong).toBeInstanceOf(Error);
      expect(last(e)).toMatch(/cannot reach the org API at http:\/\/127\.0\.0\.1:\d+.*check orgs:apiUrl/);
      expect(seconds, last(e)).toBeLessThan(45);
      const up = Date.now();
      expect(await e.stack.up(e.opts({ refresh: true, runProgram: true })).catch((x) => x)).toBeInstanceOf(Error);
      expect((Date.now() - up) / 1000).toBeLessThan(45);
    },
    5 * MIN,
  );
});
