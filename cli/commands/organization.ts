// organization:* — the organization itself, its billing and subscriptions, ownership transfer.
import type { z } from "zod";
import { REGIONS } from "../../api/common";
import { requests } from "../../api";
import type { OrgsClient } from "../../client";
import { BillingAddress, BillingProfile, Organization } from "../../api/resources";
import { command, type CommandDef, type RunCtx } from "../command";
import { UsageError } from "../errors";
import { schemaColumns, type Column } from "../output";
import { findMember, propertyPairs, propertyValue, roleIds } from "../resolve";

export const ORG_COLUMNS: Column[] = [
  ["ID", "id"],
  ["Slug", "slug"],
  ["Name", "name"],
  ["Region", "region"],
  ["Plan", "plan"],
  ["Created", "created_at"],
];
const ORG_PROPERTIES = Object.keys(Organization.shape);
// The API's PATCH takes region too, only to refuse a change (422 immutable_field): not writable.
const isImmutable = (k: string) => (Organization.shape as Record<string, z.ZodType>)[k]?.meta()?.["x-immutable"] === true;
const UPDATABLE = Object.keys(requests.OrganizationUpdate.shape).filter((k) => !isImmutable(k));

/** Every property, with the owner's email and the default team's name beside their IDs. */
async function orgColumns(ctx: RunCtx, org: Organization): Promise<Column<Organization>[]> {
  const c = ctx.client();
  const [owner, team] = await Promise.all([
    c.call("getMember", { params: { org: org.id, member_id: org.owner_member_id } }).then(
      (r) => r.body.email,
      () => org.owner_member_id,
    ),
    c.call("getTeam", { params: { org: org.id, team_id: org.default_team_id } }).then(
      (r) => r.body.name,
      () => org.default_team_id,
    ),
  ]);
  return schemaColumns(Organization, {
    owner_account_id: [
      ["owner", () => owner],
      ["owner_account_id", "owner_account_id"],
    ],
    default_team_id: [
      ["default_team", () => team],
      ["default_team_id", "default_team_id"],
    ],
  });
}

