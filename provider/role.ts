// The Role resource: a custom role of an organization. ID org_…/role_…; a change of organization
// replaces it. Built-in roles (DEFAULT, ADMIN) are outputs of Organization, never managed here.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { PULUMI_RESOURCES, RoleInputs } from "../api/pulumi";
import type { Role } from "../api/resources";
import * as c from "./common";

export { configure } from "./common";

const REPLACE_ON: readonly string[] = PULUMI_RESOURCES["orgs:index:Role"].replaceOn;
const PROVIDER_ONLY = ["adopt"] as const;
const RULES: c.FieldRule[] = [
  { key: "organization", eq: c.sameOrg, replace: REPLACE_ON.includes("organization") },
  { key: "name" },
  { key: "description", eq: (a, b) => (a ?? "") === (b ?? "") },
  { key: "permissions", eq: c.sameSet },
];

const what = (p: c.Props, org?: string) => `role ${p.name ?? p.roleId} in ${org ?? p.organizationId ?? p.organization}`;

function asInputs(r: Role, declared: c.Props): c.Props {
  return { organization: declared.organization ?? r.organization_id, name: r.name, description: r.description, permissions: r.permissions };
}

function outputs(r: Role, declared: c.Props): c.Props {
  return { ...c.declaredOnly(declared, asInputs(r, declared)), ...c.carry(declared, PROVIDER_ONLY), organizationId: r.organization_id, roleId: r.id, version: r.version };
}

function patchBody(current: c.Props, news: c.Props) {
  const changed = c.diffInputs(current, news, RULES.slice(1)).diffs;
  return Object.fromEntries(changed.map((k) => [k, news[k]]));
}

export async function check(_olds: c.Props, news: c.Props): Promise<dynamic.CheckResult> {
  return c.validate(RoleInputs, news);
}

export async function diff(_id: string, olds: c.Props, news: c.Props): Promise<c.DiffOutcome> {
  return c.diffInputs(olds, news, RULES);
}

export async function create(inputs: c.Props): Promise<dynamic.CreateResult> {
  const params = { org: inputs.organization };
  const body = { name: inputs.name, ...(inputs.description !== undefined ? { description: inputs.description } : {}), permissions: inputs.permissions ?? [] };
  try {
    const { body: r } = await c.call("createRole", { params, body, idempotencyKey: c.idempotencyKey("role", inputs.organization, body) }, what(inputs));
    c.invalidate(`roles:${r.organization_id}`);
    return { id: `${r.organization_id}/${r.id}`, outs: outputs(r, inputs) };
  } catch (e) {
    if (c.codeOf(e)?.code !== "already_exists") throw e;
    if (inputs.adopt !== true) throw c.withAdvice(e, "set `adopt: true` on this resource to manage the existing role (pulumi import cannot reach a dynamic provider), or choose another name");
  }
  const all = await c.api().listAll("listRoles", { params }).catch((e) => { throw c.explain(e, what(inputs)); });
  const found = all.find((r) => r.name.toLowerCase() === String(inputs.name).toLowerCase());
  if (!found) throw new Error(`${what(inputs)} exists but this token cannot see it: check the token's organization`);
  if (found.builtin) throw new Error(`${what(inputs)} is the built-in ${found.name} role, which cannot be changed: use the Organization's defaultRoleId or adminRoleId instead of a Role resource`);
  const id = `${found.organization_id}/${found.id}`;
  const patch = patchBody(asInputs(found, inputs), inputs);
  if (!Object.keys(patch).length) return { id, outs: outputs(found, inputs) };
  try {
    const { body: r } = await c.call("updateRole", { params: { org: found.organization_id, role_id: found.id }, body: patch, ifMatch: found.version }, what(inputs));
    return { id, outs: outputs(r, inputs) };
  } catch (e) {
    throw new c.PartialError(`${what(inputs)} was adopted but not brought to the declared settings: ${(e as Error).message}`, id, outputs(found, inputs), inputs);
  }
}

export async function read(id: string, props: c.Props): Promise<dynamic.ReadResult> {
  const [org, roleId] = c.idParts(id, 2, "Role");
  const w = what(props, org);
  let r: Role | "miss" = await c.fromList(`roles:${org}`, roleId!, () => c.api().listAll("listRoles", { params: { org: org! } }), (x) => x.id);
  if (r === "miss") {
    const got = await c.callOrGone("getRole", { params: { org: org!, role_id: roleId! } }, w);
    if (!got) {
      await c.confirmGone({ op: "getOrganization", id: org! }, w);
      return { id: "", props: {} };
    }
    r = got.body;
  }
  return { id, props: outputs(r, props), inputs: { ...c.declaredOnly(props, asInputs(r, props)), ...c.carry(props, PROVIDER_ONLY) } };
}

export async function update(id: string, olds: c.Props, news: c.Props): Promise<dynamic.UpdateResult> {
  const [org, roleId] = c.idParts(id, 2, "Role");
  const w = what(news, org);
  const patch = patchBody(olds, news);
  if (!Object.keys(patch).length) return { outs: { ...olds, ...c.carry(news, PROVIDER_ONLY), organization: news.organization } };
  const r = await c.withVersion(
    olds.version,
    async (v) => (await c.call("updateRole", { params: { org: org!, role_id: roleId! }, body: patch, ifMatch: v }, w)).body,
    async () => {
      const { body } = await c.call("getRole", { params: { org: org!, role_id: roleId! } }, w);
      return { version: body.version, unchanged: !c.diffInputs(asInputs(body, olds), olds, RULES).changes };
    },
  );
  c.invalidate(`roles:${org}`);
  return { outs: outputs(r, news) };
}

export async function del(id: string, props: c.Props): Promise<void> {
  const [org, roleId] = c.idParts(id, 2, "Role");
  const w = what(props, org);
  try {
    await c.withVersion(
      props.version,
      async (v) => { await c.call("deleteRole", { params: { org: org!, role_id: roleId! }, ifMatch: v }, w); },
      async () => {
        const { body } = await c.call("getRole", { params: { org: org!, role_id: roleId! } }, w);
        return { version: body.version, unchanged: !c.diffInputs(asInputs(body, props), props, RULES).changes };
      },
    );
  } catch (e) {
    const code = c.codeOf(e);
    if (code?.status !== 404) {
      if (code?.code === "role_in_use") throw c.withAdvice(e, "members or project grants this stack does not declare still use it: reassign or revoke them, then run pulumi again");
      throw e;
    }
  }
  c.invalidate(`roles:${org}`);
}
export { del as delete };
