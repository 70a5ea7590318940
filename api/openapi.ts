// Generates the OpenAPI 3.1 document from the route table. Served at GET /v1/openapi.json.
//
// What an operation can answer is its own errors (routes.ts) plus what the conventions of
// server/app.ts give every route of its kind: body parsing, authentication, rate limits,
// idempotency keys, ETags and the HTTP parser's own refusals. Both halves are written down here,
// next to each other, so the document names every status, error code and header the server sends;
// test/openapi-contract.test.ts holds the server to it.
import { z } from "zod";
import { Problem } from "./common";
import { ERRORS, type ErrorCode } from "./errors";
import { pathParams, routes, type RouteDef } from "./routes";

type Json = Record<string, unknown>;

const ref = (kind: "schemas" | "responses" | "parameters" | "headers", name: string) => ({ $ref: `#/components/${kind}/${name}` });

/**
 * JSON Schema 2020-12 tuples (`prefixItems` with `items: false`) read as "an array with no items"
 * to the many tools that still read schemas as draft 4-7 (OpenAPI 3.0's dialect). Described instead
 * as an array of exactly that many items, each any of the tuple's types, they read the same to both.
 */
function readableByOlderTools(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(readableByOlderTools);
  if (!node || typeof node !== "object") return node;
  const { prefixItems, items, ...rest } = node as Json & { prefixItems?: unknown[] };
  const out: Json = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, readableByOlderTools(v)]));
  if (Array.isArray(prefixItems) && items === false) {
    const kinds = [...new Map(prefixItems.map((s) => [JSON.stringify(s), readableByOlderTools(s)])).values()];
    return { ...out, items: kinds.length === 1 ? kinds[0] : { anyOf: kinds }, minItems: prefixItems.length, maxItems: prefixItems.length };
  }
  if (prefixItems !== undefined) out.prefixItems = readableByOlderTools(prefixItems);
  if (items !== undefined) out.items = readableByOlderTools(items);
  return out;
}

/** A schema of the document; its dialect is the document's (OpenAPI 3.1: 2020-12), so it names none of its own. */
function schema(s: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _, ...js } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Json;
  return readableByOlderTools(js) as Json;
}

const shapeOf = (s: z.ZodType | undefined) => (s instanceof z.ZodObject ? (s.shape as Record<string, unknown>) : {});
/** Single objects with a `version` carry an ETag (server/app.ts send()); pages do not. */
const isVersioned = (r: RouteDef) => "version" in shapeOf(r.response) && !("items" in shapeOf(r.response));
const isPage = (r: RouteDef) => "next_cursor" in shapeOf(r.response);
/** Idempotency keys are scoped to an account, so only authenticated writes honour one. */
const honoursIdempotencyKey = (r: RouteDef) => r.method !== "GET" && r.auth !== "none" && r.auth !== "optional";
/** Routes that list precondition_failed compare If-Match with the resource's version. */
const honoursIfMatch = (r: RouteDef) => r.errors?.includes("precondition_failed") ?? false;
const honoursIfNoneMatch = (r: RouteDef) => (r.method === "GET" && isVersioned(r)) || r.createOnly === true;

/** Refused by Node's HTTP parser before any route is known: any request can get these. */
const HTTP_LEVEL: ErrorCode[] = ["malformed_request", "request_timeout", "headers_too_large"];

/** Every error code the operation can answer with: the conventions of its kind, then its own. */
function errorCodesOf(r: RouteDef): ErrorCode[] {
  const codes = new Set<ErrorCode>([...HTTP_LEVEL, "rate_limited", "internal", "unavailable"]);
  const add = (...c: ErrorCode[]) => c.forEach((x) => codes.add(x));
  if (r.auth !== "none") add("unauthenticated");
  if (r.auth === "operator") add("forbidden");
  // A path segment no ID can match (too long, undecodable, a NUL) is an unknown resource.
  if (pathParams(r.path).length) add("not_found");
  // Everything under an organization or a project resolves it first (server/domain/access.ts):
  // outsiders get 404, members of an organization that requires 2FA get 403 until they enrol.
  if (/\{(org|project_id)\}/.test(r.path)) add("not_found", "two_factor_required");
  // An organization or project named by the ID of one that was deleted (server/domain/deleted.ts).
  if (/\{(org|project_id)\}/.test(r.path)) add("deleted");
  // Fastify parses a body on every method but GET, whether the route takes one or not.
  if (r.method !== "GET") add("malformed_json", "payload_too_large", "unsupported_media_type");
  if (r.body) add("validation_failed");
  if (r.query) add("invalid_query");
  if (honoursIdempotencyKey(r)) add("invalid_header", "idempotency_key_in_use", "idempotency_key_reused");
  if (r.createOnly) add("precondition_failed");
  for (const c of r.errors ?? []) codes.add(c);
  return [...codes];
}