export const organizationCommands: CommandDef[] = [
  command({
    name: "organization:list",
    summary: "List the organizations you belong to",
    examples: ["orgs organization:list", "orgs organization:list --format csv > orgs.csv"],
    async run(ctx) {
      const orgs = await ctx.fetchAll("Fetching organizations", "listOrganizations", {});
      ctx.out.list(orgs, ORG_COLUMNS, "You belong to no organization yet: create one with orgs organization:create.");
    },
  }),
  command({
    name: "organization:info",
    summary: "View an organization, one property of it, or change a property",
    description:
      'Without a property, shows every property. With a property, prints its value. With a property and a value, changes it (booleans take true/false; "null" clears website_url).',
    org: true,
    args: [
      { name: "property", description: "A property to view or change", optional: true, values: ORG_PROPERTIES },
      { name: "value", description: "The new value", optional: true },
    ],
    examples: [
      "orgs organization:info --org acme",
      'orgs organization:info --org acme name "Acme Corp"',
      "orgs organization:info --org acme require_two_factor true",
    ],
    async run(ctx) {
      const org = ctx.org();
      const { property, value } = ctx.args;
      if (property !== undefined && !ORG_PROPERTIES.includes(property)) {
        throw new UsageError(`organizations have no property "${property}"`, `properties: ${ORG_PROPERTIES.join(", ")}`);
      }
      if (property !== undefined && value !== undefined && !UPDATABLE.includes(property)) {
        throw new UsageError(
          isImmutable(property) ? `${property} is fixed when the organization is created` : `${property} is read-only`,
          `writable: ${UPDATABLE.join(", ")}`,
        );
      }
      const typed = property !== undefined && value !== undefined ? propertyValue(requests.OrganizationUpdate, property, value, "an organization") : undefined;
      const c = ctx.client();
      const current = (await c.call("getOrganization", { params: { org } })).body;
      if (property === undefined) return ctx.out.item(current, ctx.out.format === "json" ? undefined : await orgColumns(ctx, current));
      if (value === undefined) return ctx.out.value(current[property as keyof typeof current], property);
      const { body } = await c.call("updateOrganization", { params: { org }, body: { [property]: typed }, ifMatch: current.version });
      const before = current[property as keyof typeof current];
      // People see the one property they changed; scripts get the whole object.
      ctx.out.changed(
        `Changed ${property} of ${body.slug}: ${JSON.stringify(before)} → ${JSON.stringify(body[property as keyof typeof body])}`,
        body,
        ctx.out.format === "json" ? undefined : [[property, property]],
      );
    },
  }),
  command({
    name: "organization:create",
    summary: "Create an organization; you become its owner",
    args: [{ name: "slug", description: "URL name: lowercase letters, digits and hyphens" }],
    flags: {
      name: { type: "string", description: "Display name (default: the slug)" },
      region: { type: "string", description: "Data-center region, fixed once created", values: REGIONS },
      "website-url": { type: "string", description: "https URL of the organization's website", placeholder: "url" },
      plan: { type: "string", description: "Pricing plan (default: free)" },
      "require-2fa": { type: "boolean", description: "Refuse members without two-factor authentication" },
    },
    examples: ['orgs organization:create acme --name "Acme Inc" --region eu'],
    async run(ctx) {
      const region = ctx.flags.region;
      if (!region) throw new UsageError("missing --region", `choose where the data lives: ${REGIONS.join(", ")} (it cannot change later)`);
      const slug = ctx.args.slug;
      const { body } = await ctx.client().call("createOrganization", {
        body: {
          slug,
          name: ctx.flags.name ?? slug,
          region,
          website_url: ctx.flags["website-url"],
          plan: ctx.flags.plan,
          require_two_factor: ctx.flags["require-2fa"] ? true : undefined,
        },
      });
      ctx.out.changed(`Created organization ${body.slug} (${body.id}); you are its owner.`, body);
    },
  }),
  command({
    name: "organization:delete",
    summary: "Delete an organization that has no projects (owner only)",
    examples: ["orgs organization:delete --org acme", "orgs organization:delete --org acme --yes --format json"],
    org: true,
    destructive: true,
    async run(ctx) {
      const org = ctx.org();
      const c = ctx.client();
      const current = (await c.call("getOrganization", { params: { org } })).body;
      await ctx.confirm(`Delete organization ${current.slug} (${current.id}) and all its members, teams and roles?`);
      await c.call("deleteOrganization", { params: { org: current.id }, ifMatch: current.version });
      ctx.out.removed(`Deleted organization ${current.slug}.`, current);
    },
  }),
  command({
    name: "organization:transfer-ownership",
    summary: "Make another active member the owner (owner only)",
    examples: ["orgs organization:transfer-ownership alice@example.com --org acme --previous-owner-role ADMIN"],
    description: "You stay a member, with the roles given by --previous-owner-role (default ADMIN).",
    org: true,
    destructive: true,
    args: [{ name: "email", description: "Email of the new owner (an active member)" }],
    flags: { "previous-owner-role": { type: "string", multiple: true, description: "Roles you keep (names or IDs; default ADMIN)", placeholder: "role" } },
    async run(ctx) {
      const org = ctx.org();
      const target = await findMember(ctx, ctx.args.email);
      const keep = await roleIds(ctx, ctx.flags["previous-owner-role"]);
      await ctx.confirm(`Transfer ownership of ${org} to ${target.email}? You will no longer be the owner`);
      const { body } = await ctx
        .client()
        .call("transferOwnership", { params: { org }, body: { new_owner_member_id: target.id, previous_owner_role_ids: keep } });
      ctx.out.changed(`${target.email} now owns ${body.slug}.`, body);
    },
  }),
  billingCommand({
    part: "address",
    summary: "View or change the billing address",
    description: "With property/value pairs, changes those properties and keeps the rest.",
    schema: requests.BillingAddressUpdate,
    example: "orgs organization:billing:address --org acme country FR locality Paris postal_code 75001",
    read: async (c, org) => (await c.call("getBillingAddress", { params: { org } })).body,
    async write(c, org, changes) {
      const current = (await c.call("getBillingAddress", { params: { org } })).body;
      // The API's PUT replaces the address, so the fields not named are sent as they are.
      const { version, ...rest } = current;
      const next = { ...rest, ...changes } as Omit<BillingAddress, "version">;
      return (await c.call("putBillingAddress", { params: { org }, body: next, ifMatch: version })).body;
    },
  }),
  billingCommand({
    part: "profile",
    summary: "View or change the billing profile",
    schema: requests.BillingProfileUpdate,
    example: 'orgs organization:billing:profile --org acme company_name "Acme SAS" vat_number FR123',
    read: async (c, org) => (await c.call("getBillingProfile", { params: { org } })).body,
    write: async (c, org, changes) => (await c.call("updateBillingProfile", { params: { org }, body: changes as Partial<BillingProfile> })).body,
  }),
  command({
    name: "organization:subscription:list",
    summary: "List the organization's subscriptions",
    examples: ["orgs organization:subscription:list --org acme"],
    org: true,
    async run(ctx) {
      const subs = await ctx.fetchAll("Fetching subscriptions", "listSubscriptions", { params: { org: ctx.org() } });
      ctx.out.list(subs, [
        ["ID", "id"],
        ["Plan", "plan"],
        ["Status", "status"],
        ["Project", "project_id"],
        ["Started", "started_at"],
      ]);
    },
  }),
];

/**
 * organization:billing:address and organization:billing:profile: the record, or with
 * property/value pairs (checked against `schema` before any call) the record changed by `write`.
 */
function billingCommand(o: {
  part: "address" | "profile";
  summary: string;
  description?: string;
  schema: z.ZodObject;
  example: string;
  read(c: OrgsClient, org: string): Promise<object>;
  write(c: OrgsClient, org: string, changes: Record<string, unknown>): Promise<object>;
}): CommandDef {
  return command({
    name: `organization:billing:${o.part}`,
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    org: true,
    args: [
      {
        name: "properties",
        description: "property value [property value…]",
        optional: true,
        variadic: true,
        values: Object.keys(o.schema.shape),
      },
    ],
    examples: [o.example],
    async run(ctx) {
      const org = ctx.org();
      const pairs = ctx.args.properties;
      const changes = propertyPairs(o.schema, pairs, `a billing ${o.part}`);
      const c = ctx.client();
      if (!pairs.length) return ctx.out.item(await o.read(c, org));
      ctx.out.changed(`Updated the billing ${o.part} of ${org}.`, await o.write(c, org, changes));
    },
  });
}
