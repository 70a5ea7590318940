// The Project resource: ID prj_…, a flat key that survives transfers. Another organization is a
// transfer (an update), never a replacement: the environments and their IDs live on. Naming the
// same organization another way (its new slug, its ID) is no change at all.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { ProjectInputs, type ProjectOutputs } from "../api/pulumi";
import type { Project } from "../api/resources";
import { call, listAll, readOr404, readThrough } from "./call";
import { diffInputs, sameText, type FieldRule } from "./diff";
import { codeOf, PartialError, ProviderError } from "./errors";
import { known, lifecycle, type Helpers } from "./lifecycle";
import { invalidate } from "./read-cache";
import { orgChange, orgIdOf } from "./refs";
import { carry, DECLARED, declaredPart, outputsOf, setKeys } from "./state";

import { configure } from "./config";
import { providerSteps } from "./steps";

type Inputs = z.output<typeof ProjectInputs>;
type State = ProjectOutputs & { [DECLARED]?: string[] };

const INPUT_KEYS = Object.keys(ProjectInputs.shape);
const FLAGS = ["adopt"];
// The organization is compared by what it resolves to (orgChange), and changed by a transfer.
const RULES: FieldRule[] = [{ key: "name" }, { key: "description", eq: sameText }];

const what = (p: { name?: string }, id?: string) => `project ${p.name ?? id}${id && p.name ? ` (${id})` : ""}`;
const env = (p: Project, type: "sandbox" | "live") => p.environments.find((e) => e.type === type)?.id ?? "";

/**
 * The outputs; `organization` keeps the program's reference unless the project moved to another
 * organization than the state's (a transfer made by hand shows as drift of `organization`).
 */
function outputs(p: Project, declared: Partial<Inputs> & { organizationId?: string }, keys: readonly string[]): State {
  const moved = declared.organizationId !== undefined && declared.organizationId !== p.organization_id;
  const organization = moved || declared.organization === undefined ? p.organization_id : declared.organization;
  return outputsOf({ organization, name: p.name, description: p.description }, keys, carry(declared, FLAGS), {
    organizationId: p.organization_id,
    sandboxEnvironmentId: env(p, "sandbox"),
    liveEnvironmentId: env(p, "live"),
    version: p.version,
  }) as State;
}

const unchangedSince = (p: Project, state: State) =>
  p.organization_id === state.organizationId && !diffInputs({ name: p.name, description: p.description }, declaredPart(state, INPUT_KEYS), RULES).changes;
const byName = (items: Project[], name: unknown) => items.find((p) => p.name.toLowerCase() === String(name).toLowerCase());

/** The module as a dynamic provider: its steps as the engine names them. */
export const provider = lifecycle<Project, Inputs, State, string>({
  token: "orgs:index:Project",
  inputs: ProjectInputs,
  flags: FLAGS,
  rules: RULES,
  // Another organization is a transfer (an update, see update below), never a replacement.
  organizationRef: true,
  what,
  idOf: (p) => p.id,
  address: (id) => id,
  outputs,
  unchangedSince,
  create: {
    send: async (inputs, _ctx, w) => {
      const body = { name: inputs.name, ...(inputs.description !== undefined ? { description: inputs.description } : {}) };
      return (await call("createProject", { params: { org: inputs.organization }, body }, w)).body;
    },
    exists: (e) => codeOf(e)?.code === "already_exists",
    noun: "project",
    orElse: "choose another name",
    async find(inputs, _ctx, w) {
      const { body: page } = await call("listProjects", { params: { org: inputs.organization }, query: { name: inputs.name } }, w);
      const found = byName(page.items, inputs.name);
      if (!found)
        throw new ProviderError(`${w} exists in ${inputs.organization} but this token cannot see it: ask a project admin for access, or choose another name`);
      return found;
    },
    whatAdopted: (inputs, found) => what(inputs, found.id),
  },
  api: {
    get: async (id, w) => (await call("getProject", { params: { project_id: id } }, w)).body,
    // No parent decides: a project moved to an organization the token cannot see, or one the token's
    // account lost access to, still exists; only a project the server says was deleted is gone.
    read: (id, w, { organizationId: org }) =>
      readThrough<Project>({
        ...(org ? { list: { scope: `projects:${org}`, key: id, all: () => listAll("listProjects", { params: { org } }), keyOf: (x: Project) => x.id } } : {}),
        get: () => readOr404("getProject", { params: { project_id: id } }, w),
        what: w,
      }),
    patch: async (id, patch, ifMatch, w) => (await call("updateProject", { params: { project_id: id }, body: patch, ifMatch }, w)).body,
    delete: (id, ifMatch, w) => call("deleteProject", { params: { project_id: id }, ifMatch }, w),
  },
  changed: (p) => invalidate(`projects:${p.organization_id}`),
  deleted: (_id, props) => invalidate(`projects:${props.organizationId}`),
  deleteAdvice(code, problem) {
    if (code !== "project_has_access_grants") return undefined;
    const n = (k: string) => Number(problem[k] ?? 0);
    return `grants this stack does not declare keep it (members: ${n("members")}, roles: ${n("roles")}, teams: ${n("teams")}, accounts: ${n("accounts")}): revoke them, or declare them as ProjectAccess resources, then run pulumi again`;
  },
  async existing(news) {
    if (!known(news.organization, news.name)) return undefined;
    const org = await orgIdOf(String(news.organization));
    if (!org) return undefined;
    const { body: page } = await call("listProjects", { params: { org }, query: { name: String(news.name) } }, what(news));
    const p = byName(page.items, news.name);
    return p && { subject: `${p.name} of ${news.organization}`, what: `the existing project ${p.id}` };
  },
  update: transfer,
});

/**
 * Project's update: another organization is a transfer (a POST with If-Match), then the rename or
 * description change under the new organization.
 */
async function transfer(id: string, olds: State, news: Inputs, h: Helpers<Project, Inputs, State, string>): Promise<dynamic.UpdateResult<State>> {
  const w = what(news, id);
  const keys = setKeys(news);
  let current: Project | undefined;
  if ((await orgChange(olds, news.organization)) !== "same") {
    // A transfer is a POST. Each attempt below is its own call, so its own Idempotency-Key: the
    // server stores a 412 as the key's result, and the retry after it must not replay that.
    const body = { target_organization_id: news.organization };
    current = await h.versioned(id, olds, w, async (v) => (await call("transferProject", { params: { project_id: id }, body, ifMatch: v }, w)).body);
    invalidate(`projects:${olds.organizationId}`);
    invalidate(`projects:${current.organization_id}`);
  }
  // The transfer's answer is the state to compare with, under the new organization.
  const base = current ? outputs(current, { ...news, organizationId: current.organization_id }, keys) : olds;
  const patch = await h.patchFor(base, news);
  if (!Object.keys(patch).length) return { outs: current ? base : h.redeclared(olds, news, { organization: news.organization }) };
  try {
    const p = await h.versioned(id, base, w, async (v) => (await call("updateProject", { params: { project_id: id }, body: patch, ifMatch: v }, w)).body);
    return { outs: outputs(p, { ...news, organizationId: p.organization_id }, keys) };
  } catch (e) {
    // The transfer happened; the state must say so even though the rename failed.
    if (current) throw new PartialError(`${w} was transferred, but not renamed or described as declared: ${(e as Error).message}`, id, base, news, e);
    throw e;
  }
}

/** The steps as the shell calls them: bounded in time, refusals reported without a stack trace (provider/steps.ts). */
export const steps = providerSteps({ configure, ...provider });
