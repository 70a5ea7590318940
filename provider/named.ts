// What the Role and Team providers share: both are a named object of one organization (ID
// org_…/<id>, a change of organization replaces it, the name is unique case-insensitively), with
// the same lifecycle. Each resource module supplies its schema, its extra fields, its API calls and
// the advice for its own refusals; the steps are written once, here.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { PULUMI_RESOURCES, type PulumiToken } from "../api/pulumi";
import * as c from "./common";

/** The server's view of a role or a team, as far as the shared steps need it. */
export interface NamedObject {
  id: string;
  organization_id: string;
  name: string;
  description: string | null;
  version: number;
}

type Result<T> = Promise<{ body: T }>;

export interface NamedSpec<T extends NamedObject> {
  /** "role" or "team": in messages and read-cache scopes. */
  kind: string;
  token: PulumiToken;
  inputs: z.ZodType;
  /** The output that carries the object's own ID (roleId, teamId). */
  idOutput: string;
  /** Compared fields beyond organization, name and description. */
  extraRules?: c.FieldRule[];
  /** Server fields beyond name and description, as inputs. */
  extraInputs?: (r: T) => c.Props;
  /** The create body beyond name and description. */
  extraCreateBody?: (inputs: c.Props) => c.Props;
  /** Refuses to adopt objects that are not the program's to manage (built-in roles). */
  refuseAdopt?: (found: T, what: string) => void;
  /** Advice for the server's refusal of a delete (a 409), by code. */
  deleteAdvice?: (code: string, problem: c.Props) => string | undefined;
  api: {
    create(org: string, body: c.Props, what: string): Result<T>;
    list(org: string): Promise<T[]>;
    get(org: string, id: string, what: string): Result<T>;
    getOrGone(org: string, id: string, what: string): Promise<{ body: T } | undefined>;
    update(org: string, id: string, patch: c.Props, ifMatch: number | undefined, what: string): Result<T>;
    delete(org: string, id: string, ifMatch: number | undefined, what: string): Promise<unknown>;
  };
}

const PROVIDER_ONLY = ["adopt"] as const;

