// Every error is answered as an RFC 9457 problem with a catalogue code: an ApiError as raised;
// Fastify's own refusals by their Fastify code (any other client error by its status); a unique
// violation as already_exists; a database that is gone or busy as 503 (saying whether the change
// may have been applied). Anything else is a bug:
// logged, and answered 500 without details.
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from "fastify";
import type { ErrorCode } from "../../api/errors";
import { ApiError } from "../errors";
import { DatabaseUnavailable } from "../store/unavailable";

/** Fastify's errors a request can cause, by Fastify's code: the catalogue code, and what the client is told. */
export const FASTIFY_ERRORS: Readonly<Record<string, readonly [ErrorCode, string]>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ["payload_too_large", "the body is larger than 1 MiB"],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ["unsupported_media_type", "send the body as application/json"],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ["malformed_request", "the body is not as long as its Content-Length says"],
  FST_ERR_CTP_EMPTY_JSON_BODY: ["malformed_json", "the body is empty: send a JSON value, or no Content-Type"],
  FST_ERR_CTP_INVALID_JSON_BODY: ["malformed_json", "the body is not valid JSON"],
  FST_ERR_NOT_FOUND: ["not_found", "no such path"],
  FST_ERR_BAD_URL: ["not_found", "no such path: the URL cannot be decoded"],
  FST_ERR_MAX_PARAM_LENGTH: ["not_found", "no such path: a path segment is longer than any ID"],
};

/** Any other client error (a body stream that broke off, say), by its status; the rest are 400 malformed_request. */
const BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  404: "not_found",
  405: "method_not_allowed",
  408: "request_timeout",
  413: "payload_too_large",
  415: "unsupported_media_type",
  431: "headers_too_large",
};

interface ErrorLike {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

/** The problem for an error Fastify (or Node, reading the request) reports about the request; undefined for any other error. */
export function clientProblem(err: unknown): ApiError | undefined {
  const e = (typeof err === "object" && err !== null ? err : {}) as ErrorLike;
  if (typeof e.code === "string" && Object.hasOwn(FASTIFY_ERRORS, e.code)) {
    const [code, detail] = FASTIFY_ERRORS[e.code]!;
    return new ApiError(code, detail);
  }
  if (typeof e.statusCode !== "number" || e.statusCode < 400 || e.statusCode >= 500) return undefined;
  const code = BY_STATUS[e.statusCode] ?? "malformed_request";
  return new ApiError(code, `the request cannot be handled: ${typeof e.message === "string" && e.message ? e.message : `HTTP ${e.statusCode}`}`);
}

// Connection loss, shutdown, too many connections, and serialization failures that outlived the
// store's retries: the client should retry, not report a bug.
export const isTransient = (code: unknown) =>
  typeof code === "string" &&
  (/^(08|53|57P)/.test(code) || code === "40001" || code === "40P01" || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(code));

const RETRY_AFTER = { "retry-after": "1" };

export function toApiError(err: unknown, log: Pick<FastifyBaseLogger, "warn" | "error">): ApiError {
  if (ApiError.isInstance(err)) return err;
  const client = clientProblem(err);
  if (client) return client;
  const code = (err as ErrorLike | null)?.code;
  if (code === "23505") return new ApiError("already_exists", "a resource with that name already exists");
  if (DatabaseUnavailable.isInstance(err) && err.commitUnknown) {
    log.warn(err, "connection to the database lost during COMMIT");
    return new ApiError(
      "unavailable",
      "the connection to the database was lost while the change was being committed: it may have been applied. Retry with the same Idempotency-Key: the retry answers as the change did if it was applied, and applies it if it was not",
      { headers: RETRY_AFTER },
    );
  }
  if (DatabaseUnavailable.isInstance(err) || isTransient(code)) {
    log.warn(err, "database unavailable");
    return new ApiError("unavailable", "the database is unavailable or busy; nothing was changed: retry shortly", { headers: RETRY_AFTER });
  }
  log.error(err, "unhandled error");
  return new ApiError("internal", "the server failed to handle this request; it has been logged");
}

export function sendProblem(req: FastifyRequest, res: FastifyReply, err: ApiError): void {
  if (err.extra.headers) res.headers(err.extra.headers);
  if (err.status === 401) res.header("www-authenticate", 'Bearer realm="orgs"');
  res
    .code(err.status)
    .type("application/problem+json")
    .send(JSON.stringify(err.toProblem(req.url.split("?")[0]!, String(req.id))));
}
