// Every row of an organization's data carries its organization_id (migration 011), whichever
// writer made it, and a project's rows follow it to another organization: the key a distributed
// PostgreSQL would place them by (README "Past one PostgreSQL").
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/support/server";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

/** Rows of the four child tables whose organization_id is not their parent's. */
const mismatched = () =>
  s.db.query<{ t: string; n: number }>(
    `SELECT 'member_roles' AS t, count(*)::int AS n FROM member_roles x JOIN members m ON m.id = x.member_id WHERE x.organization_id IS DISTINCT FROM m.organization_id
     UNION ALL SELECT 'team_members', count(*)::int FROM team_members x JOIN teams t ON t.id = x.team_id WHERE x.organization_id IS DISTINCT FROM t.organization_id
     UNION ALL SELECT 'environments', count(*)::int FROM environments x JOIN projects p ON p.id = x.project_id WHERE x.organization_id IS DISTINCT FROM p.organization_id
     UNION ALL SELECT 'project_access', count(*)::int FROM project_access x JOIN projects p ON p.id = x.project_id WHERE x.organization_id IS DISTINCT FROM p.organization_id`,
  );

it("organization_id on member roles, team memberships, environments and grants, also after a project moves", async () => {
  const { owner, org } = await s.orgWithOwner("keyed-src");
  const dst = (await s.call(owner.token, "POST", "/v1/organizations", { slug: "keyed-dst", name: "Dst", region: "us" })).json;
  const team = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/teams`, { name: "Platform" })).json;
  const m = await s.join(owner.token, org.id, "keyed@example.com", { team_ids: [team.id, org.default_team_id] });
  const patched = await s.call(owner.token, "PATCH", `/v1/organizations/${org.id}/members/${m.memberId}`, {
    role_ids: [org.admin_role_id],
    team_ids: [team.id],
  });
  expect(patched.statusCode).toBe(200);
  const ext = await s.signup("keyed-ext@example.com");
  const p = (await s.call(owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "Web" })).json;
  const g = await s.call(owner.token, "PUT", `/v1/projects/${p.id}/access/accounts/${ext.accountId}`, { role: "viewer" });
  expect(g.statusCode).toBe(201);
  const counts = await s.db.query<{ n: number }>(
    "SELECT (SELECT count(*) FROM member_roles) + (SELECT count(*) FROM team_members) + (SELECT count(*) FROM environments) + (SELECT count(*) FROM project_access) AS n",
  );
  expect(Number(counts[0]!.n)).toBeGreaterThan(6);
  expect((await mismatched()).filter((r) => r.n > 0)).toEqual([]);

  expect((await s.call(owner.token, "POST", `/v1/projects/${p.id}/transfer`, { target_organization_id: dst.id })).statusCode).toBe(200);
  expect((await mismatched()).filter((r) => r.n > 0)).toEqual([]);
  const [env] = await s.db.query<{ organization_id: string }>("SELECT DISTINCT organization_id FROM environments WHERE project_id = $1", [p.id]);
  expect(env!.organization_id).toBe(dst.id);
});
