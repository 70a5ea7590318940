// The versioned-row UPDATE builder: which statements it writes, and the whitelist that keeps any
// other name out of the SQL text.
import { describe, expect, it } from "vitest";
import { versionedUpdate } from "./versioned";

const now = new Date("2030-01-02T03:04:05Z");

interface Case {
  what: string;
  table: string;
  key: Record<string, string>;
  set: Record<string, unknown>;
  text: string;
  values: unknown[];
}

describe("versionedUpdate", () => {
  it.each<Case>([
    {
      what: "an organization: the columns asked, then updated_at",
      table: "organizations",
      key: { id: "org_1" },
      set: { name: "Acme", plan: "pro" },
      text: "UPDATE organizations SET name = $2, plan = $3, version = version + 1, updated_at = $4 WHERE id = $1",
      values: ["org_1", "Acme", "pro", now],
    },
    {
      what: "a member's version alone (its roles or teams changed)",
      table: "members",
      key: { id: "mem_1" },
      set: {},
      text: "UPDATE members SET version = version + 1 WHERE id = $1",
      values: ["mem_1"],
    },
    {
      what: "undefined leaves a column alone, null clears it",
      table: "members",
      key: { id: "mem_1" },
      set: { permissions: undefined, invitation_token_hash: null },
      text: "UPDATE members SET invitation_token_hash = $2, version = version + 1 WHERE id = $1",
      values: ["mem_1", null],
    },
    {
      what: "a billing profile, keyed by its organization",
      table: "billing_profiles",
      key: { organization_id: "org_1" },
      set: { vat_number: "DE1" },
      text: "UPDATE billing_profiles SET vat_number = $2, version = version + 1 WHERE organization_id = $1",
      values: ["org_1", "DE1"],
    },
    {
      what: "a grant, keyed by project and principal",
      table: "project_access",
      key: { project_id: "prj_1", principal_type: "teams", principal_id: "team_1" },
      set: { role: "admin" },
      text: "UPDATE project_access SET role = $4, version = version + 1 WHERE project_id = $1 AND principal_type = $2 AND principal_id = $3",
      values: ["prj_1", "teams", "team_1", "admin"],
    },
    {
      what: "a project moved to another organization",
      table: "projects",
      key: { id: "prj_1" },
      set: { organization_id: "org_2" },
      text: "UPDATE projects SET organization_id = $2, version = version + 1, updated_at = $3 WHERE id = $1",
      values: ["prj_1", "org_2", now],
    },
  ])("$what", ({ table, key, set, text, values }) => {
    expect(versionedUpdate(table, key, set, now)).toEqual({ text, values });
  });

  it.each([
    ["a table that is not versioned", "accounts", { id: "acct_1" }, { name: "x" }, /accounts is not a versioned table/],
    ["an inherited property as a table", "toString", { id: "x" }, {}, /toString is not a versioned table/],
    ["a column outside the whitelist", "organizations", { id: "org_1" }, { region: "us" }, /organizations\.region is not a column a request may set/],
    ["a column of another table", "teams", { id: "team_1" }, { permissions: [] }, /teams\.permissions is not a column/],
    ["SQL as a column name", "projects", { id: "prj_1" }, { "name = 'x', version": 1 }, /is not a column a request may set/],
    ["the version itself", "roles", { id: "role_1" }, { version: 7 }, /roles\.version is not a column/],
    ["__proto__ as a column", "roles", { id: "role_1" }, JSON.parse('{"__proto__": 1}'), /roles\.__proto__ is not a column/],
    ["the wrong key", "billing_addresses", { id: "org_1" }, {}, /keyed by \(organization_id\), not \(id\)/],
    ["half a composite key", "project_access", { project_id: "prj_1" }, {}, /keyed by \(project_id, principal_type, principal_id\)/],
  ])("throws for %s", (_, table, key, set, message) => {
    expect(() => versionedUpdate(table, key, set as Record<string, unknown>, now)).toThrow(message);
  });
});
