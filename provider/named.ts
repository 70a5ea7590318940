// What the Role and Team providers share: both are a named object of one organization (ID
// org_…/<id>, another organization replaces it, the name is unique case-insensitively), with the
// same lifecycle. Each resource module supplies its schema, its extra fields, its API calls and
// the advice for its own refusals; the steps are written once, here.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { PULUMI_RESOURCES, type PulumiToken } from "../api/pulumi";
import { adoptedInThisRun, idParts, readThrough, recordAdopted, withVersion } from "./call";
import { OrgsApiError } from "../client";
import { hasUnknown, validate } from "./check";
import { diffInputs, patchOf, sameText, withChange, type DiffOutcome, type FieldRule } from "./diff";
import { adoptionRefused, codeOf, explain, PartialError, ProviderError, withAdvice } from "./errors";
import { invalidate } from "./read-cache";
import { forgetCatalog, orgChange, planName, sameOrganization, type Named } from "./refs";
import { carry, DECLARED, declaredKeys, declaredPart, found, gone, outputsOf, redeclared, setKeys } from "./state";

/** The server's view of a role or a team, as far as the shared steps need it. */
export interface NamedObject {
  id: string;
  organization_id: string;
  name: string;
  description: string;
  version: number;
}

/** The inputs both resources have. */
export interface NamedInputs {
  organization: string;
  name: string;
  description?: string;
  adopt?: boolean;
}

/** The outputs both resources have, plus the object's own ID under `idOutput`. */
export interface NamedState extends NamedInputs {
  organizationId: string;
  version: number;
  [DECLARED]?: string[];
}

export interface NamedSpec<T extends NamedObject, I extends NamedInputs> {
  kind: Named;
  token: PulumiToken;
  inputs: z.ZodType<I>;
  /** The output that carries the object's own ID (roleId, teamId). */
  idOutput: "roleId" | "teamId";
  /** Compared fields beyond name and description. */
  extraRules?: FieldRule<Exclude<keyof I & string, keyof NamedInputs>>[];
  /** Server fields beyond name and description, as inputs (sets in the order `declared` gives them). */
  extraInputs?: (r: T, declared?: Partial<I>) => Partial<I>;
  /** The create body beyond name and description. */
  extraCreateBody?: (inputs: I) => Record<string, unknown>;
  /** Refuses to adopt objects that are not the program's to manage (built-in roles). */
  refuseAdopt?: (found: T, what: string) => void;
  /** Advice for the server's refusal of a delete (a 409), by code. */
  deleteAdvice?: (code: string, problem: Record<string, unknown>) => string | undefined;
  api: {
    create(org: string, body: Record<string, unknown>, what: string): Promise<{ body: T }>;
    list(org: string): Promise<T[]>;
    get(org: string, id: string, what: string): Promise<{ body: T }>;
    getOr404(org: string, id: string, what: string): Promise<{ body: T } | OrgsApiError>;
    update(org: string, id: string, patch: Record<string, unknown>, ifMatch: number | undefined, what: string): Promise<{ body: T }>;
    delete(org: string, id: string, ifMatch: number | undefined, what: string): Promise<unknown>;
  };
}

const FLAGS = ["adopt"] as const;

