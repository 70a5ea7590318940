// The one place that decides whether a bearer token is valid, and reports each decision to the
// per-IP failed-authentication budget (server/http/ratelimit.ts), wherever it is made.
//
// A token this instance has seen valid is not looked up again before the request: the hooks need
// only its account (for the rate limit), and the request's first statement checks the token
// itself (TokenCheck.run, or callerTokenSql folded into orgAccess's query), so a revoked or expired
// token is refused inside the transaction before anything it did is committed. That is one round
// trip to the database fewer per request. Either way the decision is callerOf's, and a 401 there
// counts against the IP's budget: a token revoked after this instance cached it costs a guesser
// as much as an unknown one.
import type { Caller } from "../context";
import { fail } from "../errors";
import type { Queryable } from "../store/db";
import { selectCallerToken, stampTokenUse, type CallerTokenRow } from "../store/tokens";

/** Told the outcome of one token decision: `failed` is true for a 401 (counted against the IP's budget). */
export type AuthOutcome = (failed: boolean) => void;

/** Callers of tokens seen valid by this instance, by token hash: their account and token never change. */
const seen = new Map<string, Caller>();
const SEEN_MAX = 10_000;
/** Callers handed out from `seen`, not yet confirmed by the database: what their request's first statement must check. */
const unconfirmed = new WeakMap<Caller, { hash: string; outcome: AuthOutcome }>();

/** `last_used_at` is informational: written at most once a minute per token, after the caller is known. */
async function touchToken(db: Queryable, caller: Caller, row: Pick<CallerTokenRow, "last_used_at">, now: Date): Promise<void> {
  if (row.last_used_at && now.getTime() - new Date(row.last_used_at).getTime() <= 60_000) return;
  await stampTokenUse(db, caller.tokenId!, now);
}

/**
 * The decision: the caller of a token row (and remembered as seen valid), or a 401 (no row, or
 * expired). `outcome` hears which.
 */
function callerOf(row: CallerTokenRow | undefined, hash: string, now: Date, outcome: AuthOutcome): Caller {
  const refuse = (message: string): never => {
    seen.delete(hash);
    outcome(true);
    fail("unauthenticated", message);
  };
  if (!row) refuse("the API token is not valid");
  if (new Date(row!.expires_at) <= now) refuse("the API token has expired: create a new one");
  outcome(false);
  const caller: Caller = {
    accountId: row!.account_id,
    email: row!.email,
    name: row!.name,
    isOperator: row!.is_operator,
    twoFactorEnabled: row!.totp_secret !== null,
    tokenId: row!.token_id,
    tokenOrgIds: row!.organization_ids,
  };
  if (seen.size >= SEEN_MAX) seen.delete(seen.keys().next().value!);
  seen.set(hash, caller);
  return caller;
}

/**
 * The caller of the token with SHA-256 `hash`; 401 for an unknown or expired one. A token seen
 * valid before comes from memory, unconfirmed: the request's first statement confirms it
 * (server/operation.ts makes sure of it), and `outcome` hears the decision then.
 */
export async function authenticateToken(db: Queryable, hash: string, now: Date, outcome: AuthOutcome): Promise<Caller> {
  const known = seen.get(hash);
  if (known) {
    const caller = { ...known };
    unconfirmed.set(caller, { hash, outcome });
    return caller;
  }
  const row = await selectCallerToken(db, hash);
  const caller = callerOf(row, hash, now, outcome);
  await touchToken(db, caller, row!, now);
  return caller;
}

/** Thrown when the remembered caller turns out stale: the request runs again, as `caller`. */
export class StaleCaller extends Error {
  constructor(readonly caller: Caller) {
    super("the caller changed since this instance last saw its token");
  }
}

/**
 * The check an unconfirmed caller's request still owes (none: undefined): the first statement of
 * the request takes it (orgAccess folds the token's row into its own query; otherwise
 * server/operation.ts runs it alone before the handler's first statement) and settles it with
 * the row it read.
 */
export function tokenCheckOf(caller: Caller | null, now: Date): TokenCheck | undefined {
  const owed = caller ? unconfirmed.get(caller) : undefined;
  return owed && caller ? new TokenCheck(owed.hash, now, caller, owed.outcome) : undefined;
}

export class TokenCheck {
  private settled: { caller: Caller; row: CallerTokenRow } | null = null;
  private taken = false;
  constructor(
    readonly hash: string,
    private readonly now: Date,
    /** The caller the request has run with so far (from memory). */
    private readonly remembered: Caller,
    private readonly outcome: AuthOutcome,
  ) {}

  /** Whether a statement has taken the check already. */
  get done(): boolean {
    return this.taken;
  }

  /** The confirmed caller, once settled. */
  get caller(): Caller | undefined {
    return this.settled?.caller;
  }

  /** The statement about to run checks the token: the hash to pass it. */
  take(): string {
    this.taken = true;
    return this.hash;
  }

  /** The token's row as the statement read it (none: unknown or revoked): the fresh caller, or a 401. */
  settle(row: CallerTokenRow | null | undefined): Caller {
    const caller = callerOf(row ?? undefined, this.hash, this.now, this.outcome);
    this.settled = { caller, row: row! };
    // The account changed since this instance saw it (a name, 2FA): what the request decided on
    // the old caller is thrown away, and it runs again with the new one.
    if (JSON.stringify(caller) !== JSON.stringify(this.remembered)) throw new StaleCaller(caller);
    return caller;
  }

  /** Checks the token in a statement of its own. */
  async run(q: Queryable): Promise<Caller> {
    return this.settle(await selectCallerToken(q, this.take()));
  }

  /** Writes last_used_at when it is due (after the request's transaction). */
  async touch(db: Queryable): Promise<void> {
    if (this.settled) await touchToken(db, this.settled.caller, this.settled.row, this.now);
  }
}
