// The Organization resource: ID org_…; a region change replaces it (the server refuses to delete
// an organization that still has projects, so a replacement fails safely).
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { OrganizationInputs, PULUMI_RESOURCES } from "../api/pulumi";
import type { Organization } from "../api/resources";
import * as c from "./common";

export { configure } from "./common";

const SPEC = PULUMI_RESOURCES["orgs:index:Organization"];
const REPLACE_ON: readonly string[] = SPEC.replaceOn;
const FIELDS: c.FieldNames = { "/website_url": "websiteUrl", "/require_two_factor": "requireTwoFactor" };
const PROVIDER_ONLY = ["adopt"] as const;
const RULES: c.FieldRule[] = ["slug", "name", "region", "websiteUrl", "plan", "requireTwoFactor"].map((key) => ({ key, replace: REPLACE_ON.includes(key) }));

const what = (p: c.Props, id?: string) => `organization ${p.slug ?? id}${id && p.slug ? ` (${id})` : ""}`;

/** The server's organization as the resource's declared inputs (API names → input names). */
function asInputs(o: Organization): c.Props {
  return { slug: o.slug, name: o.name, region: o.region, websiteUrl: o.website_url, plan: o.plan, requireTwoFactor: o.require_two_factor };
}

function outputs(o: Organization, declared: c.Props): c.Props {
  return {
    ...c.declaredOnly(declared, asInputs(o)),
    ...c.carry(declared, PROVIDER_ONLY),
    ownerAccountId: o.owner_account_id,
    ownerMemberId: o.owner_member_id,
    defaultTeamId: o.default_team_id,
    defaultRoleId: o.default_role_id,
    adminRoleId: o.admin_role_id,
    version: o.version,
  };
}

function createBody(i: c.Props) {
  return {
    slug: i.slug, name: i.name, region: i.region,
    ...(i.websiteUrl !== undefined ? { website_url: i.websiteUrl } : {}),
    ...(i.plan !== undefined ? { plan: i.plan } : {}),
    ...(i.requireTwoFactor !== undefined ? { require_two_factor: i.requireTwoFactor } : {}),
  };
}

/** The PATCH that brings `current` (input names) to the declared `news`. */
const patchBody = (current: c.Props, news: c.Props) =>
  c.patchOf(current, news, RULES.filter((r) => !r.replace), { websiteUrl: "website_url", requireTwoFactor: "require_two_factor" });

export async function check(_olds: c.Props, news: c.Props): Promise<dynamic.CheckResult> {
  return c.validate(OrganizationInputs, news, (i) =>
    typeof i.websiteUrl === "string" && !i.websiteUrl.startsWith("https://") ? [{ property: "websiteUrl", reason: "must be an https URL" }] : [],
  );
}

export async function diff(_id: string, olds: c.Props, news: c.Props): Promise<c.DiffOutcome> {
  const d = c.diffInputs(olds, news, RULES);
  // Slugs are unique on the server: a replacement that keeps the slug must delete the old
  // organization first (the server refuses while it has projects, so nothing is lost silently).
  const keepsSlug = news.slug === undefined || news.slug === olds.slug;
  return { ...d, deleteBeforeReplace: d.replaces!.length > 0 && keepsSlug };
}

export async function create(inputs: c.Props): Promise<dynamic.CreateResult> {
  const body = createBody(inputs);
  try {
    const { body: org } = await c.call("createOrganization", { body }, what(inputs), FIELDS);
    return { id: org.id, outs: outputs(org, inputs) };
  } catch (e) {
    if (c.codeOf(e)?.code !== "already_exists") throw e;
    if (inputs.adopt !== true) {
      throw new Error(`${what(inputs)} already exists: set \`adopt: true\` on this resource to manage the existing organization (pulumi import cannot reach a dynamic provider), or choose another slug`, { cause: e });
    }
    return adopt(inputs);
  }
}

async function adopt(inputs: c.Props): Promise<dynamic.CreateResult> {
  const { body: page } = await c.call("listOrganizations", { query: { slug: inputs.slug } }, what(inputs));
  const org = page.items[0];
  if (!org) throw new Error(`${what(inputs)} exists, but this token's account is not one of its members: ask its owner for access, or choose another slug`);
  if (org.region !== inputs.region) {
    throw new Error(`${what(inputs, org.id)} exists in region ${org.region}: the region is fixed at creation, so declare region "${org.region}" to adopt it`);
  }
  const patch = patchBody(asInputs(org), inputs);
  if (!Object.keys(patch).length) return { id: org.id, outs: outputs(org, inputs) };
  try {
    const { body } = await c.call("updateOrganization", { params: { org: org.id }, body: patch, ifMatch: org.version }, what(inputs, org.id), FIELDS);
    return { id: org.id, outs: outputs(body, inputs) };
  } catch (e) {
    throw new c.PartialError(`${what(inputs, org.id)} was adopted but not brought to the declared settings: ${(e as Error).message}`, org.id, outputs(org, inputs), inputs);
  }
}

export async function read(id: string, props: c.Props): Promise<dynamic.ReadResult> {
  const got = await c.callOrGone("getOrganization", { params: { org: id } }, what(props, id));
  // A 404 for an organization means deleted, or the token's account is no longer a member (the
  // owner never stops being one): the resource leaves the state and nothing on the server is touched.
  if (!got) return { id: "", props: {} };
  const outs = outputs(got.body, props);
  return { id, props: outs, inputs: c.declaredOnly(props, { ...asInputs(got.body), ...c.carry(props, PROVIDER_ONLY) }) };
}

export async function update(id: string, olds: c.Props, news: c.Props): Promise<dynamic.UpdateResult> {
  const patch = patchBody(olds, news);
  if (!Object.keys(patch).length) {
    return { outs: { ...olds, ...c.carry(news, PROVIDER_ONLY) } };
  }
  const org = await c.withVersion(
    olds.version,
    async (v) => (await c.call("updateOrganization", { params: { org: id }, body: patch, ifMatch: v }, what(news, id), FIELDS)).body,
    async () => {
      const { body } = await c.call("getOrganization", { params: { org: id } }, what(news, id));
      return { version: body.version, unchanged: !c.diffInputs(asInputs(body), olds, RULES).changes };
    },
  );
  return { outs: outputs(org, news) };
}

export async function del(id: string, props: c.Props): Promise<void> {
  try {
    await c.withVersion(
      props.version,
      async (v) => { await c.call("deleteOrganization", { params: { org: id }, ifMatch: v }, what(props, id)); },
      async () => {
        const { body } = await c.call("getOrganization", { params: { org: id } }, what(props, id));
        return { version: body.version, unchanged: !c.diffInputs(asInputs(body), props, RULES).changes };
      },
    );
  } catch (e) {
    const code = c.codeOf(e);
    if (code?.status === 404) return;
    if (code?.code === "organization_has_projects") {
      throw c.withAdvice(e, "projects this stack does not declare (or another stack manages) keep the organization alive: delete or transfer them, then run pulumi again");
    }
    throw e;
  }
}
export { del as delete };
