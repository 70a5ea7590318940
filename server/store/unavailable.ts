// The database went away under a request: PostgreSQL restarted, the network dropped, the pool could
// not connect. The request is answered 503 `unavailable` (server/http/problems.ts), and the process
// goes on: the next request gets a new connection once PostgreSQL is back.
const CODE = "orgs_database_unavailable";

/**
 * The connection to the database was lost, or could not be made. `commitUnknown` says the
 * connection broke while COMMIT was on its way: the transaction may have committed, and only a
 * retry with the same Idempotency-Key can tell (it replays the stored answer, or applies the change).
 */
export class DatabaseUnavailable extends Error {
  readonly code = CODE;
  constructor(
    readonly cause: unknown,
    readonly commitUnknown = false,
  ) {
    super(`${commitUnknown ? "connection lost during COMMIT" : "database unavailable"}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  static isInstance(e: unknown): e is DatabaseUnavailable {
    return typeof e === "object" && e !== null && (e as { code?: unknown }).code === CODE;
  }
}

/**
 * An error from node-postgres that means the connection, not the statement, failed: anything that
 * is not PostgreSQL's own answer (a DatabaseError, whose SQLSTATE decides) nor a bug of ours (a
 * TypeError, say). node-postgres raises plain Errors without a code for a connection that ended
 * ("Connection terminated unexpectedly", "… not queryable") or timed out, and Node raises plain
 * Errors with an errno code (ECONNREFUSED, ECONNRESET) or an AggregateError of them for sockets.
 */
export function isConnectionError(err: unknown): boolean {
  if (DatabaseUnavailable.isInstance(err)) return false;
  // node-postgres's DatabaseError is a subclass: its constructor is not Error.
  return err instanceof Error && (err.constructor === Error || err instanceof AggregateError);
}

/** PostgreSQL's SQLSTATE on one of its own answers (node-postgres's DatabaseError, or PGlite's); undefined otherwise. */
function sqlState(err: unknown): string | undefined {
  if (!(err instanceof Error) || err.constructor === Error) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Rethrows a connection error as DatabaseUnavailable; anything else as it is. */
export function rethrowLost(err: unknown): never {
  throw isConnectionError(err) ? new DatabaseUnavailable(err) : err;
}

/**
 * The error for a COMMIT that failed. PostgreSQL's definite refusals (a serialization failure, a
 * deferred constraint) mean nothing was written. No answer, or a shutdown or crash message
 * (SQLSTATE classes 08, 57P, XX), leaves the outcome unknown: PostgreSQL may have made the commit
 * durable before the connection went.
 */
export function commitError(err: unknown): unknown {
  const sqlstate = sqlState(err);
  if (sqlstate === undefined ? isConnectionError(err) : /^(08|57P|XX)/.test(sqlstate)) return new DatabaseUnavailable(err, true);
  return err;
}
