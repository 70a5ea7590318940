// First start: an operator account to administer the server. Its token is printed once, or taken
// from ORGS_OPERATOR_TOKEN (the secret itself) for scripted setups.
import type { Db } from "./store/db";
import { createAccountRow, issueToken } from "./domain/accounts";
import { hashToken } from "./domain/ids";
import { tokenHashExists } from "./store/tokens";
import { lockOperatorBootstrap, selectFirstOperator } from "./store/accounts";

export interface Bootstrap {
  accountId: string;
  email: string;
  token: string | null;
}

export async function ensureOperator(db: Db, opts: { email: string; token?: string; now?: Date }): Promise<Bootstrap> {
  const now = opts.now ?? new Date();
  return db.tx(async (q) => {
    // Instances starting together on one PostgreSQL take turns: the first creates the operator,
    // the others find it (without the lock, a second INSERT of the operator would find nothing to return).
    if (db.kind === "postgres") await lockOperatorBootstrap(q);
    const existing = await selectFirstOperator(q);
    const tenYears = new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000);
    if (existing) {
      // A configured token that the database does not know yet is added (e.g. after rotation).
      if (opts.token) {
        if (!(await tokenHashExists(q, hashToken(opts.token))))
          await issueToken(q, existing.id, { name: "operator (ORGS_OPERATOR_TOKEN)", expiresAt: tenYears, secret: opts.token }, now);
      }
      return { accountId: existing.id, email: existing.email, token: null };
    }
    const account = await createAccountRow(q, { email: opts.email, name: "Operator", isOperator: true }, now);
    const t = await issueToken(q, account.id, { name: "operator", expiresAt: tenYears, secret: opts.token }, now);
    return { accountId: account.id, email: account.email, token: opts.token ? null : t.token };
  });
}