/** Every status the operation can answer with, error codes grouped under theirs. */
function statusesOf(r: RouteDef): Map<number, ErrorCode[]> {
  const out = new Map<number, ErrorCode[]>();
  out.set(r.status ?? 200, []);
  if (r.creates) out.set(201, []);
  if (r.method === "GET" && isVersioned(r)) out.set(304, []);
  for (const code of errorCodesOf(r)) out.set(ERRORS[code].status, [...(out.get(ERRORS[code].status) ?? []), code]);
  return new Map([...out].sort(([a], [b]) => a - b));
}

const HEADERS = {
  "X-Request-Id": {
    description: "The request's ID (`req_…`), also in problem bodies and the audit log.",
    required: true,
    schema: { type: "string", pattern: "^req_[0-9A-Za-z]+$" },
  },
  ETag: {
    description: "The object's version as a strong ETag; send it back in If-Match or If-None-Match.",
    required: true,
    schema: { type: "string", pattern: '^"[0-9]+"$' },
  },
  Location: { description: "The URL of the object created.", required: true, schema: { type: "string", format: "uri-reference" } },
  Link: { description: 'The next page: `<url>; rel="next"`. Absent on the last page.', required: false, schema: { type: "string" } },
  "Retry-After": { description: "Seconds to wait before retrying.", required: true, schema: { type: "integer", minimum: 0 } },
  "RateLimit-Limit": {
    description:
      "Requests allowed per second for this account (per IP for a request without a valid token), counted across every server instance. Sent when rate limiting is on; not on a 429 for failed authentications, whose budget is per minute (Retry-After says when it ends).",
    required: false,
    schema: { type: "integer", minimum: 0 },
  },
  "RateLimit-Remaining": {
    description: "Requests left in the current second. Sent when rate limiting is on.",
    required: false,
    schema: { type: "integer", minimum: 0 },
  },
  "RateLimit-Reset": {
    description: "Seconds until the count starts again. Sent when rate limiting is on.",
    required: false,
    schema: { type: "integer", minimum: 0 },
  },
  "Idempotent-Replayed": {
    description: "`true` when this is the stored answer to an earlier request with the same Idempotency-Key.",
    required: false,
    schema: { type: "string", enum: ["true"] },
  },
  "WWW-Authenticate": { description: '`Bearer realm="orgs"`.', required: true, schema: { type: "string" } },
} as const;
type HeaderName = keyof typeof HEADERS;
const headerRef = (name: HeaderName) => ref("headers", name.replace(/-/g, ""));

const PARAMETERS = {
  IfMatch: {
    name: "If-Match",
    in: "header",
    required: false,
    schema: { type: "string" },
    description: "The ETag you read: the change is refused with 412 precondition_failed when the object changed since.",
  },
  IfNoneMatch: {
    name: "If-None-Match",
    in: "header",
    required: false,
    schema: { type: "string" },
    description: "On a GET, the ETag you hold: 304 when the object is unchanged. On a PUT, `*`: create only, 412 when it exists.",
  },
  IdempotencyKey: {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    schema: { type: "string", minLength: 1, maxLength: 255 },
    description:
      "A retry with the same key and body within 24 hours gets the first answer again (Idempotent-Replayed: true); another body with the key is 422 idempotency_key_reused.",
  },
} as const;

const problemContent = (status: number, codes: ErrorCode[]) => ({
  "application/problem+json": {
    schema: { allOf: [ref("schemas", "Problem"), { type: "object", properties: { status: { enum: [status] }, code: { enum: codes } } }] },
  },
});
const describeCodes = (codes: ErrorCode[]) => codes.map((c) => `${c}: ${ERRORS[c].title}`).join("; ");

/** Answers the same on every operation (or nearly: an operation that differs gets its own), so shared as components. */
const SHARED: Record<number, { name: string; codes: ErrorCode[] }> = {
  401: { name: "Unauthenticated", codes: ["unauthenticated"] },
  408: { name: "RequestTimeout", codes: ["request_timeout"] },
  413: { name: "PayloadTooLarge", codes: ["payload_too_large"] },
  415: { name: "UnsupportedMediaType", codes: ["unsupported_media_type"] },
  429: { name: "RateLimited", codes: ["rate_limited"] },
  431: { name: "HeadersTooLarge", codes: ["headers_too_large"] },
  500: { name: "Internal", codes: ["internal"] },
  503: { name: "Unavailable", codes: ["unavailable"] },
};

