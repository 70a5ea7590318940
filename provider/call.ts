// One API call as the provider makes it: errors explained in the program's terms, one
// Idempotency-Key per logical write, conditional writes with the version in state, and what a
// 404 on a read means.
import { randomUUID } from "node:crypto";
import { routes, type OperationId } from "../api/routes";
import { OrgsApiError, type CallArgs, type CallResult, type ItemOf } from "../client";
import { api } from "./config";
import { codeOf, explain, ProviderError, type FieldNames } from "./errors";
import { fromList } from "./read-cache";
import { stepDeadline } from "./steps";

/** A new Idempotency-Key for one logical write, marked as the provider's in the server's records. */
export const idempotencyKey = () => `pulumi-${randomUUID()}`;

/**
 * One API call, with the error turned into a message for the person running Pulumi. A POST gets
 * one Idempotency-Key for all its attempts (another write, when the caller passes one): the
 * client's retries reuse it, and so does the wait here after a 409 idempotency_key_in_use (the
 * same request still running on the server after a dropped connection), which then replays the
 * first answer instead of repeating the change.
 */
export async function call<K extends OperationId>(op: K, args: CallArgs<K>, what: string, fields: FieldNames = {}): Promise<CallResult<K>> {
  const keyed = routes[op].method === "POST" && !args.idempotencyKey ? { ...args, idempotencyKey: idempotencyKey() } : args;
  const once = withDeadline(keyed);
  for (let attempt = 0; ; attempt++) {
    try {
      return await api().call(op, once);
    } catch (e) {
      if (OrgsApiError.isInstance(e) && e.code === "idempotency_key_in_use" && attempt < 20 && Date.now() < (once.deadline ?? Infinity)) {
        await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
        continue;
      }
      throw explain(e, what, fields);
    }
  }
}

/** The call's arguments with the running step's deadline (provider/steps.ts): one retry bound for the whole step. */
function withDeadline<K extends OperationId>(args: CallArgs<K>): CallArgs<K> {
  const deadline = stepDeadline();
  return deadline === undefined || args.deadline !== undefined ? args : { ...args, deadline };
}

/** Every item of a paged list, within the running step's retry bound (errors as the client throws them). */
export function listAll<K extends OperationId>(op: K, args: CallArgs<K>): Promise<ItemOf<K>[]> {
  return api().listAll(op, withDeadline(args));
}

/** A read: the answer, or the 404 that came instead (every other failure throws, explained). */
export async function readOr404<K extends OperationId>(op: K, args: CallArgs<K>, what: string): Promise<CallResult<K> | OrgsApiError> {
  try {
    return await api().call(op, withDeadline(args));
  } catch (e) {
    if (OrgsApiError.isInstance(e) && e.status === 404) return e;
    throw explain(e, what);
  }
}

export type Parent = { kind: "organization"; id: string } | { kind: "project"; id: string };

/**
 * Decides what a read's 404 means, or throws when it cannot tell. Gone: the server says the
 * object (or the organization or project it lives in) was deleted (404 `deleted`), or its parent
 * is still visible. Anything else — the token's account removed from the organization, a token
 * restricted to other organizations, a project moved to an organization it cannot see — would
 * drop from the state something that still exists, so it is an error with advice instead.
 */
export async function confirmGone(missing: OrgsApiError, what: string, parent?: Parent): Promise<void> {
  if (missing.code === "deleted") return;
  if (parent) {
    const seen = await readOr404(
      parent.kind === "organization" ? "getOrganization" : "getProject",
      { params: parent.kind === "organization" ? { org: parent.id } : { project_id: parent.id } },
      `${parent.kind} ${parent.id}`,
    );
    if (!OrgsApiError.isInstance(seen) || seen.code === "deleted") return;
  }
  const where = parent ? `, and so does its ${parent.kind} ${parent.id}` : "";
  throw new ProviderError(
    `${what} answers 404${where}, and the server does not say it was deleted: the token's account cannot see it (removed from the organization, ` +
      `a token restricted to other organizations, or a project moved to an organization it cannot see). Nothing was dropped from the state: ` +
      "fix the token's access and run pulumi again; if it is really gone, remove it from the state with `pulumi state delete`",
    { cause: missing },
  );
}

/** Where a read looks for an object: its scope's list (for many reads in one run), or the object itself. */
export interface ReadPlan<T> {
  /** The list's scope and the object's key in it; no scope: always asked for directly. */
  list?: { scope: string; key: string; all: () => Promise<T[]>; keyOf: (t: T) => string };
  get: () => Promise<CallResult<never> | { body: T } | OrgsApiError>;
  what: string;
  /** Whose visibility decides what a 404 means (see confirmGone). */
  parent?: Parent;
}

/** The server's object, or undefined when it is gone (a 404 that cannot be told apart from "not visible" throws). */
export async function readThrough<T>(plan: ReadPlan<T>): Promise<T | undefined> {
  if (plan.list) {
    const listed = await fromList(plan.list.scope, plan.list.key, plan.list.all, plan.list.keyOf);
    if (listed !== "miss") return listed;
  }
  const got = await plan.get();
  if (!OrgsApiError.isInstance(got)) return got.body as T;
  await confirmGone(got, plan.what, plan.parent);
  return undefined;
}

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

/** Splits a composite resource ID (org_…/mem_…) into its parts, checking their count. */
export function idParts(id: string, n: 2, what: string): [string, string];
export function idParts(id: string, n: 3, what: string): [string, string, string];
export function idParts(id: string, n: number, what: string): string[] {
  const parts = id.split("/");
  if (parts.length !== n || parts.some((p) => !p))
    throw new ProviderError(`${what}: the ID ${id} is not of the form ${n === 2 ? "org_…/<id>" : "prj_…/<type>/<id>"}`);
  return parts;
}

// Pulumi deletes a replaced resource even when the replacement's create returned the same object
// (pulumi/pulumi#15982), and a resource renamed in the program without an alias is created anew
// before the old name is deleted. Either way, when the create adopted the existing object, the
// delete would remove what the program still declares. Only adoption can return an existing
// object (a create that makes one gets a new ID; IDs are never reused), so adoptions record their
// IDs for the host process, which lives for one engine run, and a delete of one of them is skipped.
const adoptedThisRun = new Set<string>();

export function recordAdopted(id: string): void {
  adoptedThisRun.add(id);
}

/** True when this run's create adopted the object with this ID: deleting it is never right. */
export function adoptedInThisRun(id: string): boolean {
  return adoptedThisRun.has(id);
}