/** The six provider steps for a named object of an organization. */
export function namedProvider<T extends NamedObject>(spec: NamedSpec<T>) {
  const { kind, api } = spec;
  const label = kind[0]!.toUpperCase() + kind.slice(1);
  const RULES: c.FieldRule[] = [
    { key: "organization", eq: c.sameOrg, replace: (PULUMI_RESOURCES[spec.token].replaceOn as readonly string[]).includes("organization") },
    { key: "name" },
    { key: "description", eq: (a, b) => (a ?? "") === (b ?? "") },
    ...(spec.extraRules ?? []),
  ];
  const scope = (org: string) => `${kind}s:${org}`;
  const what = (p: c.Props, org?: string) => `${kind} ${p.name ?? p[spec.idOutput]} in ${org ?? p.organizationId ?? p.organization}`;
  const asInputs = (r: T, declared: c.Props): c.Props => ({
    organization: declared.organization ?? r.organization_id, name: r.name, description: r.description, ...spec.extraInputs?.(r),
  });
  const outputs = (r: T, declared: c.Props): c.Props => ({
    ...c.declaredOnly(declared, asInputs(r, declared)), ...c.carry(declared, PROVIDER_ONLY),
    organizationId: r.organization_id, [spec.idOutput]: r.id, version: r.version,
  });
  const patchBody = (current: c.Props, news: c.Props) => c.patchOf(current, news, RULES.slice(1));
  /** A conditional change with the version in state, retried once if nothing declared moved. */
  const withVersion = <R>(org: string, id: string, version: number | undefined, declared: c.Props, w: string, attempt: (v: number | undefined) => Promise<R>) =>
    c.withVersion(version, attempt, async () => {
      const { body } = await api.get(org, id, w);
      return { version: body.version, unchanged: !c.diffInputs(asInputs(body, declared), declared, RULES).changes };
    });

  async function check(_olds: c.Props, news: c.Props): Promise<dynamic.CheckResult> {
    return c.validate(spec.inputs, news);
  }

  async function diff(_id: string, olds: c.Props, news: c.Props): Promise<c.DiffOutcome> {
    return c.diffInputs(olds, news, RULES);
  }

  async function create(inputs: c.Props): Promise<dynamic.CreateResult> {
    const org = inputs.organization;
    const body = { name: inputs.name, ...(inputs.description !== undefined ? { description: inputs.description } : {}), ...spec.extraCreateBody?.(inputs) };
    try {
      const { body: r } = await api.create(org, body, what(inputs));
      c.invalidate(scope(r.organization_id));
      return { id: `${r.organization_id}/${r.id}`, outs: outputs(r, inputs) };
    } catch (e) {
      if (c.codeOf(e)?.code !== "already_exists") throw e;
      if (inputs.adopt !== true) throw c.withAdvice(e, `set \`adopt: true\` on this resource to manage the existing ${kind} (pulumi import cannot reach a dynamic provider), or choose another name`);
    }
    const all = await api.list(org).catch((e) => { throw c.explain(e, what(inputs)); });
    const found = all.find((r) => r.name.toLowerCase() === String(inputs.name).toLowerCase());
    if (!found) throw new Error(`${what(inputs)} exists but this token cannot see it: check the token's organization`);
    spec.refuseAdopt?.(found, what(inputs));
    const id = `${found.organization_id}/${found.id}`;
    const patch = patchBody(asInputs(found, inputs), inputs);
    if (!Object.keys(patch).length) return { id, outs: outputs(found, inputs) };
    try {
      const { body: r } = await api.update(found.organization_id, found.id, patch, found.version, what(inputs));
      return { id, outs: outputs(r, inputs) };
    } catch (e) {
      throw new c.PartialError(`${what(inputs)} was adopted but not brought to the declared settings: ${(e as Error).message}`, id, outputs(found, inputs), inputs);
    }
  }

  async function read(id: string, props: c.Props): Promise<dynamic.ReadResult> {
    const [org, own] = c.idParts(id, 2, label) as [string, string];
    const w = what(props, org);
    let r: T | "miss" = await c.fromList(scope(org), own, () => api.list(org), (x) => x.id);
    if (r === "miss") {
      const got = await api.getOrGone(org, own, w);
      if (!got) {
        await c.confirmGone({ op: "getOrganization", id: org }, w);
        return { id: "", props: {} };
      }
      r = got.body;
    }
    return { id, props: outputs(r, props), inputs: { ...c.declaredOnly(props, asInputs(r, props)), ...c.carry(props, PROVIDER_ONLY) } };
  }

  async function update(id: string, olds: c.Props, news: c.Props): Promise<dynamic.UpdateResult> {
    const [org, own] = c.idParts(id, 2, label) as [string, string];
    const w = what(news, org);
    const patch = patchBody(olds, news);
    if (!Object.keys(patch).length) return { outs: { ...olds, ...c.carry(news, PROVIDER_ONLY), organization: news.organization } };
    const r = await withVersion(org, own, olds.version, olds, w, async (v) => (await api.update(org, own, patch, v, w)).body);
    c.invalidate(scope(org));
    return { outs: outputs(r, news) };
  }

  async function del(id: string, props: c.Props): Promise<void> {
    const [org, own] = c.idParts(id, 2, label) as [string, string];
    const w = what(props, org);
    try {
      await withVersion(org, own, props.version, props, w, (v) => api.delete(org, own, v, w));
    } catch (e) {
      const code = c.codeOf(e);
      if (code?.status !== 404) {
        const advice = code && spec.deleteAdvice?.(code.code, code.problem);
        throw advice ? c.withAdvice(e, advice) : e;
      }
    }
    c.invalidate(scope(org));
  }

  return { check, diff, create, read, update, delete: del };
}