/** The headers of an answer with `status`, for a route. Answers given before the route's handler runs carry no rate-limit headers. */
function headersOf(r: RouteDef, status: number): Json {
  const names: HeaderName[] = ["X-Request-Id"];
  if (![401, 408, 413, 415, 431].includes(status)) names.push("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");
  if (status === 429 || status === 503) names.push("Retry-After");
  if (status === 401) names.push("WWW-Authenticate");
  if (status < 300 && status !== 204 && isVersioned(r)) names.push("ETag");
  if (status === 304) names.push("ETag");
  if (status === 201 && r.location !== false) names.push("Location");
  if (status === 200 && isPage(r)) names.push("Link");
  // A replay answers with the stored status, success or refusal, as the first attempt did.
  if (honoursIdempotencyKey(r) && status < 500 && ![401, 408, 413, 415, 429, 431].includes(status)) names.push("Idempotent-Replayed");
  return Object.fromEntries(names.map((n) => [n, headerRef(n)]));
}

function responsesOf(r: RouteDef): Json {
  const responses: Json = {};
  for (const [status, codes] of statusesOf(r)) {
    const headers = headersOf(r, status);
    if (status === 304) {
      responses[status] = { description: "Not modified: the object still has the ETag given in If-None-Match.", headers };
    } else if (status < 300) {
      const created = status === 201;
      responses[status] =
        r.response && status !== 204
          ? { description: created ? "Created" : "OK", headers, content: { "application/json": { schema: schema(r.response, "output") } } }
          : { description: "No content", headers };
    } else {
      const shared = SHARED[status];
      responses[status] =
        shared && shared.codes.join() === codes.join() && JSON.stringify(headers) === JSON.stringify(sharedHeaders(status))
          ? ref("responses", shared.name)
          : { description: describeCodes(codes), headers, content: problemContent(status, codes) };
    }
  }
  return responses;
}

/** A shared answer's headers: those every route gets with it (no idempotency replays). */
const sharedHeaders = (status: number) => headersOf({ method: "GET", path: "/", summary: "", auth: "none" }, status);

export function openApiDocument(version = "0.1.0") {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, r] of Object.entries(routes) as [string, RouteDef][]) {
    const parameters: unknown[] = pathParams(r.path).map((name) => ({ name, in: "path", required: true, schema: { type: "string" } }));
    if (r.query) {
      const js = schema(r.query, "input") as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: "query", required: js.required?.includes(name) ?? false, schema: s });
      }
    }
    if (honoursIfMatch(r)) parameters.push(ref("parameters", "IfMatch"));
    if (honoursIfNoneMatch(r)) parameters.push(ref("parameters", "IfNoneMatch"));
    if (honoursIdempotencyKey(r)) parameters.push(ref("parameters", "IdempotencyKey"));
    const op: Record<string, unknown> = { operationId, summary: r.summary, parameters, responses: responsesOf(r) };
    if (r.auth === "none") op.security = r.session ? [{ session: [] }] : [];
    // A token is welcome, not needed (closed sign-up: the operator's).
    if (r.auth === "optional") op.security = [{}, { bearer: [] }];
    if (r.body) op.requestBody = { required: true, content: { "application/json": { schema: schema(r.body, "input") } } };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  const sharedResponses = Object.fromEntries(
    Object.entries(SHARED).map(([status, { name, codes }]) => [
      name,
      { description: describeCodes(codes), headers: sharedHeaders(Number(status)), content: problemContent(Number(status), codes) },
    ]),
  );
  return {
    openapi: "3.1.0",
    info: {
      title: "orgs API",
      version,
      description:
        "Organizations, projects, roles, teams, members and project access. Errors are RFC 9457 problems with a stable `code`; each response lists the codes it can carry. Generated from api/ — do not edit.",
      license: { name: "Apache-2.0", url: "https://www.apache.org/licenses/LICENSE-2.0" },
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        // The admin page's session (api/sessions.ts): unsafe requests with it also send X-CSRF-Token.
        session: { type: "apiKey", in: "cookie", name: "orgs_session" },
      },
      schemas: { Problem: schema(Problem, "output") },
      parameters: PARAMETERS,
      headers: Object.fromEntries(Object.entries(HEADERS).map(([name, h]) => [name.replace(/-/g, ""), h])),
      responses: sharedResponses,
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
