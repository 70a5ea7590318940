// The lifecycle every object resource shares (Organization, Project, Role, Team, Member,
// ProjectAccess), written once: check validates (and warns at preview when `adopt` takes over an
// object that exists); create makes the object or, when the server says it exists, adopts it
// (find, refuse what is not the program's, patch to the declared settings, PartialError when that
// patch fails); read finds it through the run's list cache; update and delete are conditional on
// the version in state, retried once when nothing declared moved (withVersion). A resource module
// supplies a spec: its API calls, its outputs, its diff rules and its advice; it overrides a step
// only where the resource really differs (Member re-sends an expired invitation, Project
// transfers). The set resources (Members, ProjectAccessSet) plan and apply instead: provider/set.ts.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { PULUMI_RESOURCES, type PulumiToken } from "../api/pulumi";
import { adoptedInThisRun, recordAdopted, withVersion } from "./call";
import { hasUnknown, validate } from "./check";
import { diffInputs, patchOf, withChange, type DiffOutcome, type FieldRule } from "./diff";
import { adoptionRefused, codeOf, PartialError, withAdvice } from "./errors";
import { orgChange, sameOrganization } from "./refs";
import { declaredKeys, declaredPart, found, gone, redeclared, setKeys } from "./state";
import { warn } from "./warn";

type Rec = Record<string, unknown>;
type Awaitable<T> = T | Promise<T>;

/** The server's object as far as the shared steps need it. */
export interface Versioned {
  version: number;
}

/** What the adoption warning names: the object `adopt` would take over. */
export interface Existing {
  /** How the warning names the resource: "for bob@acme.example", "Developer of acme". */
  subject: string;
  /** The object: "the existing role role_…", "the pending invitation mem_… of acme". */
  what: string;
}

export interface LifecycleSpec<T extends Versioned, I extends Rec, S extends Rec, A, C = undefined> {
  token: PulumiToken;
  inputs: z.ZodType<I>;
  /** The input keys (default: the schema's shape). */
  inputKeys?: readonly string[];
  /** Write-only or provider-only inputs: kept as given, never compared with the server. */
  flags: readonly string[];
  /** The compared fields (the organization reference is compared by what it resolves to, see `organizationRef`). */
  rules: readonly FieldRule[];
  /** The input `organization` names the object's organization by ID or slug: compared by what it resolves to. */
  organizationRef?: boolean;
  /** The object as messages name it; `id` is the resource ID when known. */
  what(p: Partial<S> & Rec, id?: string): string;
  /** How read and delete name the object, from its ID alone (default: `what`). */
  whatStored?(id: string): string;
  /** The resource ID of a server object, and the API address (path parameters) of a resource ID. */
  idOf(r: T): string;
  address(id: string): A;
  /** The outputs for the server's object; `declared` holds the program's references and flags. */
  outputs(r: T, declared: Partial<S> & Rec, keys: readonly string[]): Awaitable<S>;
  /** The change that brings `current` (outputs) to `news` (default: patchOf under `rules`). */
  patchFor?(current: S, news: I): Awaitable<Rec>;
  /** Whether nothing the program declares moved between the state and the server's object (default: `rules` over the outputs). */
  unchangedSince?(r: T, state: S): Awaitable<boolean>;
  /** The outputs an update with nothing to send keeps, beyond the flags (a reference written another way). */
  redeclare?(olds: S, news: I): Rec;

  /** The schema's check (default: validate against `inputs`). */
  validate?(news: Rec): dynamic.CheckResult<I>;
  /** check beyond the schema, once the schema passed. */
  check?(olds: Partial<I>, inputs: I): Promise<dynamic.CheckFailure[]>;
  /** diff beyond `rules` and the organization reference. */
  diff?(d: DiffOutcome, olds: S, news: I, ctx: { id: string; org: "same" | "other" | "unknown" }): Promise<DiffOutcome>;

