// The app factory: every route of the table, with the conventions of org-api.md §3 applied the
// way Fastify applies them. A request of the table goes: body parsing (JSON only, 1 MiB) →
// preValidation hooks (authentication, rate limit) → one parse step (path, query, body) → the
// handler in its transaction (server/operation.ts) → the reply (ETag, Link). Every error on the
// way leaves through one error handler as problem+json; every response carries its request ID.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { openApiDocument } from "../api/openapi";
import { routes, type OperationId, type RouteDef } from "../api/routes";
import { acceptJsonBodies } from "./http/bodies";
import { BODY_LIMIT, discardBody } from "./http/body-limit";
import { handleClientError } from "./http/client-error";
import { authenticateAndLimit } from "./http/hooks";
import { sendProblem, toApiError } from "./http/problems";
import { AuthFailureLimiter, RateLimiter } from "./http/ratelimit";
import { SharedCounts } from "./http/shared-counts";
import { postgresCountStore } from "./store/rate-counts";
import { send } from "./http/reply";
import { parseInput } from "./http/validation";
import { ApiError } from "./errors";
import { DEFAULT_CONFIG, type ServerConfig } from "./context";
import { outboxMailer, type Mailer } from "./mailer";
import { ping, type Db } from "./store/db";
import { newId } from "./domain/ids";
import { handlers } from "./routes";
import { cleanUp } from "./maintenance";
import { runOperation, type Services } from "./operation";
import { adminPage } from "./admin/page";

export interface AppOptions {
  db: Db;
  config?: Partial<ServerConfig>;
  mailer?: Mailer;
  logger?: boolean;
  /** The clock; tests move it to expire invitations. */
  now?: () => Date;
  /** How often expired records are pruned (server/maintenance.ts); 0 never. Default: 10 minutes. */
  maintenanceEveryMs?: number;
  /** Fastify's trustProxy: which proxies' X-Forwarded-For gives the client's IP (the per-IP limits count by it). */
  trustProxy?: string;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const services: Services = { db: opts.db, config: { ...DEFAULT_CONFIG, ...opts.config }, mailer: opts.mailer ?? outboxMailer };
  const now = opts.now ?? (() => new Date());
  const app: FastifyInstance = Fastify({
    logger: opts.logger ?? false,
    ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
    bodyLimit: BODY_LIMIT,
    genReqId: () => newId("req"),
    requestIdHeader: false,
    // IDs are up to 255 characters; longer path segments and undecodable URLs are a 404 problem.
    routerOptions: { maxParamLength: 300 },
    clientErrorHandler: (err, socket) => handleClientError(err, socket, app.log),
    frameworkErrors: (err, req, res) => {
      res.header("x-request-id", req.id);
      sendProblem(req, res, toApiError(err, req.log));
    },
  });
  // Rate counts are shared through PostgreSQL by every instance on it; PGlite's are this process's.
  const counts = new SharedCounts(opts.db.kind === "postgres" ? postgresCountStore(opts.db) : null, (e) => app.log.warn(e, "syncing rate-limit counts failed"));
  const limits = {
    requests: new RateLimiter(services.config.rateLimit, counts),
    authFailures: new AuthFailureLimiter(services.config.authFailureLimit, counts),
  };
  acceptJsonBodies(app);
  app.decorateRequest("caller", null);
  app.addHook("onRequest", async (req, res) => {
    res.header("x-request-id", req.id);
  });
  app.setErrorHandler((err: unknown, req, res) => {
    const problem = toApiError(err, req.log);
    if (problem.code !== "payload_too_large") return sendProblem(req, res, problem);
    return discardBody(req.raw).then(() => sendProblem(req, res, problem));
  });
  app.setNotFoundHandler(notFoundOrNotAllowed());

  const openapi = openApiDocument();
  app.get("/v1/openapi.json", async () => openapi);
  app.get("/healthz", async () => {
    await ping(opts.db);
    return { ok: true, database: opts.db.kind };
  });

  // The Organization Admin page (/admin): static files, a client of the routes below.
  await app.register(adminPage);

  // The route table, in a context of its own: its hooks do not run for the routes above.
  await app.register(async (api) => {
    api.addHook("preValidation", authenticateAndLimit(opts.db, now, limits));
    for (const operationId of Object.keys(routes) as OperationId[]) registerOperation(api, operationId, services, now);
  });

  const every = opts.maintenanceEveryMs ?? 10 * 60_000;
  const maintenance =
    every > 0
      ? setInterval(() => {
          const at = now();
          void cleanUp(opts.db, at, every)
            .then((pruned) => pruned && app.log.info({ pruned, started_at: at.toISOString() }, "clean-up ran"))
            .catch((e) => app.log.warn(e, "pruning expired records failed"));
        }, every).unref()
      : undefined;
  app.addHook("onClose", async () => {
    counts.stop();
    clearInterval(maintenance);
  });
  return app;
}

/** One operation of the route table: parse, run in its transaction, send. */
function registerOperation<K extends OperationId>(app: FastifyInstance, operationId: K, services: Services, now: () => Date): void {
  const route: RouteDef = routes[operationId];
  const handler = handlers[operationId];
  app.route({
    method: route.method,
    // A literal colon (members:plan) is written twice in a Fastify path; {name} is a parameter.
    url: route.path.replace(/:/g, "::").replace(/\{(\w+)\}/g, ":$1"),
    config: { route },
    ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
    handler: async (req, res) => send(req, res, await runOperation(services, route, handler, req, parseInput<K>(route, req), now())),
  });
}

/** 405 with Allow for a path of the table asked with another method; 404 for any other path. */
function notFoundOrNotAllowed() {
  const known = Object.values(routes as Record<string, RouteDef>).map((r) => ({
    re: new RegExp(`^${r.path.replace(/\{\w+\}/g, "[^/]+")}$`),
    method: r.method,
  }));
  return (req: FastifyRequest, res: FastifyReply) => {
    const path = req.url.split("?")[0]!;
    const allowed = known.filter((p) => p.re.test(path)).map((p) => p.method);
    if (allowed.length) {
      res.header("allow", [...new Set(allowed)].join(", "));
      return sendProblem(req, res, new ApiError("method_not_allowed", `${req.method} is not allowed on ${path}; use ${allowed.join(", ")}`));
    }
    return sendProblem(req, res, new ApiError("not_found", `no route ${req.method} ${path}`));
  };
}
