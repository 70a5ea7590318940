// Errors the provider reports to the person running Pulumi: what went wrong, in the program's
// terms (input names, not API fields), and what to do next. One class, ProviderError, with the API
// error (when there is one) as its `cause`; PartialError adds what the host needs to keep a
// half-created resource in the state.
import { fieldLabel } from "../api/common";
import { OrgsApiError } from "../client";
import { preconditionAdvice, tokenAdvice } from "./advice";

/** API field names (JSON pointers) to the resource's input names, for messages. */
export type FieldNames = Record<string, string>;

const BRAND = Symbol.for("orgs.ProviderError");

export class ProviderError extends Error {
  readonly [BRAND] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ProviderError";
  }
  /** The API error behind this one, if any. */
  get api(): OrgsApiError | undefined {
    return apiError(this.cause);
  }
  static isInstance(e: unknown): e is ProviderError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** The API error `e` is or wraps (through ProviderError causes). */
export function apiError(e: unknown): OrgsApiError | undefined {
  if (OrgsApiError.isInstance(e)) return e;
  if (ProviderError.isInstance(e)) return apiError(e.cause);
  return undefined;
}

/** The API error's status, code and problem body, when `e` is or wraps one. */
export function codeOf(e: unknown): { status: number; code: string; problem: Record<string, unknown> } | undefined {
  const a = apiError(e);
  return a && { status: a.status, code: a.code, problem: a.problem };
}

/** An API failure as an error whose message says what went wrong and what to do. */
export function explain(e: unknown, what: string, fields: FieldNames = {}): Error {
  if (!OrgsApiError.isInstance(e)) return e instanceof Error ? e : new ProviderError(`${what}: ${String(e)}`);
  // Field errors name the resource's inputs (roles, not /role_ids); those the detail already says are left out.
  const fieldText = e.errors.filter((f) => !e.detail.includes(f.message)).map((f) => `${fields[f.field] ?? (fieldLabel(f.field) || "body")}: ${f.message}`);
  const detail = e.detail + (fieldText.length ? ` [${fieldText.join("; ")}]` : "");
  const base = `${what}: ${e.code} (${e.status || "no response"}): ${detail}`;
  const advice = adviceFor(e);
  return new ProviderError(advice ? `${base} — ${advice}` : base, { cause: e });
}

function adviceFor(e: OrgsApiError): string {
  if (e.status === 0) return "check orgs:apiUrl (or ORGS_API_URL) and that the org API is running";
  if (e.status === 401) return tokenAdvice();
  if (e.code === "two_factor_required")
    return "the organization requires two-factor authentication: enrol the token's account (`orgs 2fa:enroll`), then run pulumi again";
  // Only the owner and ADMIN members act on admins and on the owner (org-api.md §4 note 1).
  if (e.status === 403 && /(holds|invited with) the ADMIN role|owns the organization/.test(e.detail)) {
    return "run pulumi with a token of the organization's owner or of an ADMIN member for this change, or stop managing this member from this stack with `pulumi state delete`";
  }
  if (e.code === "owner_has_all_permissions" || e.code === "cannot_remove_owner") {
    return (
      "the owner holds every permission and can be neither demoted nor removed: leave roles and permissions out of the owner's Member resource; " +
      "to remove the owner, transfer the ownership first, or stop managing this membership with `pulumi state delete`"
    );
  }
  if (e.code === "project_has_org_scoped_grants") {
    return "grants to the old organization's members, roles and teams cannot move with the project: remove those ProjectAccess resources (or revoke the grants) first, then run pulumi again";
  }
  if (e.status === 403)
    return "the token's account may not make this change: use a token of an account that may (the owner or an ADMIN), or ask one to grant what is missing";
  if (e.status === 412) return preconditionAdvice();
  if (e.code === "invitation_quota_exceeded")
    return "the organization's invitations for the last 24 hours are used up: run `pulumi up` again later; the members already invited are kept";
  if (e.status === 429) return "still rate limited after retrying: run with a lower --parallel or raise the server's limit";
  return "";
}

/** An error whose message is `e`'s with advice appended; the cause is kept. */
export function withAdvice(e: unknown, advice: string): ProviderError {
  return new ProviderError(`${(e as Error).message} — ${advice}`, { cause: ProviderError.isInstance(e) ? e.cause : e });
}

export const ADOPT_ADVICE = "set `adopt: true` on this resource to manage it (pulumi import cannot reach a dynamic provider)";

/** "Adopt it, or …": the refusal of a create that met an existing object. */
export function adoptionRefused(e: unknown, kind: string, orElse = ""): ProviderError {
  return withAdvice(
    e,
    `set \`adopt: true\` on this resource to manage the existing ${kind} (pulumi import cannot reach a dynamic provider)${orElse ? `, or ${orElse}` : ""}`,
  );
}

/**
 * The object exists but a later step of create (or update) failed. The host turns an error with
 * `id` into ErrorResourceInitFailed, so the engine records the resource (with `properties` as
 * outputs) instead of forgetting it; the next `pulumi up` finishes the job.
 */
export class PartialError extends ProviderError {
  readonly reasons: string[];
  readonly properties: Record<string, unknown>;
  /**
   * `request` is the create or update's inputs: the host adds `__provider` to successful results
   * only, and a resource recorded without it could never be read or deleted.
   */
  constructor(
    message: string,
    readonly id: string,
    outputs: object,
    request: object,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.reasons = [message];
    this.properties = { ...outputs, __provider: (request as { __provider?: unknown }).__provider };
  }
}

/**
 * What the dynamic-provider host prints to stderr (which the engine shows beside the step's error)
 * when an error leaves check, diff, update or delete: `${error}: ${error.stack}`. For an expected
 * refusal that line is neither a stack trace nor the message a second time.
 */
export const HOST_LINE = "orgs: a step was refused; the resource's error says why and what to do";

/** True for a refusal the provider expects: its own errors, and the API's answers (or its absence). */
export const isRefusal = (e: unknown): boolean => ProviderError.isInstance(e) || OrgsApiError.isInstance(e);

/**
 * The error a provider step leaves with. An expected refusal is reported once, as its message,
 * never with a JavaScript stack trace: the host sends `message` to the engine, and prints
 * `${error}: ${error.stack}` to stderr for some steps, which here reads as HOST_LINE. Anything
 * else (a bug) keeps its stack.
 */
export function asReported(e: unknown): unknown {
  if (!isRefusal(e)) return e;
  const err = ProviderError.isInstance(e) ? e : new ProviderError((e as Error).message, { cause: e });
  const at = HOST_LINE.indexOf(": ");
  const [name, rest] = [HOST_LINE.slice(0, at), HOST_LINE.slice(at + 2)];
  Object.defineProperty(err, "stack", { value: rest, configurable: true, writable: true });
  Object.defineProperty(err, "toString", { value: () => name, configurable: true, writable: true });
  return err;
}
