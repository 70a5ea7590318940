// Each refusal's advice is true for the command that got it (issue 25, item 6), with the real
// Pulumi CLI typed as a user would: a 412 during `pulumi destroy` says to destroy again with
// --refresh (not `pulumi up`), and doing so works; a 401 during `pulumi preview` and `pulumi up`
// says to set the token in the stack's configuration and run that command again; during
// `pulumi refresh` and `pulumi destroy`, which configure the provider from the state (the token
// the last `up` saved), it says to run them with --run-program, and doing so works.
import { describe, expect, it } from "vitest";
import { engineStack, programDir, type EngineStack } from "./support/pulumi";
import { engineSuite } from "./support/e2e";

const suite = engineSuite("test/e2e-advice.test.ts");
const { missing } = suite;

const MIN = 60_000;
const DAY = 86_400_000;
type R = { type: string; name: string; args: Record<string, unknown> };
const text = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

async function specStack(name: string, token: string, resources: R[]): Promise<EngineStack & { declare(resources: R[]): Promise<void> }> {
  const e = await engineStack(programDir("test/programs/spec"), name, {
    "orgs:apiUrl": suite.url,
    "orgs:apiToken": { value: token, secret: true },
    "orgs-e2e:resources": JSON.stringify(resources),
  });
  return Object.assign(e, { declare: (rs: R[]) => e.stack.setConfig("orgs-e2e:resources", { value: JSON.stringify(rs) }) });
}

describe.skipIf(!!missing)(missing ? `advice per command with the Pulumi CLI — skipped: ${missing}` : "advice per command with the Pulumi CLI", () => {
  it(
    "a 412 during pulumi destroy says to run pulumi destroy --refresh, which then deletes",
    async () => {
      const { token } = await suite.server.signup("owner@advice-412.test");
      const org = (await suite.server.call(token, "POST", "/v1/organizations", { slug: "advice-412", name: "Advice", region: "eu" })).json;
      const e = await specStack("destroy412", token, [{ type: "Team", name: "ops", args: { organization: org.id, name: "Ops" } }]);
      const team = ((await e.stack.up(e.opts())).outputs.ids!.value as Record<string, string>).ops!.split("/")[1]!;
      expect((await suite.server.call(token, "PATCH", `/v1/organizations/${org.id}/teams/${team}`, { name: "Ops by hand" })).statusCode).toBe(200);

      const destroy = await e.cli(["destroy", "--yes"]);
      expect(destroy.code).not.toBe(0);
      expect(text(destroy)).toMatch(/precondition_failed \(412\).*it was changed outside Pulumi since the last refresh: run `pulumi destroy --refresh`/);
      expect(text(destroy)).not.toMatch(/pulumi up/);
      const again = await e.cli(["destroy", "--refresh", "--yes"]);
      expect(again.code, text(again)).toBe(0);
      expect((await suite.server.call(token, "GET", `/v1/organizations/${org.id}/teams/${team}`)).statusCode).toBe(404);
    },
    5 * MIN,
  );

  it(
    "a 401: preview and up say to set the token and run them again; refresh and destroy say --run-program, which works",
    async () => {
      const owner = await suite.server.signup("owner@advice-401.test");
      const org = (await suite.server.call(owner.token, "POST", "/v1/organizations", { slug: "advice-401", name: "Advice", region: "eu" })).json;
      const newToken = async (name: string) =>
        (await suite.server.call(owner.token, "POST", "/v1/me/tokens", { name, expires_at: new Date(Date.now() + 30 * DAY).toISOString() })).json as {
          id: string;
          token: string;
        };
      const revoke = async (t: { id: string }) => expect((await suite.server.call(owner.token, "DELETE", `/v1/me/tokens/${t.id}`)).statusCode).toBe(204);
      const first = await newToken("first");
      const team = (organization: string): R[] => [{ type: "Team", name: "ops", args: { organization, name: "Ops" } }];
      const e = await specStack("token401", first.token, team(org.id));
      await e.stack.up(e.opts());

      // preview and up run the program: the stack's configuration is what they use. Naming the
      // organization by slug makes the diff resolve it, one API call with the refused token.
      await e.stack.setConfig("orgs:apiToken", { value: "omt_not_a_token", secret: true });
      await e.declare(team("advice-401"));
      for (const cmd of ["preview", "up"]) {
        const r = await e.cli(cmd === "up" ? ["up", "--yes"] : ["preview"]);
        expect(r.code).not.toBe(0);
        expect(text(r)).toMatch(
          new RegExp(`unauthenticated \\(401\\).* — set a valid token with \`pulumi config set --secret orgs:apiToken …\`, then run \`pulumi ${cmd}\` again`),
        );
        expect(text(r)).not.toMatch(/--run-program/);
      }

      // Token rotation: the new one in the configuration, the old one (saved in the state by the last up) revoked.
      const second = await newToken("second");
      await e.stack.setConfig("orgs:apiToken", { value: second.token, secret: true });
      await revoke(first);
      const refresh = await e.cli(["refresh", "--yes"]);
      expect(refresh.code).not.toBe(0);
      expect(text(refresh)).toMatch(
        /unauthenticated \(401\).* — `pulumi refresh` uses the token the last `pulumi up` saved in the state, not the stack's configuration: .* then run `pulumi refresh --run-program`/,
      );
      const fixed = await e.cli(["refresh", "--run-program", "--yes"]);
      expect(fixed.code, text(fixed)).toBe(0);

      // The same for destroy, once the token that refresh saved is revoked too.
      const third = await newToken("third");
      await e.stack.setConfig("orgs:apiToken", { value: third.token, secret: true });
      await revoke(second);
      const destroy = await e.cli(["destroy", "--yes"]);
      expect(destroy.code).not.toBe(0);
      expect(text(destroy)).toMatch(
        /unauthenticated \(401\).* — `pulumi destroy` uses the token the last `pulumi up` saved in the state.* `pulumi destroy --run-program`/,
      );
      const gone = await e.cli(["destroy", "--run-program", "--yes"]);
      expect(gone.code, text(gone)).toBe(0);
      expect((await suite.server.call(owner.token, "GET", `/v1/organizations/${org.id}/teams`)).json.items.map((t: { name: string }) => t.name)).not.toContain(
        "Ops",
      );
    },
    5 * MIN,
  );
});
