// What every orgs dynamic provider shares: the serialized shell Pulumi stores in state, the
// configuration (stack config through `configure`, else the environment), the one API client,
// check/diff helpers, error messages that say what to do next, and the per-run read cache.
//
// Pulumi serializes each provider object, with everything its methods capture, into the state
// of every resource, and runs it in a separate host process. So the object `dynamicProvider`
// returns captures two strings and a loader, and each method `require`s this package's compiled
// provider module at call time: the code that runs is the code installed, never a stale copy in
// state (Read and Delete run the serialized provider saved by the previous deployment).
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { OrgsApiError, OrgsClient, type CallArgs, type CallResult } from "./client";
import { fieldLabel } from "../api/common";
import { routes, type OperationId } from "../api/routes";

/** The value the engine sends for an input that is not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export type Props = Record<string, any>;
export type ProviderName = "organization" | "project" | "role" | "team" | "member" | "project-access";

/** What each provider module (provider/<name>.ts) exports. */
export interface ProviderModule {
  check(olds: Props, news: Props): Promise<dynamic.CheckResult>;
  diff(id: string, olds: Props, news: Props): Promise<DiffOutcome>;
  create(inputs: Props): Promise<dynamic.CreateResult>;
  read(id: string, props: Props): Promise<dynamic.ReadResult>;
  update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult>;
  delete(id: string, props: Props): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The serialized shell

/**
 * The provider object a resource class hands to pulumi.dynamic.Resource. Serialized (about 3 KB,
 * sent with every call), it holds the provider's name, the absolute path of the compiled module
 * (a fallback for programs that run from a checkout instead of installing the package) and
 * `loadProvider`.
 */
export function dynamicProvider(name: ProviderName): dynamic.ResourceProvider {
  const at = { name, fallback: implementationPath(name) };
  return {
    configure: (req) => loadProvider(at).configure(req),
    check: (olds, news) => loadProvider(at).check(olds, news),
    diff: (id, olds, news) => loadProvider(at).diff(id, olds, news),
    create: (inputs) => loadProvider(at).create(inputs),
    read: (id, props) => loadProvider(at).read(id, props),
    update: (id, olds, news) => loadProvider(at).update(id, olds, news),
    delete: (id, props) => loadProvider(at).delete(id, props),
  };
}

/**
 * Runs inside the host, serialized by value: it may use only its arguments, `require` and
 * globals. The package installed in the program's directory (the host's working directory) wins;
 * the path recorded at serialization time serves programs that load this package from a
 * checkout. The module found is kept on a global, so later calls skip resolving it.
 */
function loadProvider(at: { name: string; fallback: string }): ProviderModule & { configure(req: dynamic.ConfigureRequest): Promise<void> } {
  const g = globalThis as unknown as Record<string, any>;
  const key = "__orgsProvider:" + at.name;
  if (g[key]) return g[key];
  const request = "orgs/provider/" + at.name;
  try {
    return (g[key] = require(request));
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (!(err && err.code === "MODULE_NOT_FOUND" && String(err.message).indexOf("'" + request + "'") >= 0)) throw e;
  }
  return (g[key] = require(at.fallback));
}

function implementationPath(name: ProviderName): string {
  try {
    return require.resolve(`orgs/provider/${name}`);
  } catch {
    return join(__dirname, `${name}.js`);
  }
}

// ---------------------------------------------------------------------------------------------
// Configuration and the client

let stackConfig: { apiUrl?: string; apiToken?: string } = {};

/**
 * The dynamic provider's configure hook: the engine sends the whole stack configuration, secrets
 * decrypted. It never throws (the host caches a provider before configure settles, so a failure
 * here would surface once and then be forgotten); a missing setting fails each call instead.
 */
export async function configure(req: dynamic.ConfigureRequest): Promise<void> {
  const get = (key: string) => {
    const v = req?.config?.get(key);
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  stackConfig = { apiUrl: get("orgs:apiUrl"), apiToken: get("orgs:apiToken") };
}

let cached: { key: string; client: OrgsClient } | undefined;

/** The API client for the current configuration; rebuilt when the URL or token changes. */
export function api(): OrgsClient {
  const baseUrl = stackConfig.apiUrl ?? process.env.ORGS_API_URL;
  const token = stackConfig.apiToken ?? process.env.ORGS_API_TOKEN;
  if (!baseUrl) throw new Error("the orgs provider has no API URL: run `pulumi config set orgs:apiUrl https://…` or set ORGS_API_URL");
  if (!token) throw new Error("the orgs provider has no API token: run `pulumi config set --secret orgs:apiToken omt_…` or set ORGS_API_TOKEN");
  const key = `${baseUrl}\n${token}`;
  if (cached?.key !== key) {
    // 429 storms during a large `pulumi up` are expected: wait them out, honouring Retry-After,
    // for up to about five minutes per call before giving up.
    cached = { key, client: new OrgsClient({ baseUrl, token, maxRetries: 30, maxRetryWaitMs: 10_000, userAgent: "orgs-pulumi-provider" }) };
    readCache.clear();
  }
  return cached.client;
}

/**
 * One API call, with the error turned into a message for the person running Pulumi. A POST gets
 * one Idempotency-Key for all its attempts (another write, when the caller passes one): the
 * client's retries reuse it, and so does the wait here after a 409 idempotency_key_in_use (the
 * same request still running on the server after a dropped connection), which then replays the
 * first answer instead of repeating the change.
 */
export async function call<K extends OperationId>(op: K, args: CallArgs<K>, what: string, fields: FieldNames = {}): Promise<CallResult<K>> {
  const once = routes[op].method === "POST" && !args.idempotencyKey ? { ...args, idempotencyKey: idempotencyKey() } : args;
  for (let attempt = 0; ; attempt++) {
    try {
      return await api().call(op, once);
    } catch (e) {
      if (OrgsApiError.isInstance(e) && e.code === "idempotency_key_in_use" && attempt < 20) {
        await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
        continue;
      }
      throw explain(e, what, fields);
    }
  }
}

/** A new Idempotency-Key for one logical write, marked as the provider's in the server's records. */
export const idempotencyKey = () => `pulumi-${randomUUID()}`;

/** Like `call`, but a 404 resolves to undefined. */
export async function callOrGone<K extends OperationId>(op: K, args: CallArgs<K>, what: string): Promise<CallResult<K> | undefined> {
  try {
    return await api().call(op, args);
  } catch (e) {
    if (OrgsApiError.isInstance(e) && e.status === 404) return undefined;
    throw explain(e, what);
  }
}

/** API field names (JSON pointers) to the resource's input names, for messages. */
export type FieldNames = Record<string, string>;

/** An API failure as an Error whose message says what went wrong and what to do. */
export function explain(e: unknown, what: string, fields: FieldNames = {}): Error {
  if (!OrgsApiError.isInstance(e)) return e instanceof Error ? e : new Error(`${what}: ${String(e)}`);
  // Field errors name the resource's inputs (roles, not /role_ids); those the detail already says are left out.
  const fieldText = e.errors
    .filter((f) => !e.detail.includes(f.message))
    .map((f) => `${fields[f.field] ?? (fieldLabel(f.field) || "body")}: ${f.message}`);
  const detail = e.detail + (fieldText.length ? ` [${fieldText.join("; ")}]` : "");
  const base = `${what}: ${e.code} (${e.status || "no response"}): ${detail}`;
  let advice = "";
  if (e.status === 0) advice = "check orgs:apiUrl (or ORGS_API_URL) and that the org API is running";
  else if (e.status === 401) advice = "set a valid token with `pulumi config set --secret orgs:apiToken …` or ORGS_API_TOKEN";
  else if (e.status === 403) advice = "the token's account lacks the permission for this change: grant it (e.g. the ADMIN role) or use another token";
  else if (e.status === 412) advice = "it was changed outside Pulumi since the last refresh: run `pulumi refresh`, review the drift, then `pulumi up` again";
  else if (e.code === "invitation_quota_exceeded") advice = "the organization's invitations for the last 24 hours are used up: run `pulumi up` again later; the members already invited are kept";
  else if (e.status === 429) advice = "still rate limited after retrying: run with a lower --parallel or raise the server's limit";
  const err = new Error(advice ? `${base} — ${advice}` : base);
  Object.assign(err, { status: e.status, code: e.code, problem: e.problem });
  return err;
}

/** The API error's code, status and problem body, when `e` is one (or an error made by `explain`). */
export function codeOf(e: unknown): { status: number; code: string; problem: Props } | undefined {
  const x = e as { status?: unknown; code?: unknown; problem?: Props };
  return x && typeof x.status === "number" && typeof x.code === "string" ? { status: x.status, code: x.code, problem: x.problem ?? {} } : undefined;
}

/** An error whose message is `e`'s with advice appended (status and code kept). */
export function withAdvice(e: unknown, advice: string): Error {
  const err = new Error(`${(e as Error).message} — ${advice}`);
  return Object.assign(err, codeOf(e) ?? {});
}

/**
 * A read answered 404. The object is gone only if its organization (or project) is still
 * visible; otherwise the token lost access, and dropping the resource from state would be wrong.
 */
export async function confirmGone(parent: { op: "getOrganization" | "getProject"; id: string }, what: string): Promise<void> {
  const params: Record<string, string> = parent.op === "getOrganization" ? { org: parent.id } : { project_id: parent.id };
  const seen = await callOrGone(parent.op, { params }, parent.id);
  if (!seen) {
    throw new Error(`${what} answers 404, and so does ${parent.id}: this token's account cannot see it any more (removed, or it was deleted). Nothing was dropped from the state: fix the token's access, or if ${parent.id} is really gone, remove these resources with \`pulumi state delete\``);
  }
}

/** Splits a composite resource ID (org_…/mem_…) into its parts, checking their count. */
export function idParts(id: string, n: number, what: string): string[] {
  const parts = id.split("/");
  if (parts.length !== n || parts.some((p) => !p)) throw new Error(`${what}: the ID ${id} is not of the form ${n === 2 ? "org_…/<id>" : "prj_…/<type>/<id>"}`);
  return parts;
}

/**
 * The object exists but a later step of create (or update) failed. The host turns an error with `id` into
 * ErrorResourceInitFailed, so the engine records the resource (with `properties` as outputs)
 * instead of forgetting it; the next `pulumi up` updates it.
 */
export class PartialError extends Error {
  readonly reasons: string[];
  readonly properties: Props;
  /**
   * `request` is the create or update's inputs: the host adds `__provider` to successful results
   * only, and a resource recorded without it could never be read or deleted.
   */
  constructor(message: string, readonly id: string, outputs: Props, request: Props) {
    super(message);
    this.reasons = [message];
    this.properties = { ...outputs, __provider: request.__provider };
  }
}

// ---------------------------------------------------------------------------------------------
// check

/** True when `v` is, or contains, a value unknown during preview. */
export function hasUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v && typeof v === "object") return Object.values(v).some(hasUnknown);
  return false;
}

