// The route table's request hook: who is calling, then whether they are over their rate. It
// runs at preValidation, once Fastify has read and parsed the body, so that a body Fastify refuses
// (413, 415, 400) gets that answer whoever sent it, as the conventions promise: at onRequest, an
// unauthenticated 2 MiB body would be a 401 instead of its 413.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { RouteDef } from "../../api/routes";
import type { Caller } from "../context";
import { fail } from "../errors";
import type { Queryable } from "../store/db";
import { authenticate } from "./auth";
import { sessionCaller } from "../admin/sessions";
import type { AuthFailureLimiter, RateLimiter } from "./ratelimit";

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

/** The limits the request hook applies. */
export interface Limits {
  requests: RateLimiter;
  authFailures: AuthFailureLimiter;
}

/**
 * Who is calling, then whether they are over their rate: sets request.caller from the bearer token
 * or the admin page's session cookie (401 without a valid one, 403 on operator routes for anyone else) and counts the request against
 * its account, or its IP when it has no valid token. A token is looked up only while its IP is
 * within its budget of failed authentications, and a failure is counted there.
 */
export function authenticateAndLimit(db: Queryable, now: () => Date, limits: Limits) {
  return async (req: FastifyRequest, res: FastifyReply): Promise<void> => {
    const auth = req.routeOptions.config.route?.auth ?? "account";
    const header = req.headers.authorization;
    // The admin page's session cookie stands in for a token when no Authorization header is sent (server/admin/sessions.ts).
    const session = auth !== "none" && header === undefined ? await sessionCaller(db, req, now()) : null;
    if (session) {
      req.caller = session;
    } else if (auth !== "none" && header !== undefined) {
      // The token's decision reports itself to the budget, here or (a token this instance has
      // seen valid) in the request's first statement (server/domain/tokens.ts).
      req.caller = await authenticate(db, header, now(), await limits.authFailures.admit(req.ip));
    } else if (auth === "account" || auth === "operator") {
      // No token: counted by IP (a 429 once over), then the 401. The 401 carries no RateLimit-*.
      await limits.requests.check(`ip:${req.ip}`, res, false);
      await authenticate(db, header, now());
    }
    if (auth === "operator" && !req.caller!.isOperator) fail("forbidden", "only the server's operator can read this");
    await limits.requests.check(req.caller ? `acct:${req.caller.accountId}` : `ip:${req.ip}`, res);
  };
}
