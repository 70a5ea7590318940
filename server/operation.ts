// The core every operation of the route table runs through, once Fastify's hooks have
// authenticated and rate-limited the request and its input is parsed: the handler with its
// context, in one transaction (reads run on the database itself), under the request's
// Idempotency-Key, then the work it left for after the commit.
import type { FastifyRequest } from "fastify";
import type { OperationId, RouteDef } from "../api/routes";
import type { CallerOf, Ctx, Handler, ServerConfig } from "./context";
import { runIdempotent } from "./http/idempotency";
import { normalize, type ReplyValue } from "./http/reply";
import type { Input } from "./http/validation";
import type { Mailer } from "./mailer";
import type { Db, Queryable } from "./store/db";

/** What every handler may use besides the request: the database (only through ctx.q), the configuration, the mailer. */
export interface Services {
  db: Db;
  config: ServerConfig;
  mailer: Mailer;
}

export async function runOperation<K extends OperationId>(
  services: Services,
  route: RouteDef,
  handler: Handler<K>,
  req: FastifyRequest,
  input: Input<K>,
  now: Date,
): Promise<ReplyValue> {
  const afterCommit: Array<() => Promise<void> | void> = [];
  const contextOn = (q: Queryable): Ctx<K> => ({
    q,
    // The authentication hook set it on every route that is not `auth: "none"` (nor "optional" without a token).
    caller: req.caller as CallerOf<K>,
    params: input.params,
    query: input.query,
    body: input.body,
    headers: req.headers as Record<string, string | undefined>,
    requestId: req.id,
    ip: req.ip,
    userAgent: req.headers["user-agent"] ?? null,
    now,
    config: services.config,
    mailer: services.mailer,
    afterCommit: (fn) => afterCommit.push(fn),
  });
  const run = async (q: Queryable) => {
    // A transaction retried (a serialization failure on PostgreSQL) runs the handler again: only
    // the attempt that commits leaves work for after the commit (a mail sent once).
    afterCommit.length = 0;
    return normalize(await handler(contextOn(q)), route);
  };

  let out: ReplyValue;
  if (route.method === "GET") {
    out = await run(services.db);
  } else {
    const key = req.headers["idempotency-key"];
    const caller = req.caller;
    out = await services.db.tx((q) =>
      caller && typeof key === "string"
        ? runIdempotent(q, { accountId: caller.accountId, method: route.method, path: req.url.split("?")[0]!, key, body: req.body, now }, () => run(q))
        : run(q),
    );
  }
  for (const fn of afterCommit) await Promise.resolve(fn()).catch((e) => req.log.error(e, "after-commit hook failed"));
  return out;
}
