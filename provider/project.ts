// The Project resource: ID prj_…, a flat key that survives transfers. A change of organization
// is a transfer (an update), never a replacement: the environments and their IDs live on.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ProjectInputs } from "../api/pulumi";
import type { Project } from "../api/resources";
import * as c from "./common";

export { configure } from "./common";

const PROVIDER_ONLY = ["adopt"] as const;
const RULES: c.FieldRule[] = [
  { key: "organization", eq: c.sameOrg },
  { key: "name" },
  { key: "description", eq: (a, b) => (a ?? "") === (b ?? "") },
];

const what = (p: c.Props, id?: string) => `project ${p.name ?? id}${id && p.name ? ` (${id})` : ""}`;
const env = (p: Project, type: "sandbox" | "live") => p.environments.find((e) => e.type === type)?.id ?? "";

/** The server's project as declared inputs; `organization` keeps the program's reference unless the project moved. */
function asInputs(p: Project, prev: c.Props): c.Props {
  const moved = prev.organizationId !== undefined && prev.organizationId !== p.organization_id;
  return { organization: moved || prev.organization === undefined ? p.organization_id : prev.organization, name: p.name, description: p.description };
}

function outputs(p: Project, declared: c.Props): c.Props {
  return {
    ...c.declaredOnly(declared, asInputs(p, declared)),
    ...c.carry(declared, PROVIDER_ONLY),
    organizationId: p.organization_id,
    sandboxEnvironmentId: env(p, "sandbox"),
    liveEnvironmentId: env(p, "live"),
    version: p.version,
  };
}

/** The PATCH for name and description; a change of organization is a transfer, not a PATCH. */
const patchBody = (current: c.Props, news: c.Props) => c.patchOf(current, news, RULES.filter((r) => r.key !== "organization"));

export async function check(_olds: c.Props, news: c.Props): Promise<dynamic.CheckResult> {
  return c.validate(ProjectInputs, news);
}

export async function diff(_id: string, olds: c.Props, news: c.Props): Promise<c.DiffOutcome> {
  return c.diffInputs(olds, news, RULES);
}

export async function create(inputs: c.Props): Promise<dynamic.CreateResult> {
  const body = { name: inputs.name, ...(inputs.description !== undefined ? { description: inputs.description } : {}) };
  const params = { org: inputs.organization };
  try {
    const { body: p } = await c.call("createProject", { params, body }, what(inputs));
    c.invalidate(`projects:${p.organization_id}`);
    return { id: p.id, outs: outputs(p, { ...inputs, organizationId: p.organization_id }) };
  } catch (e) {
    if (c.codeOf(e)?.code !== "already_exists") throw e;
    if (inputs.adopt !== true) throw c.withAdvice(e, "set `adopt: true` on this resource to manage the existing project (pulumi import cannot reach a dynamic provider), or choose another name");
  }
  const { body: page } = await c.call("listProjects", { params, query: { name: inputs.name } }, what(inputs));
  const found = page.items.find((p) => p.name.toLowerCase() === String(inputs.name).toLowerCase());
  if (!found) throw new Error(`${what(inputs)} exists in ${inputs.organization} but this token cannot see it: ask a project admin for access, or choose another name`);
  const declared = { ...inputs, organizationId: found.organization_id };
  const patch = patchBody(asInputs(found, declared), inputs);
  if (!Object.keys(patch).length) return { id: found.id, outs: outputs(found, declared) };
  try {
    const { body: p } = await c.call("updateProject", { params: { project_id: found.id }, body: patch, ifMatch: found.version }, what(inputs, found.id));
    return { id: p.id, outs: outputs(p, declared) };
  } catch (e) {
    throw new c.PartialError(`${what(inputs, found.id)} was adopted but not brought to the declared settings: ${(e as Error).message}`, found.id, outputs(found, declared), inputs);
  }
}

