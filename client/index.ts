// The one HTTP client of the org API, shared by the Pulumi provider and the CLI. HTTP policy is
// composed undici interceptors on a keep-alive Agent (retries with Retry-After for 429/503 and
// connection resets, bounded); the dispatcher can be injected (tests pass a MockAgent).
import { randomUUID } from "node:crypto";
import { Agent, interceptors, type Dispatcher } from "undici";
import { fieldLabel, type Problem } from "../api/common";
import { pathParams, routes, type BodyOf, type OperationId, type QueryOf, type ResponseOf, type RouteDef } from "../api/routes";

const BRAND = Symbol.for("orgs.OrgsApiError");

/** A failed API call: the server's problem (code, detail, field errors), or a transport failure. */
export class OrgsApiError extends Error {
  readonly [BRAND] = true;
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly problem: Partial<Problem> & Record<string, unknown> = {},
  ) {
    super(formatProblem({ ...problem, status, code, detail }));
    this.name = "OrgsApiError";
  }
  get errors() {
    return this.problem.errors ?? [];
  }
  static isInstance(e: unknown): e is OrgsApiError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** One readable line: `already_member (409): alice@x is already invited [email: is taken]`. */
export function formatProblem(p: { status?: number; code?: string; detail?: string; errors?: { field: string; message: string }[] }): string {
  const detail = p.detail ?? "";
  // Field errors the detail already spells out are not repeated.
  const extra = (p.errors ?? []).map((e) => `${fieldLabel(e.field) || "body"}: ${e.message}`).filter((text) => !detail.includes(text));
  const fields = extra.length ? ` [${extra.join("; ")}]` : "";
  return `${p.code ?? "error"} (${p.status ?? "?"}): ${detail}${fields}`;
}

export interface ClientOptions {
  baseUrl: string;
  token?: string;
  /** Injected dispatcher (a MockAgent in fault tests); by default a keep-alive Agent with retries. */
  dispatcher?: Dispatcher;
  /** Retries after 429, 503, 502, 504 and connection errors; waits honour Retry-After. */
  maxRetries?: number;
  /** The longest single wait between retries (also caps Retry-After), in ms. */
  maxRetryWaitMs?: number;
  /** The longest a call keeps retrying, in all, in ms (default 60 s; a call's `deadline` can end it sooner). */
  maxRetryTimeMs?: number;
  /** How long a call keeps retrying when no server has answered this client yet and none answers now (connection refused, unknown host), in ms (default 3 s). */
  connectRetryMs?: number;
  /** Per-request headers and body timeout, in ms. */
  timeoutMs?: number;
  connections?: number;
  userAgent?: string;
}

export interface CallArgs<K extends OperationId> {
  params?: Record<string, string>;
  query?: QueryOf<K> | Record<string, string | number | undefined>;
  body?: BodyOf<K>;
  /** Sent as If-Match (a version number or an ETag). */
  ifMatch?: number | string;
  ifNoneMatch?: string;
  /**
   * POSTs always carry an Idempotency-Key; pass one to reuse it across your own retries, or to
   * make another write replayable (a create-only PUT retried after it committed answers as the
   * first time, not 412).
   */
  idempotencyKey?: string;
  headers?: Record<string, string>;
  /** When retries of this call must end (epoch ms): a caller's bound over several calls. */
  deadline?: number;
  /** This call's per-attempt headers and body timeout, in ms (default: the client's `timeoutMs`); see bulkTimeoutMs. */
  timeoutMs?: number;
}

export interface CallResult<K extends OperationId> {
  status: number;
  body: ResponseOf<K>;
  headers: Record<string, string | string[] | undefined>;
}

const RETRY_STATUS = [429, 502, 503, 504];
/** Nobody answers at this address: a wrong URL, or a server down. Retried for seconds only. */
const CONNECT_ERRORS = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETDOWN", "ENETUNREACH", "EHOSTDOWN", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"];
/** A server that is there dropped the request (a restart, a reset): retried like a 503. */
const DROP_ERRORS = ["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_HEADERS_TIMEOUT"];
const RETRY_ERRORS = [...CONNECT_ERRORS, ...DROP_ERRORS];

