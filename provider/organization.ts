// The Organization resource: ID org_…; a region change replaces it with a new organization, which
// the preview refuses unless the program sets allowRegionChange (the server refuses to delete an
// organization that still has projects, so even then a replacement fails safely). A slug rename
// is an update, and resources that name the organization by its old slug, its new one or its ID
// all still name the same organization.
import type { z } from "zod";
import { OrganizationInputs, PULUMI_RESOURCES, type OrganizationOutputs } from "../api/pulumi";
import type { Organization } from "../api/resources";
import { call, readOr404, readThrough } from "./call";
import { patchOf, type FieldRule } from "./diff";
import { codeOf, ProviderError, type FieldNames } from "./errors";
import { known, lifecycle } from "./lifecycle";
import { forgetOrgSlugs } from "./refs";
import { carry, DECLARED, outputsOf } from "./state";

import { configure } from "./config";
import { providerSteps } from "./steps";

type Inputs = z.output<typeof OrganizationInputs>;
type State = OrganizationOutputs & { [DECLARED]?: string[] };

const FLAGS = ["adopt", "allowRegionChange"];
const REPLACE_ON: readonly string[] = PULUMI_RESOURCES["orgs:index:Organization"].replaceOn;
const FIELDS: FieldNames = { "/website_url": "websiteUrl", "/require_two_factor": "requireTwoFactor" };
const API_NAMES = { websiteUrl: "website_url", requireTwoFactor: "require_two_factor" };
const RULES: FieldRule[] = ["slug", "name", "region", "websiteUrl", "plan", "requireTwoFactor"].map((key) => ({ key, replace: REPLACE_ON.includes(key) }));

const what = (p: { slug?: string }, id?: string) => `organization ${p.slug ?? id}${id && p.slug ? ` (${id})` : ""}`;

/** The server's organization as inputs (API names → input names). */
const serverInputs = (o: Organization) => ({
  slug: o.slug,
  name: o.name,
  region: o.region,
  websiteUrl: o.website_url,
  plan: o.plan,
  requireTwoFactor: o.require_two_factor,
});

function outputs(o: Organization, declared: Partial<Inputs>, keys: readonly string[]): State {
  return outputsOf(serverInputs(o), keys, carry(declared, FLAGS), {
    ownerAccountId: o.owner_account_id,
    ownerMemberId: o.owner_member_id,
    defaultTeamId: o.default_team_id,
    defaultRoleId: o.default_role_id,
    adminRoleId: o.admin_role_id,
    version: o.version,
  }) as State;
}

function createBody(i: Inputs) {
  return {
    slug: i.slug,
    name: i.name,
    region: i.region,
    ...(i.websiteUrl !== undefined ? { website_url: i.websiteUrl } : {}),
    ...(i.plan !== undefined ? { plan: i.plan } : {}),
    ...(i.requireTwoFactor !== undefined ? { require_two_factor: i.requireTwoFactor } : {}),
  };
}

/** What a region change is, said before anything is done (the preview shows the members, teams and roles only as updates). */
export function regionChangeRefused(olds: State, news: Inputs, id: string): ProviderError {
  return new ProviderError(
    `${what(news, id)}: region ${olds.region} → ${news.region} cannot be changed in place: the region is fixed at creation, so this makes a new organization ` +
      `with a new ID. Every member is invited again (and must accept again), every role, team and project grant of this stack is made again in it, ` +
      `and its projects must first be transferred to another organization or deleted (an organization with projects cannot be deleted); ` +
      `its audit log stays with the old one. If that is what you want, set \`allowRegionChange: true\` on this Organization and run pulumi again; ` +
      `otherwise put region back to "${olds.region}"`,
  );
}

/** The module as a dynamic provider: its steps as the engine names them. */
export const provider = lifecycle<Organization, Inputs, State, string>({
  token: "orgs:index:Organization",
  inputs: OrganizationInputs,
  flags: FLAGS,
  rules: RULES,
  what,
  idOf: (o) => o.id,
  address: (id) => id,
  outputs,
  /** The PATCH that brings `current` (input names) to the declared `news`. */
  patchFor: (current, news) =>
    patchOf(
      current,
      news,
      RULES.filter((r) => !r.replace),
      API_NAMES,
    ),
  async diff(d, olds, news, { id }) {
    if (d.replaces!.includes("region") && news.allowRegionChange !== true) throw regionChangeRefused(olds, news, id);
    // Slugs are unique on the server: a replacement that keeps the slug must delete the old
    // organization first (the server refuses while it has projects, so nothing is lost silently).
    const keepsSlug = news.slug === undefined || news.slug === olds.slug;
    return { ...d, deleteBeforeReplace: d.replaces!.length > 0 && keepsSlug };
  },
  create: {
    send: async (inputs, _ctx, w) => (await call("createOrganization", { body: createBody(inputs) }, w, FIELDS)).body,
    exists: (e) => codeOf(e)?.code === "already_exists",
    noun: "organization",
    orElse: "choose another slug",
    async find(inputs, _ctx, w) {
      const { body: page } = await call("listOrganizations", { query: { slug: inputs.slug } }, w);
      const org = page.items[0];
      if (!org) throw new ProviderError(`${w} exists, but this token's account is not one of its members: ask its owner for access, or choose another slug`);
      return org;
    },
    refuseAdopt(org, inputs) {
      if (org.region !== inputs.region)
        throw new ProviderError(
          `${what(inputs, org.id)} exists in region ${org.region}: the region is fixed at creation, so declare region "${org.region}" to adopt it`,
        );
    },
    whatAdopted: (inputs, org) => what(inputs, org.id),
  },
  api: {
    get: async (id, w) => (await call("getOrganization", { params: { org: id } }, w)).body,
    // Gone only when the server says it was deleted; a 404 for an organization the token's account no
    // longer belongs to is an error, never a reason to drop it from the state.
    read: (id, w) => readThrough<Organization>({ get: () => readOr404("getOrganization", { params: { org: id } }, w), what: w }),
    patch: async (id, patch, ifMatch, w) => (await call("updateOrganization", { params: { org: id }, body: patch, ifMatch }, w, FIELDS)).body,
    delete: (id, ifMatch, w) => call("deleteOrganization", { params: { org: id }, ifMatch }, w),
  },
  changed: (_o, patch) => {
    if (patch?.slug !== undefined) forgetOrgSlugs();
  },
  deleteAdvice: (code) =>
    // Declared or not: a replacement (a region change) deletes the old organization before its
    // projects have moved, and a destroy meets projects this stack does not manage.
    code === "organization_has_projects"
      ? "an organization is deleted only once it has no projects: transfer them to another organization (a Project's organization, or `orgs project:transfer`) " +
        "or delete them (remove their Project resources, or by hand), then run pulumi again; nothing was deleted"
      : undefined,
  async existing(news) {
    if (!known(news.slug)) return undefined;
    const { body: page } = await call("listOrganizations", { query: { slug: String(news.slug) } }, what(news));
    const o = page.items[0];
    return o && { subject: String(news.slug), what: `the existing organization ${o.id}` };
  },
});

/** The steps as the shell calls them: bounded in time, refusals reported without a stack trace (provider/steps.ts). */
export const steps = providerSteps({ configure, ...provider });
