// The app factory: every route of the table, with the conventions of org-api.md §3 applied in one
// place (auth, rate limits, validation, idempotency, ETags, problem+json, request IDs).
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { z } from "zod";
import { fieldLabel } from "../api/common";
import { openApiDocument } from "../api/openapi";
import { routes, type OperationId, type RouteDef } from "../api/routes";
import { authenticate } from "./http/auth";
import { RateLimiter } from "./http/ratelimit";
import { runIdempotent } from "./http/idempotency";
import { isUnstorable, unstorableStrings, zodFieldErrors } from "./http/validation";
import { isReply, reply, type ReplyValue } from "./http/reply";
import { matchesEtag } from "./http/etag";
import { BODY_LIMIT, discardBody } from "./http/body-limit";
import { handleClientError } from "./http/client-error";
import { ApiError, fail } from "./errors";
import { DEFAULT_CONFIG, type Caller, type Ctx, type Handlers, type ServerConfig } from "./context";
import { outboxMailer, type Mailer } from "./mailer";
import type { Db, Queryable } from "./store/db";
import { newId } from "./domain/ids";
import { handlers } from "./routes";
import { pruneExpired } from "./maintenance";

export interface AppOptions {
  db: Db;
  config?: Partial<ServerConfig>;
  mailer?: Mailer;
  logger?: boolean;
  /** The clock; tests move it to expire invitations. */
  now?: () => Date;
  /** How often expired records are pruned (server/maintenance.ts); 0 never. Default: 10 minutes. */
  maintenanceEveryMs?: number;
}


export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const config: ServerConfig = { ...DEFAULT_CONFIG, ...opts.config };
  const mailer = opts.mailer ?? outboxMailer;
  const now = opts.now ?? (() => new Date());
  const limiter = new RateLimiter(config.rateLimit);
  const app: FastifyInstance = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: BODY_LIMIT,
    genReqId: () => newId("req"),
    requestIdHeader: false,
    // IDs are up to 255 characters; longer path segments and undecodable URLs are a 404 problem.
    routerOptions: { maxParamLength: 300 },
    clientErrorHandler: (err, socket) => handleClientError(err, socket, app.log),
    frameworkErrors: (err, req, res) => {
      res.header("x-request-id", req.id);
      sendProblem(req, res, new ApiError("not_found", `no such path: ${err.code === "FST_ERR_MAX_PARAM_LENGTH" ? "a path segment is longer than any ID" : "the URL cannot be decoded"}`));
    },
  });

  // Bodies: JSON only; an empty body on a body-less route is fine.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, text, done) => {
    if (text === "" || text === undefined) return done(null, undefined);
    try {
      done(null, JSON.parse(text as string));
    } catch (e) {
      done(new ApiError("malformed_json", `the body is not valid JSON: ${(e as Error).message}`), undefined);
    }
  });
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, text, done) => {
    if (!text) return done(null, undefined);
    done(new ApiError("unsupported_media_type", "send the body as application/json"), undefined);
  });

  app.addHook("onRequest", async (req, res) => {
    res.header("x-request-id", req.id);
  });

  app.setErrorHandler((err: unknown, req, res) => {
    const problem = toApiError(err, req);
    if (problem.code !== "payload_too_large") return sendProblem(req, res, problem);
    return discardBody(req.raw).then(() => sendProblem(req, res, problem));
  });

  const knownPaths = Object.values(routes as Record<string, RouteDef>).map((r) => ({
    re: new RegExp(`^${r.path.replace(/\{\w+\}/g, "[^/]+")}$`),
    method: r.method,
  }));
  app.setNotFoundHandler((req, res) => {
    const path = req.url.split("?")[0]!;
    const allowed = knownPaths.filter((p) => p.re.test(path)).map((p) => p.method);
    if (allowed.length) {
      res.header("allow", [...new Set(allowed)].join(", "));
      return sendProblem(req, res, new ApiError("method_not_allowed", `${req.method} is not allowed on ${path}; use ${allowed.join(", ")}`));
    }
    return sendProblem(req, res, new ApiError("not_found", `no route ${req.method} ${path}`));
  });

  const openapi = openApiDocument();
  app.get("/v1/openapi.json", async () => openapi);
  app.get("/healthz", async () => {
    await opts.db.query("SELECT 1");
    return { ok: true, database: opts.db.kind };
  });

  for (const [operationId, route] of Object.entries(routes) as [OperationId, RouteDef][]) {
    const handler = (handlers as Handlers)[operationId] as (ctx: Ctx) => Promise<unknown>;
    app.route({
      method: route.method,
      url: route.path.replace(/\{(\w+)\}/g, ":$1"),
      handler: async (req, res) => {
        let caller: Caller | null = null;
        if (route.auth !== "none") {
          caller = await authenticate(opts.db, req.headers.authorization, now());
          if (route.auth === "operator" && !caller.isOperator) fail("forbidden", "only the server's operator can read this");
        }
        limiter.check(caller?.accountId ?? `ip:${req.ip}`, res);

        // No stored ID contains a NUL or an unpaired surrogate, and the database could not compare one.
        if (Object.values(req.params as Record<string, string>).some(isUnstorable)) fail("not_found", "no such resource: the path holds characters no ID has");
        const query = parse(route.query, req.query ?? {}, "query");
        const body = parse(route.body, req.body, "body");
        const afterCommit: Array<() => Promise<void> | void> = [];
        const at = now();
        const ctxFor = (q: Queryable): Ctx => ({
          q,
          db: opts.db,
          caller,
          params: req.params as Record<string, string>,
          query,
          body,
          headers: req.headers as Record<string, string | undefined>,
          requestId: req.id,
          ip: req.ip,
          userAgent: req.headers["user-agent"] ?? null,
          now: at,
          config,
          mailer,
          afterCommit: (fn: () => Promise<void> | void) => afterCommit.push(fn),
        }) as unknown as Ctx;

        const run = async (q: Queryable) => normalize(await handler(ctxFor(q)), route);
        let out: ReplyValue;
        if (route.method === "GET") {
          out = await run(opts.db);
        } else {
          const key = req.headers["idempotency-key"];
          out = await opts.db.tx((q) =>
            caller && typeof key === "string"
              ? runIdempotent(q, { accountId: caller.accountId, method: route.method, path: req.url.split("?")[0]!, key, body: req.body, now: at }, () => run(q))
              : run(q),
          );
        }
        for (const fn of afterCommit) await Promise.resolve(fn()).catch((e) => req.log.error(e, "after-commit hook failed"));
        return send(req, res, out);
      },
    });
  }

  const every = opts.maintenanceEveryMs ?? 10 * 60_000;
  const maintenance = every > 0
    ? setInterval(() => void pruneExpired(opts.db, now()).catch((e) => app.log.warn(e, "pruning expired records failed")), every).unref()
    : undefined;
  app.addHook("onClose", async () => {
    limiter.stop();
    clearInterval(maintenance);
  });
  return app;
}

