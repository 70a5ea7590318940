// Bearer tokens: looked up by their SHA-256, never stored in the clear.
//
// A token this instance has seen valid is not looked up again before the request: the hooks need
// only its account (for the rate limit), and the request's first statement checks the token
// itself (confirmToken, or TOKEN_CHECK folded into orgAccess's query), so a revoked or expired
// token is refused inside the transaction before anything it did is committed. That is one round
// trip to the database fewer per request.
import { createHash } from "node:crypto";
import type { Caller } from "../context";
import { fail } from "../errors";
import type { Queryable } from "../store/db";

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface TokenRow {
  token_id: string;
  account_id: string;
  email: string;
  name: string;
  is_operator: boolean;
  totp_secret: string | null;
  organization_ids: string[] | null;
  expires_at: Date | string;
  last_used_at: Date | string | null;
}

/** The row a caller is made of, for the token whose SHA-256 is the parameter `hash` (`$1`…): one row or none. */
export const tokenRowSql = (hash: string) => `SELECT t.id AS token_id, t.organization_ids, t.expires_at, t.last_used_at, a.id AS account_id, a.email, a.name,
       a.is_operator, a.totp_secret FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ${hash}`;

/** Callers of tokens seen valid by this instance, by token hash: their account and token never change. */
const seen = new Map<string, Caller>();
const SEEN_MAX = 10_000;
/** Callers handed out from `seen`, not yet confirmed by the database: the token hash to check. */
const unconfirmed = new WeakMap<Caller, string>();

/** The token hash a caller's request must still check in its first statement (a caller from the cache), or undefined. */
export const tokenToConfirm = (caller: Caller | null): string | undefined => (caller ? unconfirmed.get(caller) : undefined);

/** `last_used_at` is informational: written at most once a minute per token, after the caller is known. */
export async function touchToken(db: Queryable, caller: Caller, row: Pick<TokenRow, "last_used_at">, now: Date): Promise<void> {
  if (row.last_used_at && now.getTime() - new Date(row.last_used_at).getTime() <= 60_000) return;
  await db.query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", [caller.tokenId, now]);
}

/** The caller of a token row (and remembered as seen valid), or a 401: no row, or expired. */
export function callerOf(row: TokenRow | undefined, hash: string, now: Date): Caller {
  if (!row) {
    seen.delete(hash);
    fail("unauthenticated", "the API token is not valid");
  }
  if (new Date(row.expires_at) <= now) {
    seen.delete(hash);
    fail("unauthenticated", "the API token has expired: create a new one");
  }
  const caller: Caller = {
    accountId: row.account_id,
    email: row.email,
    name: row.name,
    isOperator: row.is_operator,
    twoFactorEnabled: row.totp_secret !== null,
    tokenId: row.token_id,
    tokenOrgIds: row.organization_ids,
  };
  if (seen.size >= SEEN_MAX) seen.delete(seen.keys().next().value!);
  seen.set(hash, caller);
  return caller;
}

function bearer(header: string | undefined): string {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) fail("unauthenticated", header ? "the Authorization header must be `Bearer <token>`" : "send an API token as `Authorization: Bearer <token>`");
  return hashToken(m[1]!);
}

/**
 * The caller of an `Authorization: Bearer` header; 401 for a missing, malformed, unknown or
 * expired token. A token seen valid before comes from memory, unconfirmed: the request's first
 * statement confirms it (server/operation.ts makes sure of it).
 */
export async function authenticate(db: Queryable, header: string | undefined, now: Date): Promise<Caller> {
  const hash = bearer(header);
  const known = seen.get(hash);
  if (known) {
    const caller = { ...known };
    unconfirmed.set(caller, hash);
    return caller;
  }
  const [row] = await db.query<TokenRow>(tokenRowSql("$1"), [hash]);
  const caller = callerOf(row, hash, now);
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
 * The check an unconfirmed caller's request still owes: the first statement of the request takes
 * it (orgAccess folds the token's row into its own query; otherwise server/operation.ts runs it
 * alone before the handler's first statement) and settles it with the row it read.
 */
export class TokenCheck {
  private settled: { caller: Caller; row: TokenRow } | null = null;
  private taken = false;
  constructor(
    readonly hash: string,
    private readonly now: Date,
    /** The caller the request has run with so far (from memory). */
    private readonly remembered: Caller,
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
  settle(row: TokenRow | null | undefined): Caller {
    const caller = callerOf(row ?? undefined, this.hash, this.now);
    this.settled = { caller, row: row! };
    // The account changed since this instance saw it (a name, 2FA): what the request decided on
    // the old caller is thrown away, and it runs again with the new one.
    if (JSON.stringify(caller) !== JSON.stringify(this.remembered)) throw new StaleCaller(caller);
    return caller;
  }

  /** Checks the token in a statement of its own. */
  async run(q: Queryable): Promise<Caller> {
    const [row] = await q.query<TokenRow>(tokenRowSql("$1"), [this.take()]);
    return this.settle(row);
  }

  /** Writes last_used_at when it is due (after the request's transaction). */
  async touch(db: Queryable): Promise<void> {
    if (this.settled) await touchToken(db, this.settled.caller, this.settled.row, this.now);
  }
}
