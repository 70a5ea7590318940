// The ProjectAccessSet resource: a project's whole set of grants (members by email, roles and
// teams by name or ID, outside accounts by ID) as one set the server plans and applies (POST
// /v1/projects/{id}/access:plan, …:apply). ID prj_…/access. The same steps as Members
// (provider/members-set.ts): check plans when the inputs changed, diff is pure, read returns every
// grant of the project, create and update apply the plan with its version as If-Match.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { ProjectAccessSetInputs, type ProjectAccessSetOutputs } from "../api/pulumi-sets";
import type { AccessSetPlan, AccessSetRequest, AccessSetResult } from "../api/sets";
import { bulkTimeoutMs } from "../client";
import { call } from "./call";
import { hasUnknown, validate } from "./check";
import { codeOf } from "./errors";
import { applyRefused, low, planCache, unchangedInputs } from "./set";

import { configure } from "./config";
import { providerSteps } from "./steps";

type Inputs = z.output<typeof ProjectAccessSetInputs>;
type State = ProjectAccessSetOutputs;
type Grant = { level: "admin" | "viewer"; environmentRoles?: { sandbox?: string | null; live?: string | null } };

const KINDS = [
  ["members", "member"],
  ["roles", "role"],
  ["teams", "team"],
  ["accounts", "account"],
] as const;
const what = (project: string) => `the grants of project ${project}`;

/** The set request: entries in map order, members first (pointers /grants/i name them). */
function requestOf(inputs: Inputs): { req: AccessSetRequest; places: string[] } {
  const places: string[] = [];
  const grants: AccessSetRequest["grants"] = [];
  for (const [kind, field] of KINDS) {
    for (const [key, g] of Object.entries((inputs[kind] ?? {}) as Record<string, Grant>)) {
      places.push(`${kind}[${JSON.stringify(key)}]`);
      grants.push({
        [field]: key,
        level: g.level,
        ...(g.environmentRoles ? { environment_roles: g.environmentRoles } : {}),
      } as AccessSetRequest["grants"][number]);
    }
  }
  // The set covers the kinds of principal the program declares a map for: grants to other kinds are not its own.
  const principal_types = KINDS.filter(([kind]) => inputs[kind] !== undefined).map(([kind]) => kind);
  return {
    req: {
      grants,
      prune: inputs.prune ?? false,
      ...(principal_types.length ? { principal_types } : {}),
      ...(inputs.maxRemovals !== undefined ? { max_removals: inputs.maxRemovals } : {}),
    },
    places,
  };
}

const plans = planCache(
  async (project: string, req: AccessSetRequest): Promise<AccessSetPlan> =>
    (await call("planProjectAccess", { params: { project_id: project }, body: req, timeoutMs: bulkTimeoutMs(req.grants.length) }, what(project))).body,
);

export async function check(olds: Partial<Inputs> | undefined, news: Record<string, unknown>): Promise<dynamic.CheckResult<Inputs>> {
  const result = validate(ProjectAccessSetInputs, news);
  if (result.failures?.length || !result.inputs) return result;
  const inputs = result.inputs as Inputs;
  if (unchangedInputs(olds, news)) return result;
  if (hasUnknown(inputs)) return result;
  const { req, places } = requestOf(inputs);
  try {
    await plans.plan(inputs.project, req);
  } catch (e) {
    const c = codeOf(e);
    if (!c || c.status < 400 || c.status >= 500 || c.status === 401 || c.status === 404) throw e;
    // A member this run invites (an orgs.Members the set depends on) is not there at preview: the apply checks it.
    const errors = ((c.problem.errors as { field: string; message: string }[] | undefined) ?? []).filter(
      (f) =>
        !(
          c.code === "principal_not_in_organization" &&
          /^\/grants\/\d+\/member$/.test(f.field) &&
          places[Number(f.field.split("/")[2])]?.startsWith("members[")
        ),
    );
    if (!errors.length && c.code === "principal_not_in_organization") return result;
    const where = (p: string) => {
      const m = /^\/grants\/(\d+)(?:\/(environment_roles)\/(\w+))?/.exec(p);
      if (!m) return p === "/max_removals" ? "maxRemovals" : "members";
      return `${places[Number(m[1])] ?? "members"}${m[2] ? `.environmentRoles.${m[3]}` : ""}`;
    };
    return {
      inputs,
      failures: (errors.length ? errors : [{ field: "", message: String(c.problem.detail) }]).map((f) => ({
        property: where(f.field),
        reason: `${c.code}: ${f.message}`,
      })),
    };
  }
  return result;
}

/** A grant as it is in effect: the level's default environment roles under the declared ones. */
const grantKey = (g: Grant) => {
  const env = { ...defaults(g.level), ...g.environmentRoles };
  return JSON.stringify([g.level, env.sandbox, env.live]);
};

export async function diff(_id: string, olds: State, news: Inputs): Promise<dynamic.DiffResult> {
  const changes: string[] = [];
  if (news.project !== olds.project) changes.push("project");
  for (const [kind] of KINDS) {
    const a = new Map(Object.entries((olds[kind] ?? {}) as Record<string, Grant>).map(([k, v]) => [low(k), grantKey(v)]));
    const b = Object.entries((news[kind] ?? {}) as Record<string, Grant>);
    if (a.size !== b.length || b.some(([k, v]) => a.get(low(k)) !== grantKey(v))) changes.push(kind);
  }
  if ((news.prune ?? false) !== (olds.prune ?? false)) changes.push("prune");
  if (news.maxRemovals !== olds.maxRemovals) changes.push("maxRemovals");
  if (news.prune && (olds.unmanaged ?? []).length && !changes.length) changes.push("members");
  return { changes: changes.length > 0, replaces: changes.includes("project") ? ["project"] : [], deleteBeforeReplace: false };
}