function at(v: unknown, path: readonly PropertyKey[]): unknown {
  let cur = v as any;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = cur[k as any];
  }
  return cur;
}

export const propertyPath = (path: readonly PropertyKey[]) => path.map(String).join(".");

/**
 * Validates the program's inputs with the resource's schema from api/pulumi.ts: every failure,
 * each with its property path, and none about values that are still unknown (preview).
 */
export function validate(schema: z.ZodType, news: Props, extra?: (inputs: Props) => dynamic.CheckFailure[]): dynamic.CheckResult {
  const inputs = withoutProvider(news);
  const failures: dynamic.CheckFailure[] = [];
  const result = schema.safeParse(inputs);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) failures.push({ property: propertyPath([...issue.path, key]), reason: `unknown property ${key}: remove it (see the resource's documented inputs)` });
        continue;
      }
      if (hasUnknown(at(inputs, issue.path))) continue;
      failures.push({ property: propertyPath(issue.path) || "(inputs)", reason: issue.message });
    }
  }
  if (extra) failures.push(...extra(inputs).filter((f) => !hasUnknown(at(inputs, f.property.split(".")))));
  return { inputs, failures };
}

export function withoutProvider(p: Props): Props {
  const { __provider: _, ...rest } = p ?? {};
  return rest;
}

