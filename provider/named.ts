// What the Role and Team providers share: both are a named object of one organization (ID
// org_…/<id>, another organization replaces it, the name is unique case-insensitively). Each
// resource module supplies its schema, its extra fields, its API calls and the advice for its own
// refusals; this file makes them one lifecycle spec (provider/lifecycle.ts, where the steps are).
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import type { PulumiToken } from "../api/pulumi";
import { idParts, readThrough } from "./call";
import { OrgsApiError } from "../client";
import { sameText, type FieldRule } from "./diff";
import { codeOf, explain, ProviderError } from "./errors";
import { known, lifecycle } from "./lifecycle";
import { invalidate } from "./read-cache";
import { forgetCatalog, orgIdOf, planName, type Named } from "./refs";
import { carry, DECLARED, outputsOf } from "./state";

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
  const RULES: FieldRule[] = [{ key: "name" }, { key: "description", eq: sameText }, ...(spec.extraRules ?? [])];
  const scope = (org: string) => `${kind}s:${org}`;
  const what = (o: object, id?: string) => {
    const p = o as Partial<NamedState> & Record<string, unknown>;
    return `${kind} ${p.name ?? p[spec.idOutput]} in ${id?.split("/")[0] ?? p.organizationId ?? p.organization}`;
  };
  const serverInputs = (r: T, organization: string, declared?: Partial<I>) => ({
    organization,
    name: r.name,
    description: r.description,
    ...spec.extraInputs?.(r, declared),
  });
  /** After a change: this run's reads and name lookups in the organization start afresh. */
  const changed = (org: string) => {
    invalidate(scope(org));
    forgetCatalog(kind, org);
  };
  const byName = (all: T[], name: unknown) => all.find((r) => r.name.toLowerCase() === String(name).toLowerCase());

  const steps = lifecycle<T, I & Record<string, unknown>, S & Record<string, unknown>, [string, string]>({
    token: spec.token,
    inputs: spec.inputs as unknown as z.ZodType<I & Record<string, unknown>>,
    flags: FLAGS,
    rules: RULES,
    organizationRef: true,
    what,
    idOf: (r) => `${r.organization_id}/${r.id}`,
    address: (id) => idParts(id, 2, label),
    outputs: (r, declared, keys) =>
      outputsOf(serverInputs(r, (declared.organization as string | undefined) ?? r.organization_id, declared as Partial<I>), keys, carry(declared, FLAGS), {
        organizationId: r.organization_id,
        [spec.idOutput]: r.id,
        version: r.version,
      }) as unknown as S & Record<string, unknown>,
    redeclare: (_olds, news) => ({ organization: news.organization }),
    create: {
      send: async (inputs, _ctx, w) => {
        const body = { name: inputs.name, ...(inputs.description !== undefined ? { description: inputs.description } : {}), ...spec.extraCreateBody?.(inputs) };
        return (await api.create(inputs.organization, body, w)).body;
      },
      exists: (e) => codeOf(e)?.code === "already_exists",
      noun: kind,
      orElse: "choose another name",
      async find(inputs, _ctx, w) {
        const all = await api.list(inputs.organization).catch((e) => {
          throw explain(e, w);
        });
        const found = byName(all, inputs.name);
        if (!found) throw new ProviderError(`${w} exists but this token cannot see it: check the token's organization`);
        return found;
      },
      refuseAdopt: spec.refuseAdopt && ((found, _inputs, w) => spec.refuseAdopt!(found, w)),
    },
    api: {
      get: async ([org, own], w) => (await api.get(org, own, w)).body,
      read: ([org, own], w) =>
        readThrough<T>({
          list: { scope: scope(org), key: own, all: () => api.list(org), keyOf: (x) => x.id },
          get: () => api.getOr404(org, own, w),
          what: w,
          parent: { kind: "organization", id: org },
        }),
      patch: async ([org, own], patch, ifMatch, w) => (await api.update(org, own, patch, ifMatch, w)).body,
      delete: ([org, own], ifMatch, w) => api.delete(org, own, ifMatch, w),
    },
    changed: (r) => changed(r.organization_id),
    deleted: ([org]) => changed(org),
    deleteAdvice: spec.deleteAdvice,
    async existing(news) {
      if (!known(news.organization, news.name)) return undefined;
      const org = await orgIdOf(String(news.organization));
      if (!org) return undefined;
      const r = byName(await api.list(org), news.name);
      return r && { subject: `${r.name} of ${news.organization}`, what: `the existing ${kind} ${r.id}` };
    },
  });

  return {
    ...steps,
    async check(olds: unknown, news: Record<string, unknown>): Promise<dynamic.CheckResult<I>> {
      // This run makes (or renames to) this name: a Member or grant naming it is not refused at preview.
      const { organization, name } = news as Partial<I>;
      if (known(organization, name)) planName(kind, organization!, name!);
      return steps.check(olds, news) as Promise<dynamic.CheckResult<I>>;
    },
  };
}
