// check() refuses at preview whatever the server would refuse at `up` (issue 11): for every input a
// resource sends to the API, arbitrary values the API's request schema refuses must fail check,
// with the input's property path. Runs the provider modules' check in-process (the host runs the
// same functions; test/provider-*.test.ts call them through it).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { AccountId, MemberId, OrgId, ProjectId, RoleId, Slug, TeamId } from "../api/common";
import * as Q from "../api/requests";
import * as member from "../provider/member";
import * as organization from "../provider/organization";
import * as project from "../provider/project";
import * as access from "../provider/project-access";
import * as role from "../provider/role";
import * as team from "../provider/team";

type Check = (olds: unknown, news: Record<string, unknown>) => Promise<{ failures?: { property: string; reason: string }[] }>;

interface Case {
  resource: string;
  check: Check;
  /** Valid inputs; each case changes one field. */
  base: Record<string, unknown>;
  field: string;
  /** What the API says of the value this input is sent as. */
  api: z.ZodType;
  /** The value as the API receives it (for a set: the items). */
  toApi?: (v: unknown) => unknown;
}

const org = "org_01testorganization";
const orgRef = { safeParse: (v: unknown) => (typeof v === "string" && v.startsWith("org_") ? OrgId : Slug).safeParse(v) } as unknown as z.ZodType;
const B = {
  organization: { slug: "acme", name: "Acme", region: "eu" },
  project: { organization: org, name: "api" },
  role: { organization: org, name: "Developer" },
  team: { organization: org, name: "Ops" },
  member: { organization: org, email: "a@example.com" },
  access: { project: "prj_01x", team: "team_01x", level: "viewer" },
};
const CASES: Case[] = [
  { resource: "Organization", check: organization.provider.check, base: B.organization, field: "slug", api: Q.OrganizationCreate.shape.slug },
  { resource: "Organization", check: organization.provider.check, base: B.organization, field: "name", api: Q.OrganizationCreate.shape.name },
  { resource: "Organization", check: organization.provider.check, base: B.organization, field: "websiteUrl", api: Q.OrganizationCreate.shape.website_url },
  { resource: "Organization", check: organization.provider.check, base: B.organization, field: "plan", api: Q.OrganizationCreate.shape.plan },
  { resource: "Project", check: project.provider.check, base: B.project, field: "organization", api: orgRef },
  { resource: "Project", check: project.provider.check, base: B.project, field: "name", api: Q.ProjectCreate.shape.name },
  { resource: "Project", check: project.provider.check, base: B.project, field: "description", api: Q.ProjectCreate.shape.description },
  { resource: "Role", check: role.provider.check, base: B.role, field: "organization", api: orgRef },
  { resource: "Role", check: role.provider.check, base: B.role, field: "name", api: Q.RoleCreate.shape.name },
  { resource: "Role", check: role.provider.check, base: B.role, field: "description", api: Q.RoleCreate.shape.description },
  { resource: "Role", check: role.provider.check, base: B.role, field: "permissions", api: Q.RoleCreate.shape.permissions },
  { resource: "Team", check: team.provider.check, base: B.team, field: "name", api: Q.TeamCreate.shape.name },
  { resource: "Team", check: team.provider.check, base: B.team, field: "description", api: Q.TeamCreate.shape.description },
  { resource: "Member", check: member.provider.check, base: B.member, field: "organization", api: orgRef },
  { resource: "Member", check: member.provider.check, base: B.member, field: "email", api: Q.MemberCreate.shape.email },
  { resource: "Member", check: member.provider.check, base: B.member, field: "permissions", api: Q.MemberCreate.shape.permissions },
  { resource: "Member", check: member.provider.check, base: B.member, field: "name", api: Q.MemberCreate.shape.name },
  { resource: "Member", check: member.provider.check, base: B.member, field: "note", api: Q.MemberCreate.shape.note },
  // Roles and teams are IDs or names; an ID-looking value is sent as is and must be a valid ID.
  { resource: "Member", check: member.provider.check, base: B.member, field: "roles", api: Q.MemberCreate.shape.role_ids, toApi: idsOnly("role_") },
  { resource: "Member", check: member.provider.check, base: B.member, field: "teams", api: Q.MemberCreate.shape.team_ids, toApi: idsOnly("team_") },
  { resource: "ProjectAccess", check: access.provider.check, base: B.access, field: "level", api: Q.ProjectAccessPut.shape.role },
  { resource: "ProjectAccess", check: access.provider.check, base: B.access, field: "project", api: ProjectId },
  // Members, roles and teams of a grant are IDs, resource IDs (org_…/<id>) or names: the API receives the ID.
  {
    resource: "ProjectAccess",
    check: access.provider.check,
    base: { ...B.access, team: undefined, member: "mem_01x" },
    field: "member",
    api: MemberId,
    toApi: idOnly("mem_"),
  },
  {
    resource: "ProjectAccess",
    check: access.provider.check,
    base: { ...B.access, team: undefined, role: "role_01x" },
    field: "role",
    api: RoleId,
    toApi: idOnly("role_"),
  },
  { resource: "ProjectAccess", check: access.provider.check, base: B.access, field: "team", api: TeamId, toApi: idOnly("team_") },
  { resource: "ProjectAccess", check: access.provider.check, base: { ...B.access, team: undefined, account: "acct_01x" }, field: "account", api: AccountId },
];