/** What each request carries for the retry policy (undici passes dispatch options through). */
interface RetryClock {
  /** When the call's first attempt started (epoch ms). */
  startedAt?: number;
  /** When its retries must end (epoch ms). */
  retryUntil?: number;
  /** This client has had an answer from the server before: a refused connection is then a restart, retried like a reset. */
  answeredBefore?: boolean;
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date); undefined when absent or unreadable. */
function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === "") return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v) - Date.now();
  return Number.isNaN(ms) ? undefined : Math.max(0, ms);
}

/**
 * The retry policy: 429, 502, 503, 504 and connection errors, exponential backoff, honouring
 * Retry-After, bounded. Unlike undici's default decision, a Retry-After longer than the longest
 * wait is not shortened and retried: the server said when (an exhausted invitation quota frees
 * up hours later), so its answer is returned at once instead of after a string of doomed retries.
 */
export function retryPolicy(o: Pick<ClientOptions, "maxRetries" | "maxRetryWaitMs" | "connectRetryMs"> = {}): Dispatcher.DispatcherComposeInterceptor {
  const maxRetries = o.maxRetries ?? 8;
  const maxWait = o.maxRetryWaitMs ?? 10_000;
  const connectRetry = o.connectRetryMs ?? 3_000;
  return interceptors.retry({
    maxRetries,
    // Every method: POSTs carry an Idempotency-Key, the rest are idempotent by design.
    methods: ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "POST"],
    statusCodes: RETRY_STATUS,
    errorCodes: RETRY_ERRORS,
    // When retries end, the caller gets the server's last answer (its problem body), not a bare
    // "retries exhausted".
    throwOnError: false,
    retry(err, { state, opts }, callback) {
      const { statusCode, code, headers } = err as Error & { statusCode?: number; code?: string; headers?: Record<string, string | string[] | undefined> };
      const retriable = statusCode != null ? RETRY_STATUS.includes(statusCode) : code === undefined || RETRY_ERRORS.includes(code);
      if (!retriable || state.counter > maxRetries) return callback(err);
      const after = retryAfterMs(headers?.["retry-after"]);
      if (after !== undefined && after > maxWait) return callback(err);
      const wait = after ?? Math.min(200 * 2 ** (state.counter - 1), maxWait);
      // Both bounds are on the whole call: a wrong URL fails in seconds, and nothing retries past its deadline.
      const clock = opts as RetryClock;
      const now = Date.now();
      if (code !== undefined && CONNECT_ERRORS.includes(code) && !clock.answeredBefore && now + wait > (clock.startedAt ?? now) + connectRetry)
        return callback(err);
      if (clock.retryUntil !== undefined && now + wait > clock.retryUntil) return callback(err);
      return setTimeout(() => callback(null), wait);
    },
  });
}

/** The per-attempt timeout every call gets unless its client or the call says otherwise, in ms. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The per-attempt timeout for a request the server answers after writing `entries` rows in one
 * transaction (a set's apply, or its plan): the default plus 2 ms per entry, about three times
 * what an apply took per entry on a loaded 2-core machine (50,000 members in 29 s). A whole set
 * stays one transaction, all or nothing, whatever its size; a fixed 30 s would cut off an apply of
 * more than about 50,000 members and leave it to the Idempotency-Key's replay.
 */
export function bulkTimeoutMs(entries: number, base = DEFAULT_TIMEOUT_MS): number {
  return base + 2 * entries;
}

/** A keep-alive Agent with the retry policy composed on. */
export function defaultDispatcher(o: Pick<ClientOptions, "maxRetries" | "maxRetryWaitMs" | "connectRetryMs" | "timeoutMs" | "connections"> = {}): Dispatcher {
  const timeout = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Agent({
    connections: o.connections ?? 64,
    keepAliveTimeout: 10_000,
    headersTimeout: timeout,
    bodyTimeout: timeout,
    connect: { timeout: 10_000 },
  }).compose(retryPolicy(o));
}

export class OrgsClient {
  readonly baseUrl: string;
  private readonly dispatcher: Dispatcher;
  private readonly owned: boolean;
  /** Whether any answer came from the server yet (a refused connection after one is a restart). */
  private answered = false;

  constructor(private readonly opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.owned = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? defaultDispatcher(opts);
  }