  create: {
    /** What the create needs resolved first (an organization ID, a principal ID). */
    prepare?(inputs: I, what: string): Promise<C>;
    send(inputs: I, ctx: C, what: string): Promise<T>;
    /** Whether the create's error says the object exists already. */
    exists(e: unknown): boolean;
    /** The refusal when the program did not set `adopt` (default: adoptionRefused with `noun` and `orElse`). */
    refused?(e: unknown, inputs: I, ctx: C, what: string): Promise<Error>;
    noun: string;
    orElse?: string;
    /** The existing object, or an error saying why it cannot be found. */
    find(inputs: I, ctx: C, what: string, conflict: unknown): Promise<T>;
    /** Refuses to adopt what is not the program's to manage (a built-in role, another region). */
    refuseAdopt?(found: T, inputs: I, what: string): void;
    /** How the adoption's messages name the object (default: the create's). */
    whatAdopted?(inputs: I, found: T): string;
    /** "brought to the declared settings". */
    adoptedBut?: string;
  };
  api: {
    get(at: A, what: string): Promise<T>;
    /** The object through the run's read cache; undefined when it is gone (readThrough). */
    read(at: A, what: string, props: Partial<S>): Promise<T | undefined>;
    patch(at: A, patch: Rec, ifMatch: number | undefined, what: string): Promise<T>;
    delete(at: A, ifMatch: number | undefined, what: string): Promise<unknown>;
  };
  /** After a write: this run's reads and lookups start afresh. */
  changed?(r: T, patch?: Rec): void;
  /** After a delete (done, or gone already). */
  deleted?(at: A, props: S): void;
  /** Advice for the server's refusal of a delete, by code. */
  deleteAdvice?(code: string, problem: Rec): string | undefined;
  /** The object a create with `adopt: true` would take over, looked up at preview (undefined: none, or not known yet). */
  existing?(news: Rec): Promise<Existing | undefined>;
  /** What destroy does to an adopted object ("delete it", "remove it from the organization"). */
  removal?: string;
  /** Replaces the update step (the lifecycle's helpers are passed). */
  update?(id: string, olds: S, news: I, h: Helpers<T, I, S, A>): Promise<dynamic.UpdateResult<S>>;
}

/** What an overriding step may use of the lifecycle. */
export interface Helpers<T extends Versioned, I extends Rec, S extends Rec, A> {
  /** A conditional change with the state's version, retried once if nothing declared moved. */
  versioned<R>(at: A, state: S, what: string, attempt: (v: number | undefined) => Promise<R>): Promise<R>;
  outputs(r: T, declared: Partial<S> & Rec, keys: readonly string[]): Promise<S>;
  patchFor(current: S, news: I): Promise<Rec>;
  redeclared(olds: S, news: I, overrides?: Rec): S;
}

/** Whether every value is a string known at preview (what the adoption lookup needs). */
export const known = (...values: unknown[]): boolean => values.every((v) => typeof v === "string" && !hasUnknown(v));

