// examples/gitops on orgs.Members and orgs.ProjectAccessSet, with the real Pulumi engine: the
// file applied as two resources' worth of sets, a clean preview with no API call, changes made by
// hand (a member invited, a role changed, a member removed) failing the nightly gate with each one
// named, `up --refresh` repairing all three, maxRemovals stopping a run after the file lost its
// last 40 lines, and destroy leaving the organization as it was.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { engineStack, programDir, type EngineStack } from "./support/pulumi";
import { engineSuite } from "./support/e2e";

const suite = engineSuite("test/e2e-sets.test.ts");
const { missing } = suite;
const MIN = 60_000;
const last = (e: EngineStack) => e.output.at(-1) ?? "";

describe.skipIf(!!missing)(missing ? `gitops on orgs.Members with the Pulumi CLI — skipped: ${missing}` : "gitops on orgs.Members with the Pulumi CLI", () => {
  let e: EngineStack;
  let token: string;
  let org: any;
  let before: Record<string, unknown>;
  const api = (method: string, path: string, body?: unknown) => suite.server.call(token, method, path, body);
  const emails = async () => ((await api("GET", `/v1/organizations/${org.id}/members?limit=100`)).json.items as { email: string }[]).map((m) => m.email).sort();
  const snapshot = async () => {
    const list = async (path: string) =>
      (await api("GET", path)).json.items.map((x: Record<string, unknown>) => ({ ...x, version: undefined, updated_at: undefined, member_count: undefined }));
    return {
      roles: await list(`/v1/organizations/${org.id}/roles`),
      teams: await list(`/v1/organizations/${org.id}/teams`),
      members: await emails(),
      grants: [...(await list(`/v1/projects/${org.projects.api}/access`)), ...(await list(`/v1/projects/${org.projects.web}/access`))],
    };
  };
  const example = readFileSync(join(__dirname, "..", "examples/gitops/members.yaml"), "utf8");
  const membersFile = (extra = "") =>
    example
      .replace("organization: acme", "organization: acme-sets")
      .replace("prj_01quickstartapi", org.projects.api)
      .replace("prj_01quickstartweb", org.projects.web) + extra;
  // Ten more members, four lines each: the 40 lines a truncated file loses.
  const tenMore = Array.from({ length: 10 }, (_, i) => `  - email: extra${i}@example.com\n    roles: [DEFAULT]\n    teams: [Platform]\n    access: []\n`).join(
    "",
  );

  beforeAll(async () => {
    token = (await suite.server.signup("owner@sets-e2e.test")).token;
    org = (await api("POST", "/v1/organizations", { slug: "acme-sets", name: "Acme", region: "eu" })).json;
    for (const name of ["Developer", "Finance"]) await api("POST", `/v1/organizations/${org.id}/roles`, { name });
    for (const name of ["Platform", "Frontend"]) await api("POST", `/v1/organizations/${org.id}/teams`, { name });
    org.projects = {};
    for (const name of ["api", "web"]) org.projects[name] = (await api("POST", `/v1/organizations/${org.id}/projects`, { name })).json.id;
    before = await snapshot();
    const dir = programDir("examples/gitops");
    writeFileSync(join(dir, "members.yaml"), membersFile());
    e = await engineStack(dir, "prod", { "orgs:apiUrl": suite.url, "orgs:apiToken": { value: token, secret: true } });
  }, 2 * MIN);

  it(
    "previews and applies members.yaml as one Members and one ProjectAccessSet per project, then previews clean",
    async () => {
      const preview = await e.stack.preview(e.opts({ diff: true }));
      expect(preview.changeSummary).toEqual({ create: 4 }); // Members, two ProjectAccessSets, the stack
      expect(last(e)).toMatch(/dana@example.com\s*: \{[\s\S]*?roles\s*: \[\s*\[0\]: "Developer"/);
      const up = await e.stack.up(e.opts());
      expect(up.summary.resourceChanges).toEqual({ create: 4 });
      expect(up.outputs.unmanaged!.value).toEqual([]);
      const roles = Object.fromEntries(
        (await api("GET", `/v1/organizations/${org.id}/roles`)).json.items.map((r: { name: string; id: string }) => [r.name, r.id]),
      );
      const dana = (await api("GET", `/v1/organizations/${org.id}/members?email=dana@example.com`)).json.items[0];
      expect(dana).toMatchObject({ status: "invited", role_ids: [roles.Developer] });
      expect(up.outputs.memberIds!.value["dana@example.com"]).toBe(dana.id);
      const grants = (await api("GET", `/v1/projects/${org.projects.api}/access`)).json.items;
      expect(grants.map((g: { principal_id: string; role: string }) => g.role).sort()).toEqual(["admin", "viewer"]);
      expect((await e.stack.preview(e.opts({ expectNoChanges: true }))).changeSummary).toEqual({ same: 4 });
      expect((await e.stack.preview(e.opts({ expectNoChanges: true, refresh: true }))).changeSummary).toEqual({ same: 4 });
    },
    5 * MIN,
  );

  it(
    "the nightly gate fails on a member invited by hand, a role changed by hand and a member removed by hand, naming each; up --refresh repairs all three",
    async () => {
      expect((await api("POST", `/v1/organizations/${org.id}/members`, { email: "mallory@example.com" })).statusCode).toBe(201);
      const members = (await api("GET", `/v1/organizations/${org.id}/members`)).json.items as { id: string; email: string }[];
      const erik = members.find((m) => m.email === "erik@example.com")!;
      const fatima = members.find((m) => m.email === "fatima@example.com")!;
      expect((await api("PATCH", `/v1/organizations/${org.id}/members/${erik.id}`, { role_ids: [org.default_role_id] })).statusCode).toBe(200);
      expect((await api("DELETE", `/v1/organizations/${org.id}/members/${fatima.id}`)).statusCode).toBe(204);
      const gate = await e.stack.preview(e.opts({ refresh: true, expectNoChanges: true, diff: true })).catch((err) => err);
      expect(gate).toBeInstanceOf(Error);
      const out = last(e) + String(gate);
      expect(out).toMatch(/\+ mallory@example.com\s*: \{/);
      expect(out).toMatch(/"DEFAULT" => "Developer"/);
      expect(out).toMatch(/- fatima@example.com\s*: \{/);
      expect(out).toMatch(/no changes were expected for preview but changes were proposed/);
      const up = await e.stack.up(e.opts({ refresh: true }));
      expect(up.summary.resourceChanges).toEqual({ update: 1, same: 3 }); // the members; fatima had no grants
      expect(await emails()).toEqual([
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
        "dana@example.com",
        "erik@example.com",
        "fatima@example.com",
        "owner@sets-e2e.test",
      ]);
      const erikNow = (await api("GET", `/v1/organizations/${org.id}/members/${erik.id}`)).json;
      expect(erikNow.role_ids).not.toContain(org.default_role_id);
      expect((await e.stack.preview(e.opts({ expectNoChanges: true, refresh: true }))).changeSummary).toEqual({ same: 4 });
    },
    10 * MIN,
  );

  it(
    "maxRemovals stops an up after members.yaml lost its last 40 lines, and nothing is removed",
    async () => {
      writeFileSync(join(e.dir, "members.yaml"), membersFile(tenMore));
      await e.stack.up(e.opts());
      expect(await emails()).toHaveLength(17);
      const full = membersFile(tenMore).split("\n");
      writeFileSync(join(e.dir, "members.yaml"), full.slice(0, full.length - 41).join("\n") + "\n");
      const refused = await e.stack.up(e.opts()).catch((err) => err);
      expect(refused).toBeInstanceOf(Error);
      expect(last(e)).toMatch(/too_many_removals: the plan removes 10 members, more than max_removals \(5\): extra0@example.com/);
      expect(await emails()).toHaveLength(17);
      // Meant: the removals are allowed by raising the guard for this run.
      writeFileSync(join(e.dir, "members.yaml"), membersFile().replace("max_removals: 5", "max_removals: 10"));
      await e.stack.up(e.opts());
      expect(await emails()).toHaveLength(7);
    },
    10 * MIN,
  );

  it(
    "destroy with the `pulumi` binary leaves the organization as it was before the program",
    async () => {
      const destroy = await e.cli(["destroy", "--yes"]);
      expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
      expect(await snapshot()).toEqual(before);
    },
    5 * MIN,
  );
});
