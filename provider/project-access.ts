// The ProjectAccess resource: a grant on one project to exactly one member, role, team or
// external account. ID prj_…/{members|roles|teams|accounts}/{principal ID}. Another project or
// principal replaces it; level and environment roles are updates (PUT with If-Match). A member,
// role or team is named by its resource's ID (member.id), its bare ID (member.memberId) or its
// name (a member's email), resolved in the project's organization; how it is named is no change.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { PULUMI_RESOURCES, ProjectAccessInputs, type ProjectAccessOutputs } from "../api/pulumi";
import type { ProjectAccess } from "../api/resources";
import { call, idempotencyKey, idParts, listAll, readOr404, readThrough } from "./call";
import { OrgsApiError } from "../client";
import { hasUnknown, propertyPath, validate } from "./check";
import { diffInputs, withChange, type FieldRule } from "./diff";
import { ADOPT_ADVICE, codeOf, ProviderError, type FieldNames } from "./errors";
import { known, lifecycle } from "./lifecycle";
import { invalidate } from "./read-cache";
import { idIn, resolvePrincipal, type Referenced } from "./refs";
import { carry, DECLARED, outputsOf } from "./state";

import { configure, configured } from "./config";
import { providerSteps } from "./steps";

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
// The principal is compared by what it resolves to (principalChange), not by its text.
const SETTINGS: FieldRule[] = [{ key: "level" }, { key: "environmentRoles", eq: sameEnvRoles }];
const RULES: FieldRule[] = [{ key: "project", replace: REPLACE_ON.includes("project") }, ...SETTINGS];

function principalOf(p: Partial<Record<PrincipalKey, string>>): { key: PrincipalKey; type: string; id: string } | undefined {
  const key = PRINCIPAL_KEYS.find((k) => p[k] !== undefined);
  return key && { key, type: PRINCIPALS[key], id: p[key]! };
}
const what = (p: Partial<Inputs>) => {
  const pr = principalOf(p);
  return `access of ${pr?.key ?? "?"} ${pr?.id ?? "?"} to project ${p.project}`;
};

/**
 * The outputs. The principal keeps the program's reference (resource ID, bare ID or name): a
 * grant's principal never changes (another one is another grant), so the text names it still.
 */