// ---------------------------------------------------------------------------------------------
// diff

export interface FieldRule {
  key: string;
  /** A change replaces the resource. */
  replace?: boolean;
  /** Equality for this field (default: canonical JSON equality). */
  eq?: (old: any, next: any, olds: Props) => boolean;
}

/** What diff returns: the host forwards changes, replaces and deleteBeforeReplace; diffs stays here. */
export interface DiffOutcome extends dynamic.DiffResult {
  /** The changed input keys. Pulumi's dynamic-provider host drops detailed diffs; kept for tests and logs. */
  diffs: string[];
}

/**
 * Compares the state (previous outputs, which hold the server's values after a refresh) with the
 * checked inputs. Pure: no API call. An input the program leaves out is not managed, so it never
 * differs; an input not known yet (preview) counts as a change.
 */
export function diffInputs(olds: Props, news: Props, rules: FieldRule[]): DiffOutcome {
  const diffs: string[] = [];
  const replaces: string[] = [];
  for (const r of rules) {
    const next = news[r.key];
    if (next === undefined) continue;
    const changed = hasUnknown(next) || !(r.eq ? r.eq(olds[r.key], next, olds) : sameJson(olds[r.key], next));
    if (!changed) continue;
    diffs.push(r.key);
    if (r.replace) replaces.push(r.key);
  }
  return { changes: diffs.length > 0, replaces, deleteBeforeReplace: false, diffs };
}

