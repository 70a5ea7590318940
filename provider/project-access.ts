// The ProjectAccess resource: a grant on one project to exactly one member, role, team or
// external account. ID prj_…/{members|roles|teams|accounts}/{principal ID}. Another project or
// principal replaces it; level and environment roles are updates (PUT with If-Match).
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { PULUMI_RESOURCES, ProjectAccessInputs, type ProjectAccessOutputs } from "../api/pulumi";
import type { ProjectAccess } from "../api/resources";
import { adoptedInThisRun, call, idempotencyKey, idParts, readOr404, readThrough, recordAdopted, withVersion } from "./call";
import { OrgsApiError } from "../client";
import { validate } from "./check";
import { api } from "./config";
import { diffInputs, withChange, type DiffOutcome, type FieldRule } from "./diff";
import { ADOPT_ADVICE, codeOf, PartialError, ProviderError, type FieldNames } from "./errors";
import { invalidate } from "./read-cache";
import { carry, DECLARED, declaredKeys, declaredPart, found, gone, outputsOf, redeclared, setKeys } from "./state";

export { configure } from "./config";

type Inputs = z.output<typeof ProjectAccessInputs>;
type State = ProjectAccessOutputs & { [DECLARED]?: string[] };

const INPUT_KEYS = ["project", "member", "role", "team", "account", "level", "environmentRoles", "adopt"];
const FLAGS = ["adopt"];
const REPLACE_ON: readonly string[] = PULUMI_RESOURCES["orgs:index:ProjectAccess"].replaceOn;
const PRINCIPALS = { member: "members", role: "roles", team: "teams", account: "accounts" } as const;
type PrincipalKey = keyof typeof PRINCIPALS;
const PRINCIPAL_KEYS = Object.keys(PRINCIPALS) as PrincipalKey[];
const FIELDS: FieldNames = { "/role": "level", "/environment_roles/sandbox": "environmentRoles.sandbox", "/environment_roles/live": "environmentRoles.live" };

/** Declared environment roles match when every declared environment has that role. */
const sameEnvRoles = (old: Record<string, unknown> | undefined, next: Record<string, unknown>) =>
  Object.entries(next).every(([k, v]) => v === undefined || (old ?? {})[k] === v);
const RULES: FieldRule[] = [
  ...["project", ...PRINCIPAL_KEYS].map((key) => ({ key, replace: REPLACE_ON.includes(key) })),
  { key: "level" },
  { key: "environmentRoles", eq: sameEnvRoles },
];

function principalOf(p: Partial<Record<PrincipalKey, string>>): { key: PrincipalKey; type: string; id: string } | undefined {
  const key = PRINCIPAL_KEYS.find((k) => p[k] !== undefined);
  return key && { key, type: PRINCIPALS[key], id: p[key]! };
}
const what = (p: Partial<Inputs>) => {
  const pr = principalOf(p);
  return `access of ${pr?.key ?? "?"} ${pr?.id ?? "?"} to project ${p.project}`;
};

function outputs(g: ProjectAccess, declared: Partial<Inputs>, keys: readonly string[]): State {
  const key = PRINCIPAL_KEYS.find((k) => PRINCIPALS[k] === g.principal_type)!;
  return outputsOf({ project: g.project_id, [key]: g.principal_id, level: g.role, environmentRoles: g.environment_roles }, keys, carry(declared, FLAGS), {
    organizationId: g.organization_id,
    principalType: g.principal_type,
    principalId: g.principal_id,
    external: g.external,
    version: g.version,
  }) as unknown as State;
}

function putBody(i: Inputs) {
  const env = i.environmentRoles;
  const environment_roles = env ? Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) : undefined;
  return { role: i.level, ...(environment_roles ? { environment_roles } : {}) };
}

const params = (project: string, type: string, id: string) => ({ project_id: project, principal_type: type, principal_id: id });

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<dynamic.CheckResult<Inputs>> {
  const r = validate(ProjectAccessInputs, news);
  // The schema's exactly-one rule runs only once the rest is valid: report it alongside the rest.
  const set = PRINCIPAL_KEYS.filter((k) => (r.inputs as Record<string, unknown>)[k] !== undefined);
  const failures = [...(r.failures ?? [])];
  if (set.length !== 1 && !failures.some((f) => f.reason.startsWith("set exactly one"))) {
    failures.push({ property: set[1] ?? "member", reason: "set exactly one of member, role, team or account" });
  }
  return { inputs: r.inputs, failures };
}

export async function diff(_id: string, olds: State, news: Inputs): Promise<DiffOutcome> {
  const d = diffInputs(olds, news, RULES);
  // Naming another kind of principal (team instead of member) leaves the old key undeclared.
  const was = principalOf(olds);
  return was && news[was.key] === undefined ? withChange(d, was.key, true) : d;
}

