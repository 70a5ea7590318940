// The Project resource: ID prj_…, a flat key that survives transfers. Another organization is a
// transfer (an update), never a replacement: the environments and their IDs live on. Naming the
// same organization another way (its new slug, its ID) is no change at all.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { ProjectInputs, type ProjectOutputs } from "../api/pulumi";
import type { Project } from "../api/resources";
import { adoptedInThisRun, call, listAll, readOr404, readThrough, recordAdopted, withVersion } from "./call";
import { validate } from "./check";
import { diffInputs, patchOf, sameText, withChange, type DiffOutcome, type FieldRule } from "./diff";
import { adoptionRefused, codeOf, PartialError, ProviderError, withAdvice } from "./errors";
import { invalidate } from "./read-cache";
import { orgChange } from "./refs";
import { carry, DECLARED, declaredKeys, declaredPart, found, gone, outputsOf, redeclared, setKeys } from "./state";

import { configure } from "./config";
import { providerSteps } from "./steps";

export { configure };

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

const patchBody = (current: object, news: Inputs) => patchOf(current, news, RULES);
const unchangedSince = (p: Project, state: State) =>
  p.organization_id === state.organizationId && !diffInputs({ name: p.name, description: p.description }, declaredPart(state, INPUT_KEYS), RULES).changes;

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<dynamic.CheckResult<Inputs>> {
  return validate(ProjectInputs, news);
}

export async function diff(_id: string, olds: State, news: Inputs): Promise<DiffOutcome> {
  const d = diffInputs(olds, news, RULES);
  const org = await orgChange(olds, news.organization);
  return org === "same" ? d : withChange(d, "organization");
}

export async function create(inputs: Inputs): Promise<dynamic.CreateResult<State>> {
  const keys = setKeys(inputs);
  const body = { name: inputs.name, ...(inputs.description !== undefined ? { description: inputs.description } : {}) };
  const params = { org: inputs.organization };
  try {
    const { body: p } = await call("createProject", { params, body }, what(inputs));
    invalidate(`projects:${p.organization_id}`);
    return { id: p.id, outs: outputs(p, inputs, keys) };
  } catch (e) {
    if (codeOf(e)?.code !== "already_exists") throw e;
    if (inputs.adopt !== true) throw adoptionRefused(e, "project", "choose another name");
  }
  const { body: page } = await call("listProjects", { params, query: { name: inputs.name } }, what(inputs));
  const found = page.items.find((p) => p.name.toLowerCase() === String(inputs.name).toLowerCase());
  if (!found)
    throw new ProviderError(
      `${what(inputs)} exists in ${inputs.organization} but this token cannot see it: ask a project admin for access, or choose another name`,
    );
  recordAdopted(found.id);
  const current = outputs(found, inputs, keys);
  const patch = patchBody(current, inputs);
  if (!Object.keys(patch).length) return { id: found.id, outs: current };
  try {
    const { body: p } = await call("updateProject", { params: { project_id: found.id }, body: patch, ifMatch: found.version }, what(inputs, found.id));
    return { id: p.id, outs: outputs(p, inputs, keys) };
  } catch (e) {
    throw new PartialError(
      `${what(inputs, found.id)} was adopted but not brought to the declared settings: ${(e as Error).message}`,
      found.id,
      current,
      inputs,
      e,
    );
  }
}

export async function read(id: string, props: State = {} as State): Promise<dynamic.ReadResult<State>> {
  const w = what(props, id);
  const orgId = props.organizationId;
  // No parent decides: a project moved to an organization the token cannot see, or one the token's
  // account lost access to, still exists; only a project the server says was deleted is gone.
  const p = await readThrough<Project>({
    ...(orgId
      ? { list: { scope: `projects:${orgId}`, key: id, all: () => listAll("listProjects", { params: { org: orgId } }), keyOf: (x: Project) => x.id } }
      : {}),
    get: () => readOr404("getProject", { params: { project_id: id } }, w),
    what: w,
  });
  if (!p) return gone();
  const keys = declaredKeys(props, INPUT_KEYS);
  return found(id, outputs(p, props, keys), keys);
}

export async function update(id: string, olds: State, news: Inputs): Promise<dynamic.UpdateResult<State>> {
  const w = what(news, id);
  const keys = setKeys(news);
  let current: Project | undefined;
  if ((await orgChange(olds, news.organization)) !== "same") {
    // A transfer is a POST. Each attempt below is its own call, so its own Idempotency-Key: the
    // server stores a 412 as the key's result, and the retry after it must not replay that.
    const body = { target_organization_id: news.organization };
    current = await withVersion(
      olds.version,
      async (v) => (await call("transferProject", { params: { project_id: id }, body, ifMatch: v }, w)).body,
      async () => {
        const { body: now } = await call("getProject", { params: { project_id: id } }, w);
        return { version: now.version, unchanged: unchangedSince(now, olds) };
      },
    );
    invalidate(`projects:${olds.organizationId}`);
    invalidate(`projects:${current.organization_id}`);
  }
  // The transfer's answer is the state to compare with, under the new organization.
  const base = current ? outputs(current, { ...news, organizationId: current.organization_id }, keys) : olds;
  const patch = patchBody(base, news);
  if (!Object.keys(patch).length) {
    if (current) return { outs: base };
    return { outs: redeclared(olds, news, FLAGS, { organization: news.organization }) };
  }
  try {
    const p = await withVersion(
      base.version,
      async (v) => (await call("updateProject", { params: { project_id: id }, body: patch, ifMatch: v }, w)).body,
      async () => {
        const { body } = await call("getProject", { params: { project_id: id } }, w);
        return { version: body.version, unchanged: unchangedSince(body, base) };
      },
    );
    return { outs: outputs(p, { ...news, organizationId: p.organization_id }, keys) };
  } catch (e) {
    // The transfer happened; the state must say so even though the rename failed.
    if (current) throw new PartialError(`${w} was transferred, but not renamed or described as declared: ${(e as Error).message}`, id, base, news, e);
    throw e;
  }
}

export async function del(id: string, props: State): Promise<void> {
  // This run's create adopted this same project (a renamed resource adopted it).
  if (adoptedInThisRun(id)) return;
  const w = what(props, id);
  try {
    await withVersion(
      props.version,
      async (v) => {
        await call("deleteProject", { params: { project_id: id }, ifMatch: v }, w);
      },
      async () => {
        const { body } = await call("getProject", { params: { project_id: id } }, w);
        return { version: body.version, unchanged: unchangedSince(body, props) };
      },
    );
    invalidate(`projects:${props.organizationId}`);
  } catch (e) {
    const code = codeOf(e);
    if (code?.status === 404) return;
    if (code?.code === "project_has_access_grants") {
      const n = (k: string) => Number(code.problem[k] ?? 0);
      throw withAdvice(
        e,
        `grants this stack does not declare keep it (members: ${n("members")}, roles: ${n("roles")}, teams: ${n("teams")}, accounts: ${n("accounts")}): revoke them, or declare them as ProjectAccess resources, then run pulumi again`,
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
