// The ProjectAccess resource: a grant on one project to exactly one member, role, team or
// external account. ID prj_…/{members|roles|teams|accounts}/{principal ID}. A change of project
// or principal replaces it; level and environment roles are updates (PUT with If-Match).
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { PULUMI_RESOURCES, ProjectAccessInputs } from "../api/pulumi";
import type { ProjectAccess } from "../api/resources";
import * as c from "./common";

export { configure } from "./common";

const REPLACE_ON: readonly string[] = PULUMI_RESOURCES["orgs:index:ProjectAccess"].replaceOn;
const PRINCIPALS = { member: "members", role: "roles", team: "teams", account: "accounts" } as const;
type PrincipalKey = keyof typeof PRINCIPALS;
const FIELDS: c.FieldNames = { "/role": "level", "/environment_roles/sandbox": "environmentRoles.sandbox", "/environment_roles/live": "environmentRoles.live" };

/** Declared environment roles match when every declared environment has that role. */
const sameEnvRoles = (old: c.Props | undefined, next: c.Props) =>
  Object.entries(next).every(([k, v]) => v === undefined || (old ?? {})[k] === v);
const RULES: c.FieldRule[] = [
  ...["project", "member", "role", "team", "account"].map((key) => ({ key, replace: REPLACE_ON.includes(key) })),
  { key: "level" },
  { key: "environmentRoles", eq: sameEnvRoles },
];

function principalOf(p: c.Props): { key: PrincipalKey; type: string; id: string } {
  const key = (Object.keys(PRINCIPALS) as PrincipalKey[]).find((k) => p[k] !== undefined)!;
  return { key, type: PRINCIPALS[key], id: p[key] };
}
const what = (p: c.Props) => {
  const pr = principalOf(p);
  return `access of ${pr?.key ?? "?"} ${pr?.id ?? "?"} to project ${p.project}`;
};

function asInputs(g: ProjectAccess, declared: c.Props): c.Props {
  const key = (Object.keys(PRINCIPALS) as PrincipalKey[]).find((k) => PRINCIPALS[k] === g.principal_type)!;
  return { project: g.project_id, [key]: g.principal_id, level: g.role, ...(declared.environmentRoles !== undefined ? { environmentRoles: g.environment_roles } : {}) };
}

function outputs(g: ProjectAccess, declared: c.Props): c.Props {
  return { ...asInputs(g, declared), principalType: g.principal_type, principalId: g.principal_id, external: g.external, version: g.version };
}

function putBody(i: c.Props) {
  const env = i.environmentRoles as c.Props | undefined;
  const environment_roles = env ? Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) : undefined;
  return { role: i.level, ...(environment_roles ? { environment_roles } : {}) };
}

const params = (project: string, type: string, id: string) => ({ project_id: project, principal_type: type, principal_id: id });

export async function check(_olds: c.Props, news: c.Props): Promise<dynamic.CheckResult> {
  const r = c.validate(ProjectAccessInputs, news);
  // The schema's exactly-one rule runs only once the rest is valid: report it alongside the rest.
  const set = (Object.keys(PRINCIPALS) as PrincipalKey[]).filter((k) => r.inputs[k] !== undefined);
  const failures = [...(r.failures ?? [])];
  if (set.length !== 1 && !failures.some((f) => f.reason.startsWith("set exactly one"))) {
    failures.push({ property: set[1] ?? "member", reason: "set exactly one of member, role, team or account" });
  }
  return { inputs: r.inputs, failures };
}

export async function diff(_id: string, olds: c.Props, news: c.Props): Promise<c.DiffOutcome> {
  const d = c.diffInputs(olds, news, RULES);
  // Naming another kind of principal (team instead of member) leaves the old key undeclared.
  const was = principalOf(olds);
  if (was && news[was.key] === undefined && !d.replaces!.includes(was.key)) {
    return { ...d, changes: true, replaces: [...d.replaces!, was.key], diffs: [...d.diffs, was.key] };
  }
  return d;
}

