// The core every operation of the route table runs through, once Fastify's hooks have
// authenticated and rate-limited the request and its input is parsed: the handler with its
// context, in one transaction (reads run on the database itself), under the request's
// Idempotency-Key, then the work it left for after the commit. A caller the authentication hook
// took from memory is confirmed by the request's first statement: orgAccess's, which folds the
// token's row in, or a statement of its own just before the handler's first one.
import type { FastifyRequest } from "fastify";
import type { OperationId, RouteDef } from "../api/routes";
import type { CallerOf, Ctx, Handler, ServerConfig } from "./context";
import { StaleCaller, TokenCheck, tokenCheckOf } from "./domain/tokens";
import { ApiError } from "./errors";
import { runIdempotent } from "./http/idempotency";
import { normalize, type ReplyValue } from "./http/reply";
import type { Input } from "./http/validation";
import type { Mailer } from "./mailer";
import type { Db, Queryable, StatementOpts } from "./store/db";

/**
 * Thrown by a handler whose write wrote nothing because what it had read moved under it: a
 * version checked without a lock that moved, or a row another transaction committed after the
 * statement began. The request runs again, with ctx.contended (the handler then locks before it
 * reads, or reads what is committed by then), so it runs again at most once.
 */
export class VersionMoved extends Error {
  constructor(what: string) {
    super(`${what} changed between its read and its write`);
  }
}

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
  let contended = false;
  let check: TokenCheck | null = null;
  /** The statements of one attempt: the token is checked by the first, or alone before it. */
  const confirming = (q: Queryable): Queryable => {
    // A caller from the database (or a StaleCaller's) owes no check.
    check = tokenCheckOf(req.caller, now) ?? null;
    if (!check) return q;
    const owed = check;
    return {
      async query<T>(sql: string, params?: unknown[], opts?: StatementOpts) {
        if (!owed.done) await owed.run(q);
        return q.query<T>(sql, params, opts);
      },
    };
  };
  /** Under an Idempotency-Key the stored answer is written after the handler: no statement of the handler's is the last. */
  const notLast = (q: Queryable): Queryable => ({ query: (sql, params) => q.query(sql, params) });
  const settle = async (q: Queryable) => {
    if (check && !check.done) await check.run(q);
  };
  const contextOn = (q: Queryable): Ctx<K> => ({
    q,
    // The authentication hook set it on every route that is not `auth: "none"` (nor "optional"
    // without a token); once the token's check has run, the caller it read.
    get caller() {
      return (check?.caller ?? req.caller) as CallerOf<K>;
    },
    get token() {
      return check && !check.done ? check : null;
    },
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
    contended,
  });
  const run = async (q: Queryable) => {
    // A transaction retried (a serialization failure on PostgreSQL) runs the handler again: only
    // the attempt that commits leaves work for after the commit (a mail sent once).
    afterCommit.length = 0;
    try {
      return normalize(await handler(contextOn(q)), route);
    } finally {
      // A handler that made no statement (or failed before one) still answers only a valid token.
      await settle(q);
    }
  };

  const attempt = (): Promise<ReplyValue> => {
    if (route.method === "GET") return run(confirming(services.db));
    const key = req.headers["idempotency-key"];
    const caller = req.caller;
    return services.db.tx((tx) => {
      const q = confirming(tx);
      return caller && typeof key === "string"
        ? runIdempotent(q, { accountId: caller.accountId, method: route.method, path: req.url.split("?")[0]!, key, body: req.body, now }, () => run(notLast(q)))
        : run(q);
    });
  };
  let out: ReplyValue;
  for (;;) {
    try {
      out = await attempt();
      break;
    } catch (err) {
      if (err instanceof VersionMoved) {
        // Nothing was written: run again, locking this time (what it reads is then what it writes over).
        if (!contended) {
          contended = true;
          continue;
        }
        // Moved again under a second run (an invitation whose email was invited, removed and
        // invited again meanwhile, say): the client retries, as after a serialization failure.
        throw new ApiError("unavailable", `${err.message}, again on a second run of this request; retry it`, { headers: { "retry-after": "1" } });
      }
      if (!(err instanceof StaleCaller)) throw err;
      // Rolled back: run again as the caller the database holds (rare: its account changed).
      req.caller = err.caller;
    }
  }
  if (check) await (check as TokenCheck).touch(services.db).catch((e) => req.log.warn(e, "recording the token's last use failed"));
  for (const fn of afterCommit) await Promise.resolve(fn()).catch((e) => req.log.error(e, "after-commit hook failed"));
  return out;
}