function outputs(g: ProjectAccess, declared: Partial<Inputs>, keys: readonly string[]): State {
  const key = PRINCIPAL_KEYS.find((k) => PRINCIPALS[k] === g.principal_type)!;
  const principal = typeof declared[key] === "string" && !hasUnknown(declared[key]) ? declared[key] : g.principal_id;
  return outputsOf({ project: g.project_id, [key]: principal, level: g.role, environmentRoles: g.environment_roles }, keys, carry(declared, FLAGS), {
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

/** The organization of a project, once per project per run (the organization a grant's names resolve in). */
const projectOrgs = new Map<string, Promise<string>>();
function projectOrg(project: string): Promise<string> {
  let org = projectOrgs.get(project);
  if (!org) {
    org = call("getProject", { params: { project_id: project } }, `project ${project}`).then((r) => r.body.organization_id);
    org.catch(() => projectOrgs.delete(project));
    projectOrgs.set(project, org);
  }
  return org;
}

/** The principal's ID: as given, or resolved (a resource ID or a name) in the project's organization. */
async function principalId(project: string, pr: { key: PrincipalKey; id: string }): Promise<string> {
  if (pr.key === "account") return pr.id;
  const bare = idIn(pr.key, pr.id);
  if (bare && bare.org === undefined) return bare.id;
  return resolvePrincipal(pr.key as Referenced, await projectOrg(project), pr.id, pr.key);
}

/**
 * A principal named by resource ID or by name that names nothing in the project's organization,
 * found at preview: checked when the project is known and the reference differs from the previous
 * inputs (a preview with nothing to do makes no API call).
 */
async function principalFailure(olds: Partial<Inputs>, news: Inputs): Promise<dynamic.CheckFailure | undefined> {
  const pr = principalOf(news);
  if (!pr || pr.key === "account" || hasUnknown(pr.id) || hasUnknown(news.project) || !configured()) return undefined;
  if (olds.project === news.project && olds[pr.key] === pr.id) return undefined;
  const bare = idIn(pr.key, pr.id);
  if (bare && bare.org === undefined) return undefined;
  try {
    await principalId(news.project, pr);
    return undefined;
  } catch (e) {
    if (!ProviderError.isInstance(e) || e.api) throw e;
    return { property: propertyPath([pr.key]), reason: e.message.replace(/^\w+: /, "") };
  }
}

/** How the declared principal relates to the state's: the same one, another, or not known yet (preview). */
async function principalChange(olds: State, news: Inputs): Promise<PrincipalKey[]> {
  const was = principalOf(olds);
  const now = principalOf(news);
  // Naming another kind of principal (team instead of member) changes both keys.
  if (!was || !now || was.key !== now.key) return [was?.key, now?.key].filter((k): k is PrincipalKey => k !== undefined);
  if (was.id === now.id) return [];
  if (hasUnknown(now.id)) return [now.key];
  const id = await principalId(olds.project, now);
  return id === olds.principalId ? [] : [now.key];
}

type Address = ReturnType<typeof params>;

/** The module as a dynamic provider: its steps as the engine names them. */
export const provider = lifecycle<ProjectAccess, Inputs, State, Address, Address>({
  token: "orgs:index:ProjectAccess",
  inputs: ProjectAccessInputs,
  inputKeys: INPUT_KEYS,
  flags: FLAGS,
  rules: RULES,
  what,
  whatStored(id) {
    const [project, type, principal] = idParts(id, 3, "ProjectAccess");
    return `access of ${type}/${principal} to project ${project}`;
  },
  idOf: (g) => `${g.project_id}/${g.principal_type}/${g.principal_id}`,
  address(id) {
    const [project, type, principal] = idParts(id, 3, "ProjectAccess");
    return params(project, type, principal);
  },
  outputs,
  // A grant is written whole (PUT): the declared level and environment roles when either differs.
  patchFor: (current, news) => (diffInputs(current, news, SETTINGS).changes ? putBody(news) : {}),
  // Nothing to change on the server (a flag, or the principal written another way).
  redeclare(_olds, news) {
    const pr = principalOf(news);
    return pr ? { [pr.key]: pr.id } : {};
  },
  validate(news) {
    const r = validate(ProjectAccessInputs, news);
    // The schema's exactly-one rule runs only once the rest is valid: report it alongside the rest.
    const set = PRINCIPAL_KEYS.filter((k) => (r.inputs as Record<string, unknown>)[k] !== undefined);
    const failures = [...(r.failures ?? [])];
    if (set.length !== 1 && !failures.some((f) => f.reason.startsWith("set exactly one"))) {
      failures.push({ property: set[1] ?? "member", reason: "set exactly one of member, role, team or account" });
    }
    return { inputs: r.inputs, failures };
  },
  async check(olds, inputs) {
    const refused = await principalFailure(olds, inputs);
    return refused ? [refused] : [];
  },
  async diff(d, olds, news) {
    for (const key of await principalChange(olds, news)) d = withChange(d, key, REPLACE_ON.includes(key));
    return d;
  },
  create: {
    async prepare(inputs) {
      const pr = principalOf(inputs)!;
      return params(inputs.project, pr.type, await principalId(inputs.project, pr));
    },
    // Create-only (If-None-Match: *), with an Idempotency-Key: a retry after the server committed
    // replays the 201, so a 412 means the grant was there before, and is someone else's unless adopted.
    send: async (inputs, at, w) =>
      (await call("putProjectAccess", { params: at, body: putBody(inputs), ifNoneMatch: "*", idempotencyKey: idempotencyKey() }, w, FIELDS)).body,
    exists: (e) => codeOf(e)?.status === 412,
    noun: "grant",
    async refused(e, _inputs, at, w) {
      const existing = await readOr404("getProjectAccess", { params: at }, w);
      const level = OrgsApiError.isInstance(existing) ? "" : ` (level ${existing.body.role})`;
      return new ProviderError(`${w} already exists${level}: ${ADOPT_ADVICE}`, { cause: e });
    },
    find: async (_inputs, at, w) => (await call("getProjectAccess", { params: at }, w)).body,
    adoptedBut: "brought to the declared level",
  },
  api: {
    get: async (at, w) => (await call("getProjectAccess", { params: at }, w)).body,
    // A deleted project answers 404 `deleted` for its grants too; otherwise the project decides.
    read: (at, w) =>
      readThrough<ProjectAccess>({
        list: {
          scope: `access:${at.project_id}`,
          key: `${at.principal_type}/${at.principal_id}`,
          all: () => listAll("listProjectAccess", { params: { project_id: at.project_id } }),
          keyOf: (x) => `${x.principal_type}/${x.principal_id}`,
        },
        get: () => readOr404("getProjectAccess", { params: at }, w),
        what: w,
        parent: { kind: "project", id: at.project_id },
      }),
    patch: async (at, body, ifMatch, w) => (await call("putProjectAccess", { params: at, body: body as ReturnType<typeof putBody>, ifMatch }, w, FIELDS)).body,
    delete: (at, ifMatch, w) => call("deleteProjectAccess", { params: at, ifMatch }, w),
  },
  changed: (g) => invalidate(`access:${g.project_id}`),
  deleted: (at) => invalidate(`access:${at.project_id}`),
  async existing(news) {
    const pr = principalOf(news as Partial<Inputs>);
    if (!pr || !known(news.project, pr.id)) return undefined;
    const at = params(String(news.project), pr.type, await principalId(String(news.project), pr));
    const g = await readOr404("getProjectAccess", { params: at }, what(news as Partial<Inputs>));
    return OrgsApiError.isInstance(g)
      ? undefined
      : { subject: `for ${pr.key} ${pr.id} on project ${news.project}`, what: `the existing grant (level ${g.body.role})` };
  },
  removal: "revoke it",
});

/** The steps as the shell calls them: bounded in time, refusals reported without a stack trace (provider/steps.ts). */
export const steps = providerSteps({ configure, ...provider });