/** A reference as the API sees it when it is an ID, bare or in a resource ID (names are resolved first). */
function idOnly(prefix: string) {
  return (v: unknown) => {
    if (typeof v !== "string") return v;
    const bare = /^org_[^/]*\//.test(v) ? v.slice(v.indexOf("/") + 1) : v;
    return bare.startsWith(prefix) ? bare : undefined;
  };
}

/** A set of references as the API sees it when every item is an ID (names are resolved first). */
function idsOnly(prefix: string) {
  return (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === "string" && x.startsWith(prefix)) ? v : undefined);
}

// Values near every rule the API has: prefixes, lengths, control characters, whitespace,
// case, URLs, duplicates, empty sets, wrong types.
const text = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ minLength: 60, maxLength: 1100 }),
  fc.constantFrom(
    "",
    " a",
    "a ",
    "a\u0000b",
    "Acme",
    "acme-",
    "-acme",
    "org_x",
    "org_01abc",
    "role_",
    "role_x y",
    "team_01x",
    "prj_01x",
    "mem_!",
    "acct_01x",
    "a".repeat(39),
    "a".repeat(40),
  ),
  fc.constantFrom("http://example.com", "https://example.com", "ftp://x", "https://", "not a url", "a@example.com", "A@Example.COM", "a@b", "@b.c"),
  fc.tuple(fc.constantFrom("role_", "team_", "prj_", "mem_", "acct_", "org_"), fc.string({ maxLength: 20 })).map(([p, s]) => p + s),
);
const value = fc.oneof(
  text,
  fc.array(text, { maxLength: 4 }),
  fc.array(fc.constantFrom("billing", "plans", "projects:create", "members", "root", "billing"), { maxLength: 5 }),
  fc.constantFrom(null, 0, 1, true, {}, [], "admin", "viewer", "owner"),
);

describe("check refuses what the API refuses", () => {
  for (const c of CASES) {
    it(`${c.resource}.${c.field}`, async () => {
      await fc.assert(
        fc.asyncProperty(value, async (v) => {
          const sent = c.toApi ? c.toApi(v) : v;
          if (sent === undefined || c.api.safeParse(sent).success) return;
          const { failures = [] } = await c.check({}, { ...c.base, [c.field]: v });
          expect(
            failures.map((f) => f.property).some((p) => p === c.field || p.startsWith(`${c.field}[`) || p.startsWith(`${c.field}.`)),
            `${JSON.stringify(v)}: ${JSON.stringify(failures)}`,
          ).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  }

  it("reports paths in Pulumi's syntax, every failure at once", async () => {
    const { failures } = await member.provider.check(
      {},
      { organization: "Acme Corp", email: "nope", roles: ["role_bad id", "Developer"], permissions: ["billing", "root"] },
    );
    expect(failures?.map((f) => f.property).sort()).toEqual(["email", "organization", "permissions[1]", "roles[0]"]);
    const grant = await access.provider.check({}, { project: "api", member: "alice", level: "owner", environmentRoles: { sandbox: "god" } });
    expect(grant.failures?.map((f) => f.property).sort()).toEqual(["environmentRoles.sandbox", "level", "member", "project"]);
  });

  it("accepts roles and teams by name, and organizations by slug", async () => {
    const { failures } = await member.provider.check(
      {},
      { organization: "acme", email: "a@example.com", roles: ["Developer", "role_01abc"], teams: ["Platform Eng"] },
    );
    expect(failures).toEqual([]);
  });
});
