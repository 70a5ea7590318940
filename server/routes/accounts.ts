// Sign-up and the caller's own account.
import type { Handlers } from "../context";
import { createAccountRow, issueToken, toAccount, type AccountRow } from "../domain/accounts";
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
    const [account] = await ctx.q.query<AccountRow>("SELECT id, email, name, totp_secret, created_at FROM accounts WHERE id = $1", [ctx.caller.accountId]);
    const memberships = await ctx.q.query<{ organization_id: string; organization_slug: string; member_id: string; is_owner: boolean }>(
      `SELECT o.id AS organization_id, o.slug AS organization_slug, m.id AS member_id, o.owner_account_id = m.account_id AS is_owner
         FROM members m JOIN organizations o ON o.id = m.organization_id
        WHERE m.account_id = $1 AND m.joined_at IS NOT NULL AND ($2::text[] IS NULL OR o.id = ANY($2)) ORDER BY o.id`,
      // A restricted token sees only its organizations.
      [ctx.caller.accountId, ctx.caller.tokenOrgIds],
    );
    return { ...toAccount(account!), memberships };
  },

  async updateMe(ctx) {
    const [account] = await ctx.q.query<AccountRow>(
      "UPDATE accounts SET name = COALESCE($2, name) WHERE id = $1 RETURNING id, email, name, totp_secret, created_at",
      [ctx.caller.accountId, ctx.body.name ?? null],
    );
    return toAccount(account!);
  },
} satisfies Partial<Handlers>;
