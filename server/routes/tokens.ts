// Self-service: the caller's API tokens and TOTP two-factor authentication.
import type { Handlers } from "../context";
import { issueToken, toAccount, toToken } from "../domain/accounts";
import { activatePendingTwoFactor, clearTwoFactor, lockTwoFactor, selectMemberOrgIds, setPendingTwoFactor } from "../store/accounts";
import { deleteToken, selectTokenPage } from "../store/tokens";
import { decodeCursor, pageOf } from "../http/pages";
import { newTotpSecret, otpauthUrl, verifyTotp } from "../domain/totp";
import { fail, invalid } from "../errors";
import { requireUnrestrictedToken } from "../domain/access";
import { reply } from "../http/reply";

const YEAR_MS = 366 * 24 * 3600 * 1000;

export const tokenHandlers = {
  async listTokens(ctx) {
    const limit = ctx.query.limit ?? 30;
    // A restricted token sees only tokens restricted within its organizations (store/tokens.ts).
    const rows = await selectTokenPage(ctx.q, ctx.caller.accountId, ctx.caller.tokenOrgIds, decodeCursor(ctx.query.cursor), limit + 1);
    return pageOf(rows, limit, (r) => r.id, toToken);
  },

  async createToken(ctx) {
    const b = ctx.body;
    const expiresAt = new Date(b.expires_at);
    if (expiresAt <= ctx.now) invalid("/expires_at", "must be in the future");
    if (expiresAt.getTime() - ctx.now.getTime() > YEAR_MS) invalid("/expires_at", "must be at most one year away");
    if (b.organization_ids) {
      const mine = await selectMemberOrgIds(ctx.q, ctx.caller.accountId, b.organization_ids);
      b.organization_ids.forEach((id, i) => {
        if (!mine.includes(id)) invalid(`/organization_ids/${i}`, `${id} is not an organization you belong to`);
      });
    }
    // A restricted token cannot mint a broader one.
    if (ctx.caller.tokenOrgIds) {
      const scope = ctx.caller.tokenOrgIds;
      const wanted = b.organization_ids ?? null;
      if (!wanted || wanted.some((id) => !scope.includes(id))) {
        fail("privilege_escalation", "this token is restricted to some organizations and cannot create a token for others", {
          errors: [{ field: "/organization_ids", code: "invalid", message: "must be within the current token's organizations" }],
        });
      }
    }
    const token = await issueToken(ctx.q, ctx.caller.accountId, { name: b.name, expiresAt, organizationIds: b.organization_ids ?? null }, ctx.now);
    return reply({ status: 201, body: token, headers: { location: `/v1/me/tokens/${token.id}` } });
  },

  async deleteToken(ctx) {
    if (!(await deleteToken(ctx.q, ctx.caller.accountId, ctx.params.token_id, ctx.caller.tokenOrgIds))) {
      fail(
        "not_found",
        ctx.caller.tokenOrgIds
          ? `you have no token ${ctx.params.token_id} restricted to this token's organizations (a restricted token sees and revokes only those)`
          : `you have no token ${ctx.params.token_id}`,
      );
    }
  },

  async enrollTwoFactor(ctx) {
    requireUnrestrictedToken(ctx.caller, "change the account's two-factor authentication");
    const acct = await lockTwoFactor(ctx.q, ctx.caller.accountId);
    if (acct.totp_secret) fail("already_exists", "two-factor authentication is already enabled: disable it first to enrol a new authenticator");
    // Pending until confirmed with a code, so a half-done enrolment never locks anyone out.
    const secret = newTotpSecret();
    await setPendingTwoFactor(ctx.q, ctx.caller.accountId, secret);
    return reply({ status: 201, body: { secret, otpauth_url: otpauthUrl(secret, ctx.caller.email) } });
  },

  async confirmTwoFactor(ctx) {
    requireUnrestrictedToken(ctx.caller, "change the account's two-factor authentication");
    const secret = (await lockTwoFactor(ctx.q, ctx.caller.accountId)).totp_pending_secret;
    if (!secret) fail("invalid_two_factor_code", "there is no enrolment to confirm: start one with POST /v1/me/two-factor");
    const step = verifyTotp(secret, ctx.body.code, ctx.now);
    if (step === null) invalid("/code", "is not the current code of the enrolled authenticator", "invalid_two_factor_code");
    return toAccount(await activatePendingTwoFactor(ctx.q, ctx.caller.accountId, step));
  },

  async disableTwoFactor(ctx) {
    requireUnrestrictedToken(ctx.caller, "change the account's two-factor authentication");
    const acct = await lockTwoFactor(ctx.q, ctx.caller.accountId);
    if (!acct.totp_secret) fail("not_found", "two-factor authentication is not enabled");
    const used = acct.totp_last_step === null ? null : Number(acct.totp_last_step);
    if (verifyTotp(acct.totp_secret, ctx.body.code, ctx.now, used) === null) {
      invalid("/code", "is not a current code of your authenticator that was not used before: wait for the next one", "invalid_two_factor_code");
    }
    await clearTwoFactor(ctx.q, ctx.caller.accountId);
  },
} satisfies Partial<Handlers>;
