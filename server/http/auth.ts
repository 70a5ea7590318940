// Bearer tokens on the wire: the Authorization header read, then the token decided by
// server/domain/tokens.ts (the one place that decides, and reports to the failure budget).
import type { Caller } from "../context";
import { hashToken } from "../domain/ids";
import { authenticateToken, type AuthOutcome } from "../domain/tokens";
import { fail } from "../errors";
import type { Queryable } from "../store/db";

/**
 * The caller of an `Authorization: Bearer` header; 401 for a missing, malformed, unknown or
 * expired token. `outcome` hears whether a header that was sent failed (a malformed one at once;
 * a token's own decision when it is made, which for a token seen valid before is the request's
 * first statement).
 */
export async function authenticate(db: Queryable, header: string | undefined, now: Date, outcome: AuthOutcome = () => {}): Promise<Caller> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) {
    if (header !== undefined) outcome(true);
    fail("unauthenticated", header ? "the Authorization header must be `Bearer <token>`" : "send an API token as `Authorization: Bearer <token>`");
  }
  return authenticateToken(db, hashToken(m[1]!), now, outcome);
}