function parse(schema: z.ZodType | undefined, input: unknown, where: "query" | "body"): any {
  if (!schema) return undefined;
  // Strings the database cannot hold are refused before the schema sees them.
  let errors = unstorableStrings(input);
  if (!errors.length) {
    const r = schema.safeParse(where === "body" && input === undefined ? undefined : input);
    if (r.success) return r.data;
    errors = zodFieldErrors(r.error, input);
  }
  const first = errors[0]!;
  const name = fieldLabel(first.field) || where;
  if (where === "query") fail("invalid_query", `query parameter ${name}: ${first.message}`, { errors });
  fail("validation_failed", input === undefined ? "a JSON body is required" : `${name}: ${first.message}`, { errors });
}

function normalize(v: unknown, route: RouteDef): ReplyValue {
  if (isReply(v)) return { ...v, status: v.status ?? route.status ?? 200 };
  return reply({ status: route.status ?? 200, body: route.status === 204 ? undefined : v });
}

function send(req: FastifyRequest, res: FastifyReply, out: ReplyValue) {
  const body = out.body as { version?: unknown; items?: unknown; next_cursor?: string | null } | undefined;
  if (out.headers) res.headers(out.headers);
  if (body && typeof body.version === "number" && !("items" in body)) {
    const etag = `"${body.version}"`;
    res.header("etag", etag);
    if (req.method === "GET" && matchesEtag(req.headers["if-none-match"], body.version)) return res.code(304).send();
  }
  if (body && typeof body.next_cursor === "string") {
    const url = new URL(req.url, "http://x");
    url.searchParams.set("cursor", body.next_cursor);
    res.header("link", `<${url.pathname}${url.search}>; rel="next"`);
  }
  res.code(out.status ?? 200);
  if (out.status === 204 || body === undefined) return res.send();
  const type = (out.status ?? 200) >= 400 ? "application/problem+json" : "application/json; charset=utf-8";
  return res.type(type).send(JSON.stringify(body));
}

function toApiError(err: unknown, req: FastifyRequest): ApiError {
  if (ApiError.isInstance(err)) return err;
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE") return new ApiError("payload_too_large", "the body is larger than 1 MiB");
  if (e.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return new ApiError("unsupported_media_type", "send the body as application/json");
  if (e.code === "23505") return new ApiError("already_exists", "a resource with that name already exists");
  if (isTransient(e.code)) {
    req.log.warn(err, "database unavailable");
    return new ApiError("unavailable", "the database is unavailable or busy; retry shortly", { headers: { "retry-after": "1" } });
  }
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError(e.statusCode === 404 ? "not_found" : "malformed_json", e.message ?? "bad request");
  }
  req.log.error(err, "unhandled error");
  return new ApiError("internal", "the server failed to handle this request; it has been logged");
}

// Connection loss, shutdown, too many connections, and serialization failures that outlived the
// store's retries: the client should retry, not report a bug.
const isTransient = (code: string | undefined) =>
  !!code && (/^(08|53|57P)/.test(code) || code === "40001" || code === "40P01" || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(code));

function sendProblem(req: FastifyRequest, res: FastifyReply, err: ApiError) {
  if (err.extra.headers) res.headers(err.extra.headers);
  if (err.status === 401) res.header("www-authenticate", 'Bearer realm="orgs"');
  res.code(err.status).type("application/problem+json").send(JSON.stringify(err.toProblem(req.url.split("?")[0]!, String(req.id))));
}
