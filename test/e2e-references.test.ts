// What a Pulumi user writes first, with the real Pulumi engine (issue 18, items 1, 2, 5 and 6):
// every reference to a role, team or member by the resource's own `.id`, by its bare ID and by
// its name; a wrong name caught by `pulumi preview`; lists kept in the program's order so a
// refresh shows no drift; and a region change refused at preview, saying what it means, with no
// stack trace anywhere. One stack of test/programs/spec goes through all of it.
import { describe, expect, it } from "vitest";
import { engineStack, programDir, type EngineStack } from "./support/pulumi";
import { engineSuite } from "./support/e2e";

const suite = engineSuite("test/e2e-references.test.ts");
const { missing } = suite;

const MIN = 60_000;
type R = { type: string; name: string; args: Record<string, unknown> };
const last = (e: EngineStack) => e.output.at(-1) ?? "";
/** A JavaScript stack frame ("    at fn (file.js:1:2)"). */
const STACK_FRAME = /\n\s+at .+:\d+:\d+\)?\n/;

describe.skipIf(!!missing)(missing ? `references with the Pulumi CLI — skipped: ${missing}` : "references with the Pulumi CLI", () => {
  it(
    "takes .id, bare IDs and names everywhere, checks names at preview, shows no order drift, and refuses a region change at preview",
    async () => {
      const { token } = await suite.server.signup("owner@refs-e2e.test");
      const api = (method: string, path: string, body?: unknown) => suite.server.call(token, method, path, body);
      // Made by hand before the program: teams Data then Platform (so the server lists them in that
      // order), a role, a member invited by hand, referenced by name and email.
      const org = (await api("POST", "/v1/organizations", { slug: "refs-e2e", name: "Refs", region: "eu" })).json;
      const data = (await api("POST", `/v1/organizations/${org.id}/teams`, { name: "Data" })).json;
      const platform = (await api("POST", `/v1/organizations/${org.id}/teams`, { name: "Platform" })).json;
      const auditor = (await api("POST", `/v1/organizations/${org.id}/roles`, { name: "Auditor" })).json;
      const carol = (await api("POST", `/v1/organizations/${org.id}/members`, { email: "carol@refs-e2e.test" })).json;

      const declare = (changes: { bobRoles?: string[]; region?: string; allowRegionChange?: boolean } = {}): R[] => [
        { type: "Role", name: "dev", args: { organization: "refs-e2e", name: "Developer", permissions: ["members", "billing"] } },
        { type: "Team", name: "ops", args: { organization: org.id, name: "Ops" } },
        {
          type: "Member",
          name: "ada",
          args: {
            organization: "refs-e2e",
            email: "ada@refs-e2e.test",
            roles: ["${dev.id}", "Auditor"],
            teams: ["${ops.id}", "Platform", "Data"],
            permissions: ["members", "billing"],
          },
        },
        {
          type: "Member",
          name: "bob",
          args: { organization: org.id, email: "bob@refs-e2e.test", roles: changes.bobRoles ?? ["${dev.roleId}"], teams: ["${ops.teamId}"] },
        },
        { type: "Project", name: "web", args: { organization: org.id, name: "web" } },
        { type: "Project", name: "api", args: { organization: org.id, name: "api" } },
        // Each grant input three ways: the resource's .id, its bare ID, its name (a member's email).
        { type: "ProjectAccess", name: "web-ada", args: { project: "${web.id}", member: "${ada.id}", level: "admin" } },
        { type: "ProjectAccess", name: "web-dev", args: { project: "${web.id}", role: "${dev.id}", level: "viewer" } },
        { type: "ProjectAccess", name: "web-ops", args: { project: "${web.id}", team: "${ops.id}", level: "admin" } },
        { type: "ProjectAccess", name: "api-ada", args: { project: "${api.id}", member: "${ada.memberId}", level: "viewer" } },
        { type: "ProjectAccess", name: "api-dev", args: { project: "${api.id}", role: "${dev.roleId}", level: "viewer" } },
        { type: "ProjectAccess", name: "api-ops", args: { project: "${api.id}", team: "${ops.teamId}", level: "viewer" } },
        { type: "ProjectAccess", name: "web-carol", args: { project: "${web.id}", member: "carol@refs-e2e.test", level: "viewer" } },
        { type: "ProjectAccess", name: "web-auditor", args: { project: "${web.id}", role: "Auditor", level: "viewer" } },
        { type: "ProjectAccess", name: "web-data", args: { project: "${web.id}", team: "Data", level: "viewer" } },
        // An organization of the program's own, with a project, for the region change.
        {
          type: "Organization",
          name: "moving",
          args: { slug: "moving-e2e", name: "Moving", region: changes.region ?? "eu", ...(changes.allowRegionChange ? { allowRegionChange: true } : {}) },
        },
        { type: "Project", name: "kept", args: { organization: "${moving.id}", name: "kept" } },
      ];
      const e = await engineStack(programDir("test/programs/spec"), "refs", {
        "orgs:apiUrl": suite.url,
        "orgs:apiToken": { value: token, secret: true },
        "orgs-e2e:resources": JSON.stringify(declare()),
      });
      const redeclare = (rs: R[]) => e.stack.setConfig("orgs-e2e:resources", { value: JSON.stringify(rs) });

      // 1. Every form of reference previews and applies.
      expect((await e.stack.preview(e.opts())).changeSummary).toEqual({ create: 18 });
      const up = await e.stack.up(e.opts());
      expect(up.summary.result, last(e)).toBe("succeeded");
      const ids = up.outputs.ids!.value as Record<string, string>;
      const [, devId] = ids.dev!.split("/");
      const [, opsId] = ids.ops!.split("/");
      const [, adaId] = ids.ada!.split("/");
      const ada = (await api("GET", `/v1/organizations/${org.id}/members/${adaId}`)).json;
      expect([...ada.role_ids].sort()).toEqual([devId, auditor.id].sort());
      expect([...ada.team_ids].sort()).toEqual([opsId, platform.id, data.id].sort());
      const bob = (await api("GET", `/v1/organizations/${org.id}/members/${ids.bob!.split("/")[1]}`)).json;
      expect(bob).toMatchObject({ role_ids: [devId], team_ids: [opsId] });
      const grants = async (project: string) =>
        new Set(
          ((await api("GET", `/v1/projects/${project}/access`)).json.items as { principal_type: string; principal_id: string }[]).map(
            (g) => `${g.principal_type}/${g.principal_id}`,
          ),
        );
      expect(await grants(ids.web!)).toEqual(
        new Set([`members/${adaId}`, `roles/${devId}`, `teams/${opsId}`, `members/${carol.id}`, `roles/${auditor.id}`, `teams/${data.id}`]),
      );
      expect(await grants(ids.api!)).toEqual(new Set([`members/${adaId}`, `roles/${devId}`, `teams/${opsId}`]));
      // A grant's ID holds the principal's bare ID, whichever way the program named it.
      expect(ids["web-ops"]).toBe(`${ids.web}/teams/${opsId}`);
      expect(ids["web-carol"]).toBe(`${ids.web}/members/${carol.id}`);

      // 5. Nothing changed: no drift, whatever order the server lists teams, roles and permissions in;
      // and a preview with nothing to do makes no API call.
      expect(ada.team_ids).not.toEqual([opsId, platform.id, data.id]);
      expect((await e.stack.preview(e.opts({ refresh: true, expectNoChanges: true, diff: true }))).changeSummary, last(e)).toEqual({ same: 18 });
      let requests = 0;
      const count = () => {
        requests++;
      };
      suite.server.app.server.on("request", count);
      try {
        expect((await e.stack.preview(e.opts({ expectNoChanges: true }))).changeSummary).toEqual({ same: 18 });
      } finally {
        suite.server.app.server.off("request", count);
      }
      expect(requests).toBe(0);

      // 2. A wrong role name fails the preview, naming the organization by slug; up is never reached.
      await redeclare(declare({ bobRoles: ["Auditr"] }));
      expect(await e.stack.preview(e.opts()).catch((x) => x)).toBeInstanceOf(Error);
      expect(last(e)).toMatch(
        /Member resource 'bob': property roles\[0\] value \{<nil>\} has a problem: no role named "Auditr" in refs-e2e \(its roles: [^)]*Auditor[^)]*\)/,
      );
      expect(last(e)).not.toContain(org.id + " (its roles");

      // 6. A region change is refused at preview, saying what it would do; no stack trace.
      await redeclare(declare({ region: "us" }));
      expect(await e.stack.preview(e.opts()).catch((x) => x)).toBeInstanceOf(Error);
      const refused = last(e);
      expect(refused).toMatch(/region eu → us cannot be changed in place[\s\S]*makes a new organization[\s\S]*Every member is invited again/);
      expect(refused).toMatch(/set `allowRegionChange: true`/);
      expect(refused).not.toMatch(STACK_FRAME);
      expect((await api("GET", "/v1/organizations/moving-e2e")).json.region).toBe("eu");
      // Opted in, up fails safely on the project still in it, with advice that holds for a declared project.
      await redeclare(declare({ region: "us", allowRegionChange: true }));
      expect((await e.stack.preview(e.opts())).changeSummary).toMatchObject({ replace: 1 });
      expect(await e.stack.up(e.opts()).catch((x) => x)).toBeInstanceOf(Error);
      const failed = last(e);
      expect(failed).toMatch(/organization_has_projects \(409\)[\s\S]*an organization is deleted only once it has no projects: transfer them/);
      expect(failed).not.toContain("this stack does not declare");
      expect(failed).not.toMatch(STACK_FRAME);
      // What the dynamic-provider host prints beside a refused delete: one line of ours, not the message again.
      expect(failed).toContain("orgs: a step was refused; the resource's error says why and what to do");
      expect((await api("GET", "/v1/organizations/moving-e2e")).json.region).toBe("eu");
      // Back as it was: nothing was lost.
      await redeclare(declare());
      expect((await e.stack.up(e.opts({ refresh: true }))).summary.result).toBe("succeeded");
      expect((await e.stack.preview(e.opts({ refresh: true, expectNoChanges: true }))).changeSummary).toEqual({ same: 18 });
    },
    10 * MIN,
  );
});
