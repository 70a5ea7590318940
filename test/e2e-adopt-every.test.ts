// The takeover warning of issue 25 item 5 for every resource with `adopt` (the lifecycle's check,
// provider/lifecycle.ts), with the real Pulumi CLI: an organization, a project, a role, a team and
// a grant made by hand, then declared with `adopt: true`, each preview as a create and a warning
// naming the object that `up` takes over; `up` then adopts each one (no new object), and a preview
// of the adopted stack warns no more.
import { describe, expect, it } from "vitest";
import { engineStack, programDir } from "./support/pulumi";
import { engineSuite } from "./support/e2e";

const suite = engineSuite("test/e2e-adopt-every.test.ts");
const { missing } = suite;
const MIN = 60_000;

describe.skipIf(!!missing)(missing ? `adoption warnings for every resource — skipped: ${missing}` : "adoption warnings for every resource", () => {
  it(
    "preview warns for each adopted Organization, Project, Role, Team and ProjectAccess; up adopts them",
    async () => {
      const { token } = await suite.server.signup("owner@adopt-every.test");
      const post = async (path: string, body: object) => (await suite.server.call(token, "POST", path, body)).json;
      const org = await post("/v1/organizations", { slug: "adopt-every", name: "Adopt every", region: "eu" });
      const project = await post(`/v1/organizations/${org.id}/projects`, { name: "api" });
      const role = await post(`/v1/organizations/${org.id}/roles`, { name: "Dev", permissions: ["members"] });
      const team = await post(`/v1/organizations/${org.id}/teams`, { name: "Ops" });
      const grant = await suite.server.call(token, "PUT", `/v1/projects/${project.id}/access/teams/${team.id}`, { role: "viewer" });
      expect(grant.statusCode).toBe(201);
      const resources = [
        { type: "Organization", name: "org", args: { slug: "adopt-every", name: "Adopt every", region: "eu", adopt: true } },
        { type: "Project", name: "api", args: { organization: "adopt-every", name: "api", adopt: true } },
        { type: "Role", name: "dev", args: { organization: "adopt-every", name: "Dev", permissions: ["members"], adopt: true } },
        { type: "Team", name: "ops", args: { organization: "adopt-every", name: "Ops", adopt: true } },
        { type: "ProjectAccess", name: "ops-api", args: { project: project.id, team: "Ops", level: "viewer", adopt: true } },
      ];
      const e = await engineStack(programDir("test/programs/spec"), "adopt-every", {
        "orgs:apiUrl": suite.url,
        "orgs:apiToken": { value: token, secret: true },
        "orgs-e2e:resources": JSON.stringify(resources),
      });
      const preview = await e.cli(["preview"]);
      expect(preview.code, preview.stdout + preview.stderr).toBe(0);
      const takeover = "\\(shown as a create\\).*`pulumi destroy`.*retainOnDelete";
      for (const [pattern, type] of [
        [`the Organization adopt-every adopts the existing organization ${org.id} ${takeover}`, "Organization"],
        [`the Project api of adopt-every adopts the existing project ${project.id} ${takeover}`, "Project"],
        [`the Role Dev of adopt-every adopts the existing role ${role.id} ${takeover}`, "Role"],
        [`the Team Ops of adopt-every adopts the existing team ${team.id} ${takeover}`, "Team"],
        [
          `the ProjectAccess for team Ops on project ${project.id} adopts the existing grant \\(level viewer\\) \\(shown as a create\\).*will revoke it; .*retainOnDelete`,
          "ProjectAccess",
        ],
      ]) {
        expect(preview.stdout, type).toMatch(new RegExp(`warning: orgs: ${pattern}`));
      }
      // One warning per adopted object (the engine shows each twice: under its resource and in Diagnostics).
      expect(new Set(preview.stdout.match(/orgs: the \w+ [^\n]*? adopts the existing \w+/g)).size).toBe(5);

      const up = await e.cli(["up", "--yes"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const ids = (await e.stack.outputs()).ids!.value as Record<string, string>;
      expect(ids).toEqual({
        org: org.id,
        api: project.id,
        dev: `${org.id}/${role.id}`,
        ops: `${org.id}/${team.id}`,
        "ops-api": `${project.id}/teams/${team.id}`,
      });
      // Adopted: the state has them, and a preview has nothing to take over.
      const again = await e.cli(["preview"]);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).not.toMatch(/adopts/);
    },
    5 * MIN,
  );
});
