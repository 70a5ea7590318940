// What users see from the real Pulumi engine when things are not simple: a replacement, an expired
// invitation, an object that already exists, a change made by hand between refresh and up, a
// mistake caught at preview, a rotated token, a token that lost access, and an organization
// renamed by the program itself. Each program is test/programs/spec, its resources given in
// stack config, against a real org server on a loopback socket.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { engineStack, programDir, type EngineStack } from "./support/pulumi";
import { engineSuite } from "./support/e2e";

const suite = engineSuite("test/e2e-behaviours.test.ts");
const { missing } = suite;

const MIN = 60_000;
const DAY = 86_400_000;
type R = { type: string; name: string; args: Record<string, unknown> };
const last = (e: EngineStack) => e.output.at(-1) ?? "";

/** A stack of the spec program, as the account with `token`, declaring `resources`. */
async function specStack(name: string, token: string, resources: R[]): Promise<EngineStack & { declare(resources: R[]): Promise<void> }> {
  const e = await engineStack(programDir("test/programs/spec"), name, {
    "orgs:apiUrl": suite.url,
    "orgs:apiToken": { value: token, secret: true },
    "orgs-e2e:resources": JSON.stringify(resources),
  });
  return Object.assign(e, { declare: (rs: R[]) => e.stack.setConfig("orgs-e2e:resources", { value: JSON.stringify(rs) }) });
}

