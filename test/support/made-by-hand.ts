// One object of every resource type made by hand through the API, and the `pulumi import` list
// that names each by its ID (the IDs the README gives): what test/e2e-plugin.test.ts and
// test/e2e-yaml.test.ts import.
import { expect } from "vitest";

type Call = (method: string, path: string, body?: unknown) => Promise<{ statusCode: number; json: any }>;

export interface MadeByHand {
  org: { id: string };
  project: { id: string };
  shared: { id: string };
  role: { id: string };
  team: { id: string };
  member: { id: string };
  other: { id: string };
  /** `pulumi import --file`'s resources: an Organization, Project, Role, Team, Member, ProjectAccess, Members and ProjectAccessSet. */
  imports: { type: string; name: string; id: string }[];
}

/**
 * In organization `slug` (and `slug`-set, for the Members set): a project "web" with the team
 * "core" as admin, a project "shared" with the role "billing" as viewer, and the member
 * ann@`domain` holding both; cy@`domain` invited to the second organization.
 */
export async function madeByHand(call: Call, slug: string, domain: string): Promise<MadeByHand> {
  const post = async (path: string, body: unknown) => {
    const r = await call("POST", path, body);
    expect(r.statusCode, JSON.stringify(r.json)).toBe(201);
    return r.json;
  };
  const put = async (path: string, body: unknown) => expect((await call("PUT", path, body)).statusCode).toBe(201);
  const org = await post("/v1/organizations", { slug, name: "Imported", region: "us", website_url: "https://imp.example" });
  const at = `/v1/organizations/${org.id}`;
  const project = await post(`${at}/projects`, { name: "web", description: "the site" });
  const shared = await post(`${at}/projects`, { name: "shared" });
  const role = await post(`${at}/roles`, { name: "billing", description: "pays", permissions: ["billing"] });
  const team = await post(`${at}/teams`, { name: "core" });
  const member = await post(`${at}/members`, { email: `ann@${domain}`, role_ids: [role.id], team_ids: [team.id] });
  await put(`/v1/projects/${project.id}/access/teams/${team.id}`, { role: "admin" });
  await put(`/v1/projects/${shared.id}/access/roles/${role.id}`, { role: "viewer" });
  const other = await post("/v1/organizations", { slug: `${slug}-set`, name: "Set", region: "eu" });
  await post(`/v1/organizations/${other.id}/members`, { email: `cy@${domain}` });
  const imports = [
    { type: "orgs:index:Organization", name: "org", id: org.id },
    { type: "orgs:index:Project", name: "web", id: project.id },
    { type: "orgs:index:Role", name: "billing", id: `${org.id}/${role.id}` },
    { type: "orgs:index:Team", name: "core", id: `${org.id}/${team.id}` },
    { type: "orgs:index:Member", name: "ann", id: `${org.id}/${member.id}` },
    { type: "orgs:index:ProjectAccess", name: "web-core", id: `${project.id}/teams/${team.id}` },
    { type: "orgs:index:Members", name: "set-members", id: `${other.id}/members` },
    { type: "orgs:index:ProjectAccessSet", name: "shared-access", id: `${shared.id}/access` },
  ];
  return { org, project, shared, role, team, member, other, imports };
}
