// Sign-up and the caller's own account.
import type { Handlers } from "../context";
import { createAccountRow, issueToken, toAccount } from "../domain/accounts";
import { selectAccount, selectMemberships, updateAccountName } from "../store/accounts";
import { fail } from "../errors";
import { reply } from "../http/reply";

const TOKEN_TTL_MS = 90 * 24 * 3600 * 1000;

export const accountHandlers = {
  async createAccount(ctx) {
    if (ctx.config.signup === "closed" && !ctx.caller?.isOperator) {
      fail("forbidden", "sign-up is closed on this server: ask the operator for an account");
    }
    const account = await createAccountRow(ctx.q, ctx.body, ctx.now);
    if (!account)
      fail("already_exists", `an account with email ${ctx.body.email} already exists`, {
        errors: [{ field: "/email", code: "already_exists", message: "is taken" }],
      });
    const token = await issueToken(ctx.q, account.id, { name: "sign-up", expiresAt: new Date(ctx.now.getTime() + TOKEN_TTL_MS) }, ctx.now);
    return reply({ status: 201, body: { account: toAccount(account), token }, headers: { location: "/v1/me" } });
  },

  async getMe(ctx) {
    const account = await selectAccount(ctx.q, ctx.caller.accountId);
    // A restricted token sees only its organizations.
    const memberships = await selectMemberships(ctx.q, ctx.caller.accountId, ctx.caller.tokenOrgIds);
    return { ...toAccount(account!), memberships };
  },

  async updateMe(ctx) {
    const account = await updateAccountName(ctx.q, ctx.caller.accountId, ctx.body.name ?? null);
    return toAccount(account!);
  },
} satisfies Partial<Handlers>;