describe.skipIf(!!missing)(missing ? `behaviours with the Pulumi CLI — skipped: ${missing}` : "behaviours with the Pulumi CLI", () => {
  it(
    "shows an allowed region change as a replacement, and makes it (deleting first: the slug stays)",
    async () => {
      const { token } = await suite.server.signup("owner@region-e2e.test");
      const org = (region: string) => [{ type: "Organization", name: "org", args: { slug: "region-e2e", name: "Region", region, allowRegionChange: true } }];
      const e = await specStack("region", token, org("eu"));
      const first = ((await e.stack.up(e.opts())).outputs.ids!.value as Record<string, string>).org!;
      await e.declare(org("us"));
      const preview = await e.stack.preview(e.opts({ diff: true }));
      expect(preview.changeSummary).toMatchObject({ replace: 1 });
      expect(last(e)).toMatch(/\+-pulumi-nodejs:dynamic\/orgs:Organization: \(replace\)[\s\S]*?~ region\s*: "eu" => "us"/);
      const up = await e.stack.up(e.opts());
      expect(up.summary.resourceChanges).toMatchObject({ replace: 1 });
      const now = (await suite.server.call(token, "GET", "/v1/organizations/region-e2e")).json;
      expect(now).toMatchObject({ region: "us" });
      expect(now.id).not.toBe(first);
      expect((await suite.server.call(token, "GET", `/v1/organizations/${first}`)).json.code).toBe("deleted");
    },
    5 * MIN,
  );

  it(
    "shows an expired invitation after a refresh, and up re-sends it",
    async () => {
      const { token } = await suite.server.signup("owner@expiry-e2e.test");
      const org = (await suite.server.call(token, "POST", "/v1/organizations", { slug: "expiry-e2e", name: "Expiry", region: "eu" })).json;
      const e = await specStack("expiry", token, [{ type: "Member", name: "late", args: { organization: org.id, email: "late@expiry-e2e.test" } }]);
      await e.stack.up(e.opts());
      suite.server.clock.advance(8 * DAY);
      const drift = await e.stack.preview(e.opts({ refresh: true, expectNoChanges: true, diff: true })).catch((err) => err);
      expect(drift).toBeInstanceOf(Error);
      expect(last(e)).toMatch(/~ status\s*: "invited" => "expired"/);
      expect(last(e)).toMatch(/~ 1 to update/);
      const up = await e.stack.up(e.opts({ refresh: true }));
      expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
      const m = (await suite.server.call(token, "GET", `/v1/organizations/${org.id}/members?email=late@expiry-e2e.test`)).json.items[0];
      expect(m.status).toBe("invited");
      expect(m.invitation.sent_count).toBe(2);
      expect(Date.parse(m.invitation.expires_at)).toBeGreaterThan(suite.server.clock.current().getTime() + 6 * DAY);
    },
    5 * MIN,
  );

  it(
    "refuses a member invited by hand unless adopted, saying how; adopted, it is the same member",
    async () => {
      const { token } = await suite.server.signup("owner@adopt-e2e.test");
      const org = (await suite.server.call(token, "POST", "/v1/organizations", { slug: "adopt-e2e", name: "Adopt", region: "eu" })).json;
      const byHand = (await suite.server.call(token, "POST", `/v1/organizations/${org.id}/members`, { email: "zoe@adopt-e2e.test" })).json;
      const member = (adopt?: boolean) => [
        { type: "Member", name: "zoe", args: { organization: "adopt-e2e", email: "Zoe@adopt-e2e.test", ...(adopt ? { adopt } : {}) } },
      ];
      const e = await specStack("adopt", token, member());
      const err = await e.stack.up(e.opts()).catch((x) => x);
      expect(err).toBeInstanceOf(Error);
      expect(last(e)).toMatch(
        /error: member Zoe@adopt-e2e.test of adopt-e2e: already_member \(409\): .* — set `adopt: true` on this resource to manage the existing member or invitation \(pulumi import cannot reach a dynamic provider\)/,
      );
      await e.declare(member(true));
      const up = await e.stack.up(e.opts());
      expect((up.outputs.ids!.value as Record<string, string>).zoe).toBe(`${org.id}/${byHand.id}`);
    },
    5 * MIN,
  );

  it(
    "refuses to overwrite a change made by hand since the last refresh (412), and says to refresh",
    async () => {
      const { token } = await suite.server.signup("owner@conflict-e2e.test");
      const org = (await suite.server.call(token, "POST", "/v1/organizations", { slug: "conflict-e2e", name: "Conflict", region: "eu" })).json;
      const role = (description: string) => [{ type: "Role", name: "r", args: { organization: org.id, name: "Reviewer", description } }];
      const e = await specStack("conflict", token, role("first"));
      const id = ((await e.stack.up(e.opts())).outputs.ids!.value as Record<string, string>).r!.split("/")[1];
      expect((await suite.server.call(token, "PATCH", `/v1/organizations/${org.id}/roles/${id}`, { description: "by hand" })).statusCode).toBe(200);
      await e.declare(role("second"));
      const err = await e.stack.up(e.opts()).catch((x) => x);
      expect(err).toBeInstanceOf(Error);
      expect(last(e)).toMatch(
        /precondition_failed \(412\): .* — it was changed outside Pulumi since the last refresh: run `pulumi refresh`, review the drift, then `pulumi up` again/,
      );
      expect((await suite.server.call(token, "GET", `/v1/organizations/${org.id}/roles/${id}`)).json.description).toBe("by hand");
      const fixed = await e.stack.up(e.opts({ refresh: true }));
      expect(fixed.summary.result).toBe("succeeded");
      expect((await suite.server.call(token, "GET", `/v1/organizations/${org.id}/roles/${id}`)).json.description).toBe("second");
    },
    5 * MIN,
  );

  it(
    "fails a preview on inputs the server would refuse, naming each property, before any API call",
    async () => {
      const { token } = await suite.server.signup("owner@check-e2e.test");
      const e = await specStack("check", token, [
        { type: "Member", name: "bad", args: { organization: "Check Corp", email: "not-an-email", permissions: ["billing", "root"] } },
      ]);
      let requests = 0;
      const count = () => {
        requests++;
      };
      suite.server.app.server.on("request", count);
      try {
        const err = await e.stack.preview(e.opts()).catch((x) => x);
        expect(err).toBeInstanceOf(Error);
      } finally {
        suite.server.app.server.off("request", count);
      }
      expect(requests).toBe(0);
      // The engine stops at the first resource whose check fails, after printing all of its failures.
      for (const property of ["organization", "email", "permissions[1]"]) expect(last(e)).toContain(`orgs:Member resource 'bad': property ${property} value`);
      expect(last(e)).toContain("must be an email address");
      await e.declare([{ type: "ProjectAccess", name: "grant", args: { project: "api", team: "team_01x", level: "owner" } }]);
      expect(await e.stack.preview(e.opts()).catch((x) => x)).toBeInstanceOf(Error);
      for (const property of ["project", "level"]) expect(last(e)).toContain(`orgs:ProjectAccess resource 'grant': property ${property} value`);
    },
    5 * MIN,
  );

  it(
    "keeps a rotated token out of the state and sees no change; a token that lost access fails refresh and drops nothing",
    async () => {
      const owner = await suite.server.signup("owner@token-e2e.test");
      const org = (await suite.server.call(owner.token, "POST", "/v1/organizations", { slug: "token-e2e", name: "Token", region: "eu" })).json;
      const admin = await suite.server.join(owner.token, org.id, "admin@token-e2e.test", { role_ids: [org.admin_role_id] });
      const e = await specStack("token", admin.token, [
        { type: "Team", name: "t", args: { organization: "token-e2e", name: "Ops" } },
        // The team by its output: a literal name of a team this run creates makes no dependency.
        { type: "Member", name: "m", args: { organization: "token-e2e", email: "m@token-e2e.test", teams: ["${t.name}"] } },
      ]);
      await e.stack.up(e.opts());
      const rotated = (
        await suite.server.call(admin.token, "POST", "/v1/me/tokens", { name: "rotated", expires_at: new Date(Date.now() + 30 * DAY).toISOString() })
      ).json.token;
      await e.stack.setConfig("orgs:apiToken", { value: rotated, secret: true });
      expect((await e.stack.preview(e.opts({ refresh: true, expectNoChanges: true }))).changeSummary).toEqual({ same: 3 });
      const state = readFileSync(e.stateFile(), "utf8");
      expect(state).not.toContain(rotated);
      expect(state).not.toContain(admin.token);

      // The owner removes the admin from the organization: the token still works, but sees nothing there.
      expect((await suite.server.call(owner.token, "DELETE", `/v1/organizations/${org.id}/members/${admin.memberId}`)).statusCode).toBe(204);
      const refresh = await e.cli(["refresh", "--yes"]);
      expect(refresh.code).not.toBe(0);
      expect(refresh.stdout + refresh.stderr).toMatch(
        /answers 404, and so does its organization org_\w+, and the server does not say it was deleted.*Nothing was dropped from the state/,
      );
      const kept = JSON.parse(readFileSync(e.stateFile(), "utf8")).checkpoint.latest.resources.map((r: { urn: string }) => r.urn.split("::").pop());
      expect(kept).toEqual(expect.arrayContaining(["t", "m"]));
    },
    5 * MIN,
  );

  it(
    "an organization the program renames keeps everything that names it, by slug, new slug or ID: no replacement, nobody removed",
    async () => {
      const { token } = await suite.server.signup("owner@rename-e2e.test");
      const declare = (slug: string): R[] => [
        { type: "Organization", name: "org", args: { slug, name: "Rename", region: "eu" } },
        { type: "Role", name: "role", args: { organization: "${org.id}", name: "Developer" } },
        { type: "Team", name: "team", args: { organization: "${org.slug}", name: "Ops" } },
        // A role or team named by the Role's or Team's output waits for it; a literal name would not.
        { type: "Member", name: "kim", args: { organization: "${org.slug}", email: "kim@rename-e2e.test", roles: ["${role.name}"], teams: ["${team.name}"] } },
        { type: "Project", name: "api", args: { organization: "${org.slug}", name: "api" } },
        { type: "ProjectAccess", name: "kim-api", args: { project: "${api.id}", member: "${kim.memberId}", level: "viewer" } },
      ];
      const e = await specStack("rename", token, declare("rename-e2e"));
      const ids = (await e.stack.up(e.opts())).outputs.ids!.value as Record<string, string>;
      await e.declare(declare("rename-e2e-2"));
      const preview = await e.stack.preview(e.opts({ diff: true }));
      expect(preview.changeSummary.replace ?? 0, last(e)).toBe(0);
      expect(preview.changeSummary.delete ?? 0).toBe(0);
      const up = await e.stack.up(e.opts());
      expect(up.summary.resourceChanges?.replace ?? 0).toBe(0);
      expect(up.outputs.ids!.value).toEqual(ids);
      const [org, member] = ids.kim!.split("/");
      expect((await suite.server.call(token, "GET", `/v1/organizations/${org}/members/${member}`)).statusCode).toBe(200);
      expect((await suite.server.call(token, "GET", "/v1/organizations/rename-e2e-2")).json.id).toBe(org);
      expect((await e.stack.preview(e.opts({ refresh: true, expectNoChanges: true }))).changeSummary).toEqual({ same: 7 });
    },
    5 * MIN,
  );
});