  async call<K extends OperationId>(op: K, args: CallArgs<K> = {}): Promise<CallResult<K>> {
    const route = routes[op] as RouteDef;
    let path = route.path;
    for (const name of pathParams(route.path)) {
      const v = args.params?.[name];
      if (v === undefined || v === "") throw new OrgsApiError(0, "missing_parameter", `${op} needs the path parameter ${name}`);
      path = path.replace(`{${name}}`, encodeURIComponent(v));
    }
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries((args.query ?? {}) as Record<string, unknown>)) if (v !== undefined && v !== null) qs.set(k, String(v));
    const headers: Record<string, string> = { accept: "application/json", "user-agent": this.opts.userAgent ?? "orgs-client", ...args.headers };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    if (args.ifMatch !== undefined) headers["if-match"] = typeof args.ifMatch === "number" ? `"${args.ifMatch}"` : args.ifMatch;
    if (args.ifNoneMatch !== undefined) headers["if-none-match"] = args.ifNoneMatch;
    const key = args.idempotencyKey ?? (route.method === "POST" ? randomUUID() : undefined);
    if (key !== undefined) headers["idempotency-key"] = key;
    let body: string | undefined;
    if (args.body !== undefined) {
      body = JSON.stringify(args.body);
      headers["content-type"] = "application/json";
    }
    const url = `${this.baseUrl}${path}${qs.size ? `?${qs}` : ""}`;
    let res: Dispatcher.ResponseData;
    try {
      const startedAt = Date.now();
      const clock: RetryClock = {
        startedAt,
        retryUntil: Math.min(args.deadline ?? Infinity, startedAt + (this.opts.maxRetryTimeMs ?? 60_000)),
        answeredBefore: this.answered,
      };
      res = await this.dispatcher.request({
        origin: new URL(url).origin,
        path: path + (qs.size ? `?${qs}` : ""),
        method: route.method,
        headers,
        body,
        ...(args.timeoutMs !== undefined ? { headersTimeout: args.timeoutMs, bodyTimeout: args.timeoutMs } : {}),
        ...(clock as object),
      });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw new OrgsApiError(0, e.code ?? "network_error", `cannot reach the org API at ${this.baseUrl}: ${e.message ?? String(err)}`);
    }
    this.answered = true;
    const text = await res.body.text();
    const status = res.statusCode;
    if (status >= 400) throw problemError(status, text);
    let json: unknown;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new OrgsApiError(status, "invalid_response", `the server answered ${op} with a body that is not JSON`);
      }
    }
    if (route.response && status !== 304 && status !== 204) {
      const parsed = route.response.safeParse(json);
      if (!parsed.success) {
        throw new OrgsApiError(
          status,
          "invalid_response",
          `the server's answer to ${op} does not match the contract: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`,
        );
      }
      json = parsed.data;
    }
    return { status, body: json as ResponseOf<K>, headers: res.headers };
  }

  /** Every item of a paged list, following next_cursor to the end. */
  async *paginate<K extends OperationId>(op: K, args: CallArgs<K> = {}, onPage?: (count: number) => void): AsyncGenerator<ItemOf<K>> {
    let cursor: string | undefined;
    let count = 0;
    do {
      const { body } = await this.call(op, { ...args, query: { ...(args.query as object), limit: 100, cursor } as never });
      const page = body as unknown as { items: ItemOf<K>[]; next_cursor: string | null };
      for (const item of page.items) yield item;
      count += page.items.length;
      onPage?.(count);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  async listAll<K extends OperationId>(op: K, args: CallArgs<K> = {}, onPage?: (count: number) => void): Promise<ItemOf<K>[]> {
    const out: ItemOf<K>[] = [];
    for await (const item of this.paginate(op, args, onPage)) out.push(item);
    return out;
  }

  async close(): Promise<void> {
    if (this.owned) await this.dispatcher.close();
  }
}

export type ItemOf<K extends OperationId> = ResponseOf<K> extends { items: (infer T)[] } ? T : never;

function problemError(status: number, text: string): OrgsApiError {
  let p: Partial<Problem> & Record<string, unknown>;
  try {
    p = JSON.parse(text);
  } catch {
    return new OrgsApiError(status, status === 429 ? "rate_limited" : "http_error", `HTTP ${status}: ${text.slice(0, 200) || "no body"}`);
  }
  if (typeof p !== "object" || p === null) p = {};
  return new OrgsApiError(status, typeof p.code === "string" ? p.code : "http_error", typeof p.detail === "string" ? p.detail : `HTTP ${status}`, p);
}