export async function read(id: string, props: c.Props): Promise<dynamic.ReadResult> {
  const w = what(props, id);
  const orgId: string | undefined = props.organizationId;
  let p: Project | "miss" = "miss";
  if (orgId) p = await c.fromList(`projects:${orgId}`, id, () => c.api().listAll("listProjects", { params: { org: orgId } }), (x) => x.id);
  if (p === "miss") {
    const got = await c.callOrGone("getProject", { params: { project_id: id } }, w);
    if (!got) {
      if (orgId) await c.confirmGone({ op: "getOrganization", id: orgId }, w);
      return { id: "", props: {} };
    }
    p = got.body;
  }
  const outs = outputs(p, props);
  return { id, props: outs, inputs: { ...c.declaredOnly(props, asInputs(p, props)), ...c.carry(props, PROVIDER_ONLY) } };
}

export async function update(id: string, olds: c.Props, news: c.Props): Promise<dynamic.UpdateResult> {
  const w = what(news, id);
  let current: Project | undefined;
  if (!c.sameOrg(olds.organization, news.organization, olds)) {
    // A transfer is a POST. Each attempt below is its own call, so its own Idempotency-Key: the
    // server stores a 412 as the key's result, and the retry after it must not replay that.
    const body = { target_organization_id: news.organization };
    const moved = await c.withVersion(
      olds.version,
      async (v) => (await c.call("transferProject", { params: { project_id: id }, body, ifMatch: v }, w)).body,
      async () => {
        const { body: now } = await c.call("getProject", { params: { project_id: id } }, w);
        return { version: now.version, unchanged: !c.diffInputs(asInputs(now, olds), olds, RULES).changes };
      },
    );
    c.invalidate(`projects:${olds.organizationId}`);
    c.invalidate(`projects:${moved.organization_id}`);
    current = moved;
  }
  const base = current ? asInputs(current, { ...olds, organizationId: current.organization_id }) : olds;
  const patch = patchBody(base, news);
  const declared = { ...news, organizationId: current?.organization_id ?? olds.organizationId };
  if (!Object.keys(patch).length) return { outs: current ? outputs(current, declared) : { ...olds, ...c.carry(news, PROVIDER_ONLY), organization: news.organization } };
  try {
    const p = await c.withVersion(
      current?.version ?? olds.version,
      async (v) => (await c.call("updateProject", { params: { project_id: id }, body: patch, ifMatch: v }, w)).body,
      async () => {
        const { body } = await c.call("getProject", { params: { project_id: id } }, w);
        return { version: body.version, unchanged: !c.diffInputs(asInputs(body, olds), base, RULES.slice(1)).changes };
      },
    );
    return { outs: outputs(p, declared) };
  } catch (e) {
    // The transfer happened; the state must say so even though the rename failed.
    if (current) throw new c.PartialError(`${w} was transferred, but not renamed or described as declared: ${(e as Error).message}`, id, outputs(current, declared), news);
    throw e;
  }
}

export async function del(id: string, props: c.Props): Promise<void> {
  const w = what(props, id);
  try {
    await c.withVersion(
      props.version,
      async (v) => { await c.call("deleteProject", { params: { project_id: id }, ifMatch: v }, w); },
      async () => {
        const { body } = await c.call("getProject", { params: { project_id: id } }, w);
        return { version: body.version, unchanged: !c.diffInputs(asInputs(body, props), props, RULES.slice(1)).changes };
      },
    );
    c.invalidate(`projects:${props.organizationId}`);
  } catch (e) {
    const code = c.codeOf(e);
    if (code?.status === 404) return;
    if (code?.code === "project_has_access_grants") {
      const n = (k: string) => Number((code.problem as Record<string, unknown>)[k] ?? 0);
      throw c.withAdvice(e, `grants this stack does not declare keep it (members: ${n("members")}, roles: ${n("roles")}, teams: ${n("teams")}, accounts: ${n("accounts")}): revoke them, or declare them as ProjectAccess resources, then run pulumi again`);
    }
    throw e;
  }
}
export { del as delete };