/** The PATCH body that brings `current` to `news`: the keys that differ under `rules`, by their API names. */
export function patchOf(current: Props, news: Props, rules: FieldRule[], apiNames: Record<string, string> = {}): Props {
  return Object.fromEntries(diffInputs(current, news, rules).diffs.map((k) => [apiNames[k] ?? k, news[k]]));
}

export const sameJson = (a: unknown, b: unknown) => canonical(a ?? null) === canonical(b ?? null);
/** Sets: order and duplicates don't matter. */
export const sameSet = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b) && canonical([...new Set(a)].sort()) === canonical([...new Set(b)].sort());
/** An organization named by ID or slug: the old reference as written, or the ID it resolved to. */
export const sameOrg = (old: unknown, next: unknown, olds: Props) => next === old || next === olds.organizationId;

export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v).filter((k) => (v as Props)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Props)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

/** Keeps the keys the program declared (present in `declared`), with the server's values. */
export function declaredOnly(declared: Props, server: Props): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(server)) if (declared[k] !== undefined) out[k] = v;
  return out;
}

/** Copies provider-only flags (adopt, …) from the inputs or the previous state, when set. */
export function carry(from: Props, keys: readonly string[]): Props {
  const out: Props = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

// ---------------------------------------------------------------------------------------------
// read: the per-run list cache

const READS_BEFORE_LISTING = 25;
const CACHE_TTL_MS = 60_000;
const readCache = new Map<string, { reads: number; at: number; items?: Promise<Map<string, unknown>> }>();

/**
 * During `pulumi refresh` the engine reads every resource; past a few reads in one scope (an
 * organization's members, a project's grants) one paged list answers them all. The cache lives in
 * the host process, which lives for one engine run, expires after a minute, and is dropped on any
 * change this provider makes in that scope: a refresh never sees an older run's answer.
 * Returns the item, or "miss" when the caller should ask for it directly (which also confirms a
 * disappearance).
 */
export async function fromList<T>(scope: string, id: string, list: () => Promise<T[]>, keyOf: (t: T) => string): Promise<T | "miss"> {
  const now = Date.now();
  let entry = readCache.get(scope);
  if (!entry || now - entry.at > CACHE_TTL_MS) {
    entry = { reads: 0, at: now };
    readCache.set(scope, entry);
  }
  entry.reads++;
  if (!entry.items) {
    if (entry.reads <= READS_BEFORE_LISTING) return "miss";
    const e = entry;
    e.at = now;
    e.items = list().then((items) => new Map(items.map((t) => [keyOf(t), t])));
    e.items.catch(() => { if (readCache.get(scope) === e) readCache.delete(scope); });
  }
  try {
    return ((await entry.items!).get(id) as T | undefined) ?? "miss";
  } catch {
    return "miss";
  }
}

/** Drops what the read cache holds for a scope (after a change in it). */
export function invalidate(scope: string): void {
  readCache.delete(scope);
}

// ---------------------------------------------------------------------------------------------
// update and delete: If-Match

/**
 * Runs a conditional change with the version from state. On 412 it re-reads the object: when no
 * declared field changed outside Pulumi (the version moved for another reason, e.g. the invitee
 * accepted), it retries once with the current version; otherwise the 412 stands, with its advice
 * to refresh.
 */
export async function withVersion<T>(
  version: number | undefined,
  attempt: (version: number | undefined) => Promise<T>,
  current: () => Promise<{ version: number; unchanged: boolean }>,
): Promise<T> {
  try {
    return await attempt(version);
  } catch (e) {
    if (codeOf(e)?.status !== 412) throw e;
    const now = await current();
    if (!now.unchanged) throw e;
    return attempt(now.version);
  }
}