export async function create(inputs: Inputs): Promise<dynamic.CreateResult<State>> {
  const pr = principalOf(inputs)!;
  const id = `${inputs.project}/${pr.type}/${pr.id}`;
  const at = params(inputs.project, pr.type, pr.id);
  const keys = setKeys(inputs);
  const body = putBody(inputs);
  // Create-only (If-None-Match: *), with an Idempotency-Key: a retry after the server committed
  // replays the 201, so a 412 means the grant was there before, and is someone else's unless adopted.
  try {
    const { body: g } = await call("putProjectAccess", { params: at, body, ifNoneMatch: "*", idempotencyKey: idempotencyKey() }, what(inputs), FIELDS);
    invalidate(`access:${inputs.project}`);
    return { id, outs: outputs(g, inputs, keys) };
  } catch (e) {
    if (codeOf(e)?.status !== 412) throw e;
    if (inputs.adopt !== true) {
      const existing = await readOr404("getProjectAccess", { params: at }, what(inputs));
      const level = OrgsApiError.isInstance(existing) ? "" : ` (level ${existing.body.role})`;
      throw new ProviderError(`${what(inputs)} already exists${level}: ${ADOPT_ADVICE}`, { cause: e });
    }
  }
  const existing = (await call("getProjectAccess", { params: at }, what(inputs))).body;
  recordAdopted(id);
  const current = outputs(existing, inputs, keys);
  if (!diffInputs(current, inputs, RULES).changes) return { id, outs: current };
  try {
    const { body: g } = await call("putProjectAccess", { params: at, body, ifMatch: existing.version }, what(inputs), FIELDS);
    return { id, outs: outputs(g, inputs, keys) };
  } catch (e) {
    throw new PartialError(`${what(inputs)} was adopted but not brought to the declared level: ${(e as Error).message}`, id, current, inputs, e);
  }
}

export async function read(id: string, props: State = {} as State): Promise<dynamic.ReadResult<State>> {
  const [project, type, principal] = idParts(id, 3, "ProjectAccess");
  const w = `access of ${type}/${principal} to project ${project}`;
  // A deleted project answers 404 `deleted` for its grants too; otherwise the project decides.
  const g = await readThrough<ProjectAccess>({
    list: {
      scope: `access:${project}`,
      key: `${type}/${principal}`,
      all: () => api().listAll("listProjectAccess", { params: { project_id: project } }),
      keyOf: (x) => `${x.principal_type}/${x.principal_id}`,
    },
    get: () => readOr404("getProjectAccess", { params: params(project, type, principal) }, w),
    what: w,
    parent: { kind: "project", id: project },
  });
  if (!g) return gone();
  const keys = declaredKeys(props, INPUT_KEYS);
  return found(id, outputs(g, props, keys), keys);
}

export async function update(id: string, olds: State, news: Inputs): Promise<dynamic.UpdateResult<State>> {
  const [project, type, principal] = idParts(id, 3, "ProjectAccess");
  const w = what(news);
  const keys = setKeys(news);
  if (!diffInputs(olds, news, RULES).changes) {
    return { outs: redeclared(olds, news, FLAGS) };
  }
  const g = await withVersion(
    olds.version,
    async (v) => (await call("putProjectAccess", { params: params(project, type, principal), body: putBody(news), ifMatch: v }, w, FIELDS)).body,
    async () => {
      const { body } = await call("getProjectAccess", { params: params(project, type, principal) }, w);
      return { version: body.version, unchanged: !diffInputs(outputs(body, olds, []), declaredPart(olds, INPUT_KEYS), RULES).changes };
    },
  );
  return { outs: outputs(g, news, keys) };
}

export async function del(id: string, props: State): Promise<void> {
  // This run's create adopted this same grant (a replacement or a renamed resource adopted it).
  if (adoptedInThisRun(id)) return;
  const [project, type, principal] = idParts(id, 3, "ProjectAccess");
  const w = `access of ${type}/${principal} to project ${project}`;
  try {
    await withVersion(
      props.version,
      async (v) => {
        await call("deleteProjectAccess", { params: params(project, type, principal), ifMatch: v }, w);
      },
      async () => {
        const { body } = await call("getProjectAccess", { params: params(project, type, principal) }, w);
        return { version: body.version, unchanged: !diffInputs(outputs(body, props, []), declaredPart(props, INPUT_KEYS), RULES).changes };
      },
    );
  } catch (e) {
    if (codeOf(e)?.status !== 404) throw e;
  }
  invalidate(`access:${project}`);
}
export { del as delete };

/** The module as the dynamic provider the shell loads it as: the compiler checks each step's types. */
export const provider: dynamic.ResourceProvider<Inputs, State> = { check, diff, create, read, update, delete: del };