/** The provider steps of one object resource, from its spec. */
export function lifecycle<T extends Versioned, I extends Rec, S extends Rec, A, C = undefined>(spec: LifecycleSpec<T, I, S, A, C>) {
  const { api } = spec;
  const type = spec.token.split(":")[2]!;
  const inputKeys = spec.inputKeys ?? Object.keys((spec.inputs as unknown as z.ZodObject).shape);
  const replaceOnOrg = (PULUMI_RESOURCES[spec.token].replaceOn as readonly string[]).includes("organization");
  const whatStored = (id: string, props: Rec) => spec.whatStored?.(id) ?? spec.what(props as Partial<S> & Rec, id);
  const outputs = async (r: T, declared: Partial<S> & Rec, keys: readonly string[]) => spec.outputs(r, declared, keys);
  const patchFor = async (current: S, news: I): Promise<Rec> => (spec.patchFor ? spec.patchFor(current, news) : patchOf(current, news, spec.rules));
  const unchangedSince = async (r: T, state: S) =>
    spec.unchangedSince ? spec.unchangedSince(r, state) : !diffInputs(await outputs(r, state, []), declaredPart(state, inputKeys), spec.rules).changes;
  const h: Helpers<T, I, S, A> = {
    versioned: (at, state, w, attempt) =>
      withVersion(state.version as number | undefined, attempt, async () => {
        const now = await api.get(at, w);
        return { version: now.version, unchanged: await unchangedSince(now, state) };
      }),
    outputs,
    patchFor,
    redeclared: (olds, news, overrides = {}) => redeclared(olds, news, spec.flags, overrides),
  };
  const isEmpty = (o: object) => Object.keys(o).length === 0;

  async function check(olds: unknown, news: Rec): Promise<dynamic.CheckResult<I>> {
    const r = spec.validate ? spec.validate(news) : validate(spec.inputs, news);
    if (r.failures?.length) return r;
    // A takeover looks like any create in a preview: say so while there is time to review it.
    if (news.adopt === true && isEmpty((olds as object | undefined) ?? {})) await warnIfAdopting(news);
    const failures = (await spec.check?.((olds ?? {}) as Partial<I>, r.inputs!)) ?? [];
    return failures.length ? { inputs: r.inputs, failures } : r;
  }

  /** Warns when a create with `adopt: true` will take over an object that exists. */
  async function warnIfAdopting(news: Rec): Promise<void> {
    if (!spec.existing) return;
    try {
      const e = await spec.existing(news);
      if (!e) return;
      await warn(
        `orgs: the ${type} ${e.subject} adopts ${e.what} (shown as a create): ` +
          "`pulumi up` takes it over and updates it to the program, and `pulumi destroy` (or removing it from the program) " +
          `will ${spec.removal ?? "delete it"}; add the resource option \`retainOnDelete: true\` to leave it there instead`,
      );
    } catch {
      // A check that cannot look says nothing: the create reports what it meets.
    }
  }

  async function diff(id: string, olds: S, news: I): Promise<DiffOutcome> {
    let d = diffInputs(olds, news, spec.rules);
    let org: "same" | "other" | "unknown" = "same";
    if (spec.organizationRef) {
      org = await orgChange(olds, news.organization);
      if (org !== "same") d = withChange(d, "organization", org === "other" && replaceOnOrg);
    }
    return spec.diff ? spec.diff(d, olds, news, { id, org }) : d;
  }

  async function create(inputs: I): Promise<dynamic.CreateResult<S>> {
    const w = spec.what(inputs as Partial<S> & Rec);
    const keys = setKeys(inputs);
    const declared = inputs as Partial<S> & Rec;
    const ctx = (await spec.create.prepare?.(inputs, w)) as C;
    let conflict: unknown;
    try {
      const r = await spec.create.send(inputs, ctx, w);
      spec.changed?.(r);
      return { id: spec.idOf(r), outs: await outputs(r, declared, keys) };
    } catch (e) {
      if (!spec.create.exists(e)) throw e;
      if (inputs.adopt !== true)
        throw spec.create.refused ? await spec.create.refused(e, inputs, ctx, w) : adoptionRefused(e, spec.create.noun, spec.create.orElse);
      conflict = e;
    }
    const existing = await spec.create.find(inputs, ctx, w, conflict);
    spec.create.refuseAdopt?.(existing, inputs, w);
    const id = spec.idOf(existing);
    recordAdopted(id);
    const wa = spec.create.whatAdopted?.(inputs, existing) ?? w;
    const current = await outputs(existing, declared, keys);
    const patch = await patchFor(current, inputs);
    if (isEmpty(patch)) return { id, outs: current };
    try {
      const r = await api.patch(spec.address(id), patch, existing.version, wa);
      spec.changed?.(r, patch);
      return { id, outs: await outputs(r, declared, keys) };
    } catch (e) {
      throw new PartialError(
        `${wa} was adopted but not ${spec.create.adoptedBut ?? "brought to the declared settings"}: ${(e as Error).message}`,
        id,
        current,
        inputs,
        e,
      );
    }
  }

  async function read(id: string, props: S = {} as S): Promise<dynamic.ReadResult<S>> {
    const at = spec.address(id);
    const r = await api.read(at, whatStored(id, props), props);
    if (!r) return gone();
    const keys = declaredKeys(props, inputKeys);
    return found(id, await outputs(r, props, keys), keys);
  }

  async function update(id: string, olds: S, news: I): Promise<dynamic.UpdateResult<S>> {
    if (spec.update) return spec.update(id, olds, news, h);
    const at = spec.address(id);
    const w = spec.what(news as Partial<S> & Rec, id);
    const keys = setKeys(news);
    if (spec.organizationRef) await sameOrganization(olds, news.organization as string, w);
    const patch = await patchFor(olds, news);
    if (isEmpty(patch)) return { outs: h.redeclared(olds, news, spec.redeclare?.(olds, news)) };
    const r = await h.versioned(at, olds, w, (v) => api.patch(at, patch, v, w));
    spec.changed?.(r, patch);
    return { outs: await outputs(r, news as Partial<S> & Rec, keys) };
  }

  async function del(id: string, props: S): Promise<void> {
    // This run's create adopted this same object (a replacement or a renamed resource adopted it).
    if (adoptedInThisRun(id)) return;
    const at = spec.address(id);
    const w = whatStored(id, props);
    try {
      await h.versioned(at, props, w, (v) => api.delete(at, v, w));
    } catch (e) {
      const code = codeOf(e);
      if (code?.status !== 404) {
        const advice = code && spec.deleteAdvice?.(code.code, code.problem);
        throw advice ? withAdvice(e, advice) : e;
      }
    }
    spec.deleted?.(at, props);
  }

  return { check, diff, create, read, update, delete: del };
}
