// The Organization resource: ID org_…; a region change replaces it with a new organization, which
// the preview refuses unless the program sets allowRegionChange (the server refuses to delete an
// organization that still has projects, so even then a replacement fails safely). A slug rename
// is an update, and resources that name the organization by its old slug, its new one or its ID
// all still name the same organization.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { OrganizationInputs, PULUMI_RESOURCES, type OrganizationOutputs } from "../api/pulumi";
import type { Organization } from "../api/resources";
import { adoptedInThisRun, call, readOr404, readThrough, recordAdopted, withVersion } from "./call";
import { validate } from "./check";
import { diffInputs, patchOf, type DiffOutcome, type FieldRule } from "./diff";
import { adoptionRefused, codeOf, PartialError, ProviderError, withAdvice, type FieldNames } from "./errors";
import { forgetOrgSlugs } from "./refs";
import { carry, DECLARED, declaredKeys, declaredPart, found, gone, outputsOf, redeclared, setKeys } from "./state";

import { configure } from "./config";
import { providerSteps } from "./steps";

export { configure };

type Inputs = z.output<typeof OrganizationInputs>;
type State = OrganizationOutputs & { [DECLARED]?: string[] };

const INPUT_KEYS = Object.keys(OrganizationInputs.shape);
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

/** The PATCH that brings `current` (input names) to the declared `news`. */
const patchBody = (current: object, news: Inputs) =>
  patchOf(
    current,
    news,
    RULES.filter((r) => !r.replace),
    API_NAMES,
  );

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<dynamic.CheckResult<Inputs>> {
  return validate(OrganizationInputs, news);
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

export async function diff(id: string, olds: State, news: Inputs): Promise<DiffOutcome> {
  const d = diffInputs(olds, news, RULES);
  if (d.replaces!.includes("region") && news.allowRegionChange !== true) throw regionChangeRefused(olds, news, id);
  // Slugs are unique on the server: a replacement that keeps the slug must delete the old
  // organization first (the server refuses while it has projects, so nothing is lost silently).
  const keepsSlug = news.slug === undefined || news.slug === olds.slug;
  return { ...d, deleteBeforeReplace: d.replaces!.length > 0 && keepsSlug };
}

export async function create(inputs: Inputs): Promise<dynamic.CreateResult<State>> {
  const keys = setKeys(inputs);
  try {
    const { body: org } = await call("createOrganization", { body: createBody(inputs) }, what(inputs), FIELDS);
    return { id: org.id, outs: outputs(org, inputs, keys) };
  } catch (e) {
    if (codeOf(e)?.code !== "already_exists") throw e;
    if (inputs.adopt !== true) throw adoptionRefused(e, "organization", "choose another slug");
  }
  const { body: page } = await call("listOrganizations", { query: { slug: inputs.slug } }, what(inputs));
  const org = page.items[0];
  if (!org)
    throw new ProviderError(`${what(inputs)} exists, but this token's account is not one of its members: ask its owner for access, or choose another slug`);
  if (org.region !== inputs.region) {
    throw new ProviderError(
      `${what(inputs, org.id)} exists in region ${org.region}: the region is fixed at creation, so declare region "${org.region}" to adopt it`,
    );
  }
  recordAdopted(org.id);
  const current = outputs(org, inputs, keys);
  const patch = patchBody(current, inputs);
  if (!Object.keys(patch).length) return { id: org.id, outs: current };
  try {
    const { body } = await call("updateOrganization", { params: { org: org.id }, body: patch, ifMatch: org.version }, what(inputs, org.id), FIELDS);
    forgetOrgSlugs();
    return { id: org.id, outs: outputs(body, inputs, keys) };
  } catch (e) {
    throw new PartialError(`${what(inputs, org.id)} was adopted but not brought to the declared settings: ${(e as Error).message}`, org.id, current, inputs, e);
  }
}

export async function read(id: string, props: State = {} as State): Promise<dynamic.ReadResult<State>> {
  const w = what(props, id);
  // Gone only when the server says it was deleted; a 404 for an organization the token's account no
  // longer belongs to is an error, never a reason to drop it from the state.
  const o = await readThrough<Organization>({ get: () => readOr404("getOrganization", { params: { org: id } }, w), what: w });
  if (!o) return gone();
  const keys = declaredKeys(props, INPUT_KEYS);
  return found(id, outputs(o, props, keys), keys);
}

export async function update(id: string, olds: State, news: Inputs): Promise<dynamic.UpdateResult<State>> {
  const keys = setKeys(news);
  const patch = patchBody(olds, news);
  if (!Object.keys(patch).length) {
    return { outs: redeclared(olds, news, FLAGS) };
  }
  const org = await withVersion(
    olds.version,
    async (v) => (await call("updateOrganization", { params: { org: id }, body: patch, ifMatch: v }, what(news, id), FIELDS)).body,
    async () => {
      const { body } = await call("getOrganization", { params: { org: id } }, what(news, id));
      return { version: body.version, unchanged: !diffInputs(serverInputs(body), declaredPart(olds, INPUT_KEYS), RULES).changes };
    },
  );
  if (patch.slug !== undefined) forgetOrgSlugs();
  return { outs: outputs(org, news, keys) };
}

export async function del(id: string, props: State): Promise<void> {
  // This run's create adopted this same organization (a renamed resource adopted it).
  if (adoptedInThisRun(id)) return;
  try {
    await withVersion(
      props.version,
      async (v) => {
        await call("deleteOrganization", { params: { org: id }, ifMatch: v }, what(props, id));
      },
      async () => {
        const { body } = await call("getOrganization", { params: { org: id } }, what(props, id));
        return { version: body.version, unchanged: !diffInputs(serverInputs(body), declaredPart(props, INPUT_KEYS), RULES).changes };
      },
    );
  } catch (e) {
    const code = codeOf(e);
    if (code?.status === 404) return;
    if (code?.code === "organization_has_projects") {
      // Declared or not: a replacement (a region change) deletes the old organization before its
      // projects have moved, and a destroy meets projects this stack does not manage.
      throw withAdvice(
        e,
        "an organization is deleted only once it has no projects: transfer them to another organization (a Project's organization, or `orgs project:transfer`) " +
          "or delete them (remove their Project resources, or by hand), then run pulumi again; nothing was deleted",
      );
    }
    throw e;
  }
}
export { del as delete };

/** The module as the dynamic provider the shell loads it as: the compiler checks each step's types. */
export const provider: dynamic.ResourceProvider<Inputs, State> = { check, diff, create, read, update, delete: del };

/** The steps as the shell calls them: bounded in time, refusals reported without a stack trace (provider/steps.ts). */
export const steps = providerSteps({ configure, check, diff, create, read, update, delete: del });