/** What an apply of this plan reads and writes, in entries: its per-attempt timeout grows with it (one transaction, any size). */
const sizeOf = (p: AccessSetPlan) => p.grant.length + p.update.length + p.revoke.length + p.unchanged + p.unmanaged.length;

const unmanagedOf = (r: AccessSetResult | AccessSetPlan) => r.unmanaged.map((u) => `${u.principal_type}/${u.display_name ?? u.principal_id}`);

async function applySet(inputs: Inputs): Promise<State> {
  const { req } = requestOf(inputs);
  const planned = await plans.take(inputs.project, req);
  try {
    const { body } = await call(
      "applyProjectAccess",
      { params: { project_id: inputs.project }, body: req, ifMatch: `"${planned.access_version}"`, timeoutMs: bulkTimeoutMs(sizeOf(planned)) },
      what(inputs.project),
    );
    const { body: project } = await call("getProject", { params: { project_id: inputs.project } }, `project ${inputs.project}`);
    return { ...inputs, organizationId: project.organization_id, unmanaged: unmanagedOf(body), accessVersion: body.access_version } as State;
  } catch (e) {
    throw applyRefused(
      e,
      `${what(inputs.project)} changed on the server between the plan and the apply: nothing was applied. Run \`pulumi preview\` to see the new plan, then \`pulumi up\` again`,
    );
  }
}

export async function create(inputs: Inputs): Promise<dynamic.CreateResult<State>> {
  return { id: `${inputs.project}/access`, outs: await applySet(inputs) };
}

export async function update(_id: string, _olds: State, news: Inputs): Promise<dynamic.UpdateResult<State>> {
  return { outs: await applySet(news) };
}

/** Every grant of the project, keyed as the program keys them (members by email, roles and teams as declared). */
export async function read(id: string, props: Partial<State> = {}): Promise<dynamic.ReadResult<State>> {
  const project = id.split("/")[0]!;
  let p: AccessSetPlan;
  try {
    p = (await call("planProjectAccess", { params: { project_id: project }, body: { grants: [], prune: false } }, what(project))).body;
  } catch (e) {
    if (codeOf(e)?.code === "deleted") return { id: "", props: {} as State };
    throw e;
  }
  const maps: Record<string, Record<string, Grant>> = {};
  const covered = KINDS.filter(([kind]) => props[kind] !== undefined).map(([kind]) => kind as string);
  for (const [kind] of KINDS) {
    if (covered.length && !covered.includes(kind)) continue;
    const declared = Object.keys((props[kind] ?? {}) as Record<string, Grant>);
    for (const u of p.unmanaged.filter((x) => x.principal_type === kind)) {
      const names = [u.principal_id, u.display_name ?? ""].map(low);
      const key = declared.find((k) => names.includes(low(k))) ?? u.display_name ?? u.principal_id;
      const env = { sandbox: u.environment_roles.sandbox, live: u.environment_roles.live };
      (maps[kind] ??= {})[key] = { level: u.level, ...(JSON.stringify(env) !== JSON.stringify(defaults(u.level)) ? { environmentRoles: env } : {}) };
    }
  }
  const inputs: Record<string, unknown> = { project: props.project ?? project };
  for (const [kind] of KINDS) if (maps[kind] || props[kind]) inputs[kind] = maps[kind] ?? {};
  if (props.prune !== undefined) inputs.prune = props.prune;
  if (props.maxRemovals !== undefined) inputs.maxRemovals = props.maxRemovals;
  const state = { ...props, ...inputs, unmanaged: props.unmanaged ?? [], accessVersion: p.access_version } as State;
  return { id, props: state, inputs: inputs as State };
}

const defaults = (level: string) => (level === "admin" ? { sandbox: "admin", live: "admin" } : { sandbox: "viewer", live: "viewer" });

/** Revokes the grants this stack declared, leaving the others. */
export async function del(id: string, props: State): Promise<void> {
  const project = id.split("/")[0]!;
  let p: AccessSetPlan;
  try {
    p = (await call("planProjectAccess", { params: { project_id: project }, body: { grants: [], prune: false } }, what(project))).body;
  } catch (e) {
    if (codeOf(e)?.status === 404) return;
    throw e;
  }
  const declared = new Set(KINDS.flatMap(([kind]) => Object.keys((props[kind] ?? {}) as object).map((k) => `${kind}/${low(k)}`)));
  const field = Object.fromEntries(KINDS) as Record<string, string>;
  const covered = KINDS.filter(([kind]) => props[kind] !== undefined).map(([kind]) => kind as string);
  const keep = p.unmanaged
    .filter((u) => !covered.length || covered.includes(u.principal_type))
    .filter((u) => !declared.has(`${u.principal_type}/${low(u.principal_id)}`) && !declared.has(`${u.principal_type}/${low(u.display_name ?? "")}`))
    .map((u) => ({ [field[u.principal_type]!]: u.principal_id, level: u.level, environment_roles: u.environment_roles }));
  await call(
    "applyProjectAccess",
    {
      params: { project_id: project },
      body: {
        grants: keep as AccessSetRequest["grants"],
        prune: true,
        ...(covered.length ? { principal_types: covered as AccessSetRequest["principal_types"] } : {}),
      },
      ifMatch: `"${p.access_version}"`,
      timeoutMs: bulkTimeoutMs(sizeOf(p)),
    },
    what(project),
  );
}
export { del as delete };

export const provider: dynamic.ResourceProvider<Inputs, State> = { check, diff, create, read, update, delete: del };

/** The steps as the shell calls them: bounded in time, refusals reported without a stack trace (provider/steps.ts). */
export const steps = providerSteps({ configure, check, diff, create, read, update, delete: del });