/** The six provider steps for a named object of an organization. */
export function namedProvider<T extends NamedObject, I extends NamedInputs, S extends NamedState = NamedState & I>(spec: NamedSpec<T, I>) {
  const { kind, api } = spec;
  const label = kind[0]!.toUpperCase() + kind.slice(1);
  const inputKeys = Object.keys((spec.inputs as unknown as z.ZodObject).shape);
  const replaceOnOrg = (PULUMI_RESOURCES[spec.token].replaceOn as readonly string[]).includes("organization");
  const RULES: FieldRule[] = [{ key: "name" }, { key: "description", eq: sameText }, ...(spec.extraRules ?? [])];
  const scope = (org: string) => `${kind}s:${org}`;
  const what = (o: object, org?: string) => {
    const p = o as Partial<NamedState> & Record<string, unknown>;
    return `${kind} ${p.name ?? p[spec.idOutput]} in ${org ?? p.organizationId ?? p.organization}`;
  };
  const serverInputs = (r: T, organization: string, declared?: Partial<I>) => ({
    organization,
    name: r.name,
    description: r.description,
    ...spec.extraInputs?.(r, declared),
  });
  const outputs = (r: T, declared: Partial<I>, keys: readonly string[]): S => {
    return outputsOf(serverInputs(r, declared.organization ?? r.organization_id, declared), keys, carry(declared, FLAGS), {
      organizationId: r.organization_id,
      [spec.idOutput]: r.id,
      version: r.version,
    }) as unknown as S;
  };
  const patchBody = (current: object, news: I) => patchOf(current, news, RULES);
  /** A conditional change with the version in state, retried once if nothing declared moved. */
  const versioned = <R>(org: string, id: string, state: S, w: string, attempt: (v: number | undefined) => Promise<R>) =>
    withVersion(state.version, attempt, async () => {
      const { body } = await api.get(org, id, w);
      return { version: body.version, unchanged: !diffInputs(serverInputs(body, state.organization), declaredPart(state, inputKeys), RULES).changes };
    });
  /** After a change: this run's reads and name lookups in the organization start afresh. */
  const changed = (org: string) => {
    invalidate(scope(org));
    forgetCatalog(kind, org);
  };

  async function check(_olds: unknown, news: Record<string, unknown>): Promise<dynamic.CheckResult<I>> {
    const r = validate(spec.inputs, news);
    // This run makes (or renames to) this name: a Member or grant naming it is not refused at preview.
    const { organization, name } = r.inputs as Partial<I>;
    if (typeof organization === "string" && typeof name === "string" && !hasUnknown(organization) && !hasUnknown(name)) planName(kind, organization, name);
    return r;
  }

  async function diff(_id: string, olds: S, news: I): Promise<DiffOutcome> {
    const d = diffInputs(olds, news, RULES);
    const org = await orgChange(olds, news.organization);
    return org === "same" ? d : withChange(d, "organization", org === "other" && replaceOnOrg);
  }

  async function create(inputs: I): Promise<dynamic.CreateResult<S>> {
    const org = inputs.organization;
    const w = what(inputs);
    const keys = setKeys(inputs);
    const body = { name: inputs.name, ...(inputs.description !== undefined ? { description: inputs.description } : {}), ...spec.extraCreateBody?.(inputs) };
    try {
      const { body: r } = await api.create(org, body, w);
      changed(r.organization_id);
      const id = `${r.organization_id}/${r.id}`;
      return { id, outs: outputs(r, inputs, keys) };
    } catch (e) {
      if (codeOf(e)?.code !== "already_exists") throw e;
      if (inputs.adopt !== true) throw adoptionRefused(e, kind, "choose another name");
    }
    const all = await api.list(org).catch((e) => {
      throw explain(e, w);
    });
    const found = all.find((r) => r.name.toLowerCase() === String(inputs.name).toLowerCase());
    if (!found) throw new ProviderError(`${w} exists but this token cannot see it: check the token's organization`);
    spec.refuseAdopt?.(found, w);
    const id = `${found.organization_id}/${found.id}`;
    recordAdopted(id);
    const current = outputs(found, inputs, keys);
    const patch = patchBody(current, inputs);
    if (!Object.keys(patch).length) return { id, outs: current };
    try {
      const { body: r } = await api.update(found.organization_id, found.id, patch, found.version, w);
      changed(found.organization_id);
      return { id, outs: outputs(r, inputs, keys) };
    } catch (e) {
      throw new PartialError(`${w} was adopted but not brought to the declared settings: ${(e as Error).message}`, id, current, inputs, e);
    }
  }

  async function read(id: string, props: S = {} as S): Promise<dynamic.ReadResult<S>> {
    const [org, own] = idParts(id, 2, label);
    const w = what(props, org);
    const r = await readThrough<T>({
      list: { scope: scope(org), key: own, all: () => api.list(org), keyOf: (x) => x.id },
      get: () => api.getOr404(org, own, w),
      what: w,
      parent: { kind: "organization", id: org },
    });
    if (!r) return gone();
    const keys = declaredKeys(props, inputKeys);
    return found(id, outputs(r, props as unknown as Partial<I>, keys), keys);
  }

  async function update(id: string, olds: S, news: I): Promise<dynamic.UpdateResult<S>> {
    const [org, own] = idParts(id, 2, label);
    const w = what(news, org);
    const keys = setKeys(news);
    await sameOrganization(olds, news.organization, w);
    const patch = patchBody(olds, news);
    if (!Object.keys(patch).length) return { outs: redeclared(olds, news, FLAGS, { organization: news.organization }) };
    const r = await versioned(org, own, olds, w, async (v) => (await api.update(org, own, patch, v, w)).body);
    changed(org);
    return { outs: outputs(r, news, keys) };
  }

  async function del(id: string, props: S): Promise<void> {
    // This run's create adopted this same object (a replacement or a renamed resource adopted it).
    if (adoptedInThisRun(id)) return;
    const [org, own] = idParts(id, 2, label);
    const w = what(props, org);
    try {
      await versioned(org, own, props, w, (v) => api.delete(org, own, v, w));
    } catch (e) {
      const code = codeOf(e);
      if (code?.status !== 404) {
        const advice = code && spec.deleteAdvice?.(code.code, code.problem);
        throw advice ? withAdvice(e, advice) : e;
      }
    }
    changed(org);
  }

  return { check, diff, create, read, update, delete: del };
}
