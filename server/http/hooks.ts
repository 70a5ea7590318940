// The route table's request hooks: who is calling, then whether they are over their rate. Both
// run at preValidation, once Fastify has read and parsed the body, so that a body Fastify refuses
// (413, 415, 400) gets that answer whoever sent it, as the conventions promise: at onRequest, an
// unauthenticated 2 MiB body would be a 401 instead of its 413.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { RouteDef } from "../../api/routes";
import type { Caller } from "../context";
import { fail } from "../errors";
import type { Queryable } from "../store/db";
import { authenticate } from "./auth";
import { sessionCaller } from "../admin/sessions";
import type { RateLimiter } from "./ratelimit";

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated caller; null on a route anyone may call (and on the app's own routes). */
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** The route table's entry the route was registered from. */
    route?: RouteDef;
  }
}

/** Sets request.caller from the bearer token (or the session cookie): 401 without a valid one, 403 on operator routes for anyone else. */
export function authenticationHook(db: Queryable, now: () => Date) {
  return async (req: FastifyRequest): Promise<void> => {
    const auth = req.routeOptions.config.route?.auth ?? "account";
    if (auth === "none" || (auth === "optional" && !req.headers.authorization)) return;
    // The admin page's session cookie when no Authorization header is sent (server/admin/sessions.ts), else the bearer token.
    req.caller = (await sessionCaller(db, req, now())) ?? (await authenticate(db, req.headers.authorization, now()));
    if (auth === "operator" && !req.caller.isOperator) fail("forbidden", "only the server's operator can read this");
  };
}

/** Counts the request against its account (its IP before authentication): RateLimit-* headers, 429 over the limit. */
export function rateLimitHook(limiter: RateLimiter) {
  return async (req: FastifyRequest, res: FastifyReply): Promise<void> => {
    limiter.check(req.caller?.accountId ?? `ip:${req.ip}`, res);
  };
}