export async function create(inputs: c.Props): Promise<dynamic.CreateResult> {
  const pr = principalOf(inputs);
  const id = `${inputs.project}/${pr.type}/${pr.id}`;
  const at = params(inputs.project, pr.type, pr.id);
  const body = putBody(inputs);
  // Create-only (If-None-Match: *), with an Idempotency-Key: a retry after the server committed
  // replays the 201, so a 412 means the grant was there before, and is someone else's unless adopted.
  try {
    const { body: g } = await c.call("putProjectAccess", { params: at, body, ifNoneMatch: "*", idempotencyKey: c.idempotencyKey() }, what(inputs), FIELDS);
    c.invalidate(`access:${inputs.project}`);
    return { id, outs: outputs(g, inputs) };
  } catch (e) {
    if (c.codeOf(e)?.status !== 412) throw e;
  }
  const existing = (await c.call("getProjectAccess", { params: at }, what(inputs))).body;
  if (inputs.adopt !== true) {
    throw new Error(`${what(inputs)} already exists (level ${existing.role}): set \`adopt: true\` on this resource to manage the existing grant (pulumi import cannot reach a dynamic provider)`);
  }
  if (!c.diffInputs(outputs(existing, inputs), inputs, RULES).changes) return { id, outs: outputs(existing, inputs) };
  try {
    const { body: g } = await c.call("putProjectAccess", { params: at, body, ifMatch: existing.version }, what(inputs), FIELDS);
    return { id, outs: outputs(g, inputs) };
  } catch (e) {
    throw new c.PartialError(`${what(inputs)} was adopted but not brought to the declared level: ${(e as Error).message}`, id, outputs(existing, inputs), inputs);
  }
}

export async function read(id: string, props: c.Props): Promise<dynamic.ReadResult> {
  const [project, type, principal] = c.idParts(id, 3, "ProjectAccess");
  const w = `access of ${type}/${principal} to project ${project}`;
  let g: ProjectAccess | "miss" = await c.fromList(`access:${project}`, `${type}/${principal}`, () => c.api().listAll("listProjectAccess", { params: { project_id: project! } }), (x) => `${x.principal_type}/${x.principal_id}`);
  if (g === "miss") {
    const got = await c.callOrGone("getProjectAccess", { params: params(project!, type!, principal!) }, w);
    if (!got) {
      await c.confirmGone({ op: "getProject", id: project! }, w);
      return { id: "", props: {} };
    }
    g = got.body;
  }
  const inputs = { ...asInputs(g, props), ...c.carry(props, ["adopt"]) };
  return { id, props: { ...outputs(g, props), ...c.carry(props, ["adopt"]) }, inputs };
}

export async function update(id: string, olds: c.Props, news: c.Props): Promise<dynamic.UpdateResult> {
  const [project, type, principal] = c.idParts(id, 3, "ProjectAccess");
  const w = what(news);
  const g = await c.withVersion(
    olds.version,
    async (v) => (await c.call("putProjectAccess", { params: params(project!, type!, principal!), body: putBody(news), ifMatch: v }, w, FIELDS)).body,
    async () => {
      const { body } = await c.call("getProjectAccess", { params: params(project!, type!, principal!) }, w);
      return { version: body.version, unchanged: !c.diffInputs(outputs(body, olds), olds, RULES).changes };
    },
  );
  return { outs: { ...outputs(g, news), ...c.carry(news, ["adopt"]) } };
}

export async function del(id: string, props: c.Props): Promise<void> {
  const [project, type, principal] = c.idParts(id, 3, "ProjectAccess");
  const w = `access of ${type}/${principal} to project ${project}`;
  try {
    await c.withVersion(
      props.version,
      async (v) => { await c.call("deleteProjectAccess", { params: params(project!, type!, principal!), ifMatch: v }, w); },
      async () => {
        const { body } = await c.call("getProjectAccess", { params: params(project!, type!, principal!) }, w);
        return { version: body.version, unchanged: !c.diffInputs(outputs(body, props), props, RULES).changes };
      },
    );
  } catch (e) {
    if (c.codeOf(e)?.status !== 404) throw e;
  }
  c.invalidate(`access:${project}`);
}
export { del as delete };
