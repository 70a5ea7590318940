// End to end with the real Pulumi engine: every example goes through what a platform team does
// with it — preview, up, a clean preview, a change made by hand that `preview --refresh
// --expect-no-changes` catches and shows, up putting it back, refresh and destroy with the
// `pulumi` binary itself — against a real org server on a loopback socket (PGlite, or PostgreSQL
// when ORGS_TEST_POSTGRES_URL is set), with `orgs:apiUrl` and a secret `orgs:apiToken` in the
// stack's config. See test/support/pulumi.ts for how programs run here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { engineStack, programDir, type EngineStack } from "./support/pulumi";
import { engineSuite } from "./support/e2e";

const suite = engineSuite("test/e2e.test.ts");
const { missing } = suite;

const last = (e: EngineStack) => e.output.at(-1) ?? "";
const config = (token: string, extra: Record<string, string> = {}) => ({
  "orgs:apiUrl": suite.url,
  "orgs:apiToken": { value: token, secret: true as const },
  ...extra,
});
const MIN = 60_000;

describe.skipIf(!!missing)(missing ? `examples with the Pulumi CLI — skipped: ${missing}` : "examples with the Pulumi CLI", () => {
  describe("quickstart", () => {
    let e: EngineStack;
    let token: string;
    const api = (method: string, path: string, body?: unknown) => suite.server.call(token, method, path, body);

    beforeAll(async () => {
      token = (await suite.server.signup("owner@qs-e2e.test")).token;
      e = await engineStack(programDir("examples/quickstart"), "dev", config(token, { "orgs-e2e:slug": "qs-e2e", "orgs-e2e:emailDomain": "qs-e2e.test" }));
    }, 2 * MIN);

    it(
      "previews 14 resources to create, and up creates them on the server",
      async () => {
        const preview = await e.stack.preview(e.opts({ diff: true }));
        expect(preview.changeSummary).toEqual({ create: 15 }); // 14 resources and the stack
        expect((await api("GET", "/v1/organizations/qs-e2e")).statusCode).toBe(404);
        const up = await e.stack.up(e.opts());
        expect(up.summary.result, last(e)).toBe("succeeded");
        expect(up.summary.resourceChanges).toEqual({ create: 15 });
        const org = (await api("GET", "/v1/organizations/qs-e2e")).json;
        expect(up.outputs.organizationId!.value).toBe(org.id);
        const members = (await api("GET", `/v1/organizations/${org.id}/members`)).json.items;
        expect(members.map((m: { email: string }) => m.email).sort()).toEqual([
          "alice@qs-e2e.test",
          "bob@qs-e2e.test",
          "carol@qs-e2e.test",
          "owner@qs-e2e.test",
        ]);
        expect(members.find((m: { email: string }) => m.email === "carol@qs-e2e.test").team_ids).toEqual([org.default_team_id]);
        expect((await api("GET", `/v1/projects/${up.outputs.projects!.value.api}/access`)).json.items).toHaveLength(2);
      },
      5 * MIN,
    );

    it(
      "previews no change afterwards, with and without refresh, making no API call without it",
      async () => {
        let requests = 0;
        const count = () => {
          requests++;
        };
        suite.server.app.server.on("request", count);
        try {
          const plain = await e.stack.preview(e.opts({ expectNoChanges: true }));
          expect(plain.changeSummary).toEqual({ same: 15 });
          expect(requests).toBe(0);
        } finally {
          suite.server.app.server.off("request", count);
        }
        expect((await e.stack.preview(e.opts({ expectNoChanges: true, refresh: true }))).changeSummary).toEqual({ same: 15 });
      },
      5 * MIN,
    );

    it("keeps the API token out of the state, which holds it only encrypted in the stack's config", async () => {
      const state = readFileSync(e.stateFile(), "utf8");
      expect(state).not.toContain(token);
      expect(readFileSync(join(e.dir, "Pulumi.dev.yaml"), "utf8")).toMatch(/orgs:apiToken:\s+secure: /);
      // About a quarter of the state is what each resource's serialized provider takes.
      const resources = JSON.parse(state).checkpoint.latest.resources.filter((r: { type: string }) => r.type.startsWith("pulumi-nodejs:dynamic/orgs:"));
      for (const r of resources) expect(r.inputs.__provider.length, r.urn).toBeLessThan(400);
    });

    it(
      "catches changes made by hand with preview --refresh --expect-no-changes, shows each, and up puts them back",
      async () => {
        const out = (await e.stack.outputs()) as Record<string, { value: any }>;
        const org = out.organizationId!.value;
        const members = (await api("GET", `/v1/organizations/${org}/members`)).json.items as { id: string; email: string }[];
        const alice = members.find((m) => m.email === "alice@qs-e2e.test")!;
        const bob = members.find((m) => m.email === "bob@qs-e2e.test")!;
        const defaultRole = (await api("GET", `/v1/organizations/${org}`)).json.default_role_id;
        // A rename, a role taken from a member, a grant's level changed, a member removed.
        expect((await api("PATCH", `/v1/organizations/${org}`, { name: "Renamed by hand" })).statusCode).toBe(200);
        expect((await api("PATCH", `/v1/organizations/${org}/members/${alice.id}`, { role_ids: [defaultRole] })).statusCode).toBe(200);
        expect((await api("PUT", `/v1/projects/${out.projects!.value.api}/access/teams/${out.teams!.value.platform}`, { role: "viewer" })).statusCode).toBe(
          200,
        );
        expect((await api("DELETE", `/v1/organizations/${org}/members/${bob.id}`)).statusCode).toBe(204);

        // A plain preview compares the program with the state, and neither changed.
        expect((await e.stack.preview(e.opts({ expectNoChanges: true }))).changeSummary).toEqual({ same: 15 });
        const drift = await e.stack.preview(e.opts({ refresh: true, expectNoChanges: true, diff: true })).catch((err) => err);
        expect(drift).toBeInstanceOf(Error);
        const shown = last(e);
        expect(shown).toMatch(/~ name\s*: "Renamed by hand" => "Acme Corp"/);
        expect(shown).toMatch(/Member: \(update\)[\s\S]*?urn=.*Member::alice\][\s\S]*?~ roles/);
        expect(shown).toMatch(/ProjectAccess: \(update\)[\s\S]*?urn=.*ProjectAccess::platform-admins-api\][\s\S]*?~ level\s*: "viewer" => "admin"/);
        expect(shown).toMatch(/\+ pulumi-nodejs:dynamic\/orgs:Member: \(create\)[\s\S]*?Member::bob/);
        expect(shown).toMatch(/3 to update\s+\+ 1 to create|\+ 1 to create\s+~ 3 to update/);

        const up = await e.stack.up(e.opts({ refresh: true }));
        expect(up.summary.resourceChanges).toMatchObject({ update: 3, create: 1 });
        expect((await api("GET", `/v1/organizations/${org}`)).json.name).toBe("Acme Corp");
        expect((await api("GET", `/v1/organizations/${org}/members/${alice.id}`)).json.role_ids).toEqual([out.roles!.value.developer]);
        expect((await api("GET", `/v1/projects/${out.projects!.value.api}/access/teams/${out.teams!.value.platform}`)).json.role).toBe("admin");
        expect((await api("GET", `/v1/organizations/${org}/members?email=bob@qs-e2e.test`)).json.items).toHaveLength(1);
        expect((await e.stack.preview(e.opts({ expectNoChanges: true, refresh: true }))).changeSummary).toEqual({ same: 15 });
      },
      10 * MIN,
    );

    it(
      "`pulumi refresh` and `pulumi destroy`, typed as a user would, leave nothing behind",
      async () => {
        const refresh = await e.cli(["refresh", "--yes"]);
        expect(refresh.code, refresh.stdout + refresh.stderr).toBe(0);
        expect(refresh.stdout).toMatch(/15 unchanged/);
        const org = ((await e.stack.outputs()) as Record<string, { value: string }>).organizationId!.value;
        const destroy = await e.cli(["destroy", "--yes"]);
        expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
        expect(destroy.stdout).toMatch(/- 15 deleted/);
        const gone = await api("GET", `/v1/organizations/${org}`);
        expect(gone.statusCode).toBe(404);
        expect(gone.json.code).toBe("deleted");
      },
      5 * MIN,
    );
  });

  // examples/gitops (orgs.Members and ProjectAccessSet) runs in test/e2e-sets.test.ts.

  describe("drift", () => {
    let e: EngineStack;
    let token: string;
    const api = (method: string, path: string, body?: unknown) => suite.server.call(token, method, path, body);

    beforeAll(async () => {
      token = (await suite.server.signup("owner@drift-e2e.test")).token;
      e = await engineStack(programDir("examples/drift"), "dev", config(token, { "orgs-e2e:slug": "drift-e2e" }));
    }, 2 * MIN);

    it(
      "follows its README: a promotion and a revoked grant by hand are caught, shown and put back",
      async () => {
        const up = await e.stack.up(e.opts());
        expect(up.summary.resourceChanges).toEqual({ create: 6 });
        const out = up.outputs as Record<string, { value: string }>;
        const org = (await api("GET", "/v1/organizations/drift-e2e")).json;
        const team = (await api("GET", `/v1/organizations/${org.id}/teams`)).json.items.find((t: { name: string }) => t.name === "On-call");
        expect((await api("PATCH", `/v1/organizations/${org.id}/members/${out.danaMemberId!.value}`, { role_ids: [org.admin_role_id] })).statusCode).toBe(200);
        expect((await api("DELETE", `/v1/projects/${out.projectId!.value}/access/teams/${team.id}`)).statusCode).toBe(204);

        expect((await e.stack.preview(e.opts({ expectNoChanges: true }))).changeSummary).toEqual({ same: 6 });
        const drift = await e.stack.preview(e.opts({ refresh: true, expectNoChanges: true, diff: true })).catch((err) => err);
        expect(drift).toBeInstanceOf(Error);
        expect(last(e)).toMatch(new RegExp(`Member: \\(update\\)[\\s\\S]*?~ roles\\s*: \\[\\s*~ \\[0\\]: "${org.admin_role_id}" => "${org.default_role_id}"`));
        expect(last(e)).toMatch(/\+ pulumi-nodejs:dynamic\/orgs:ProjectAccess: \(create\)[\s\S]*?oncall-views-service/);
        const fixed = await e.stack.up(e.opts({ refresh: true }));
        expect(fixed.summary.resourceChanges).toMatchObject({ update: 1, create: 1 });
        expect((await api("GET", `/v1/organizations/${org.id}/members/${out.danaMemberId!.value}`)).json.role_ids).toEqual([org.default_role_id]);
        expect((await api("GET", `/v1/projects/${out.projectId!.value}/access/teams/${team.id}`)).statusCode).toBe(200);
        const destroy = await e.cli(["destroy", "--yes"]);
        expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
        expect((await api("GET", `/v1/organizations/${org.id}`)).json.code).toBe("deleted");
      },
      10 * MIN,
    );
  });
});
