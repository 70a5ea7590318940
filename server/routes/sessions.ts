// Signing in to the admin page: a one-time link by email, then the TOTP code when the account has
// 2FA; the session is a cookie (server/admin/sessions.ts). These routes read the cookie themselves:
// a session waiting for its code may use only them.
import type { Ctx, Handlers } from "../context";
import { ApiError, fail } from "../errors";
import { reply } from "../http/reply";
import { hashToken, newId, newSecret } from "../domain/ids";
import { verifyTotp } from "../domain/totp";
import {
  clearedCookie,
  LINK_PREFIX,
  loadSession,
  MAX_FAILED_CODES,
  newCsrfToken,
  requireCsrf,
  SESSION_PREFIX,
  sessionCookie,
  toSession,
} from "../admin/sessions";
import { selectAccountByEmail, updateTotpLastStep } from "../store/accounts";
import {
  completeSessionTwoFactor,
  deleteSession,
  insertSession,
  insertSignInLink,
  lockSignInAddress,
  lockSignInLinkByHash,
  markSignInLinkUsed,
  selectSignInLinkTimes,
  updateSessionFailedCodes,
} from "../store/sessions";

const HOUR_MS = 3600_000;

/** The session of the request's cookie (401 without one); locked for a write. */
async function current(ctx: Ctx, forUpdate = true) {
  const s = await loadSession(ctx.q, ctx.headers.cookie, ctx.now, forUpdate);
  if (!s) fail("unauthenticated", "no session: sign in at /admin (the session cookie was not sent)");
  return s;
}

export const sessionHandlers = {
  async requestSignInLink(ctx) {
    const email = ctx.body.email;
    const normalized = email.trim().toLowerCase();
    const windowStart = new Date(ctx.now.getTime() - HOUR_MS);
    // One request per address at a time, across every server on the database: the lock is held to
    // this transaction's commit, so the count below includes every link committed before it, and a
    // parallel burst sends exactly the limit (a count alone lets concurrent requests all pass).
    // Addresses whose hashes collide merely wait for each other.
    await lockSignInAddress(ctx.q, normalized);
    const recent = await selectSignInLinkTimes(ctx.q, normalized, windowStart);
    const limit = ctx.config.signInMailsPerHour;
    if (recent.length >= limit) {
      const retry = Math.max(1, Math.ceil((new Date(recent[recent.length - limit]!.created_at).getTime() + HOUR_MS - ctx.now.getTime()) / 1000));
      fail("rate_limited", `${limit} sign-in links were sent to ${email} in the last hour: use the last one, or retry after ${retry} s`, {
        headers: { "retry-after": String(retry) },
      });
    }
    const account = await selectAccountByEmail(ctx.q, normalized);
    const secret = newSecret(LINK_PREFIX);
    const expiresAt = new Date(ctx.now.getTime() + ctx.config.signInLinkTtlMs);
    await insertSignInLink(
      ctx.q,
      { id: newId("sil"), normalized, accountId: account?.id ?? null, hash: account ? hashToken(secret) : null, expiresAt },
      ctx.now,
    );
    // No account, no mail; the answer is the same, so it tells nobody which addresses have one.
    if (account) {
      const minutes = Math.round(ctx.config.signInLinkTtlMs / 60_000);
      const link = `${ctx.config.publicUrl}/admin/sign-in#token=${secret}`;
      await ctx.mailer.send(
        ctx.q,
        {
          organizationId: null,
          to: account.email,
          subject: "Sign in to orgs",
          text: `Open this link to sign in to the orgs admin page:\n\n${link}\n\nIt works once, for ${minutes} minutes. If you did not ask for it, ignore this mail.\n`,
        },
        ctx.afterCommit,
      );
    }
    return reply({ status: 202, body: { email, link_expires_at: expiresAt.toISOString() } });
  },

  async createSession(ctx) {
    const link = await lockSignInLinkByHash(ctx.q, hashToken(ctx.body.token));
    if (!link) fail("unauthenticated", "this sign-in link is not valid: ask for a new one at /admin/sign-in");
    if (link.used_at) fail("unauthenticated", "this sign-in link was used already (each link signs in once): ask for a new one at /admin/sign-in");
    if (new Date(link.expires_at) <= ctx.now) fail("unauthenticated", "this sign-in link has expired: ask for a new one at /admin/sign-in");
    await markSignInLinkUsed(ctx.q, link.id, ctx.now);
    // With 2FA the session waits for the code, for as long as a link lives.
    const pending = link.totp_secret !== null;
    const ttl = pending ? ctx.config.signInLinkTtlMs : ctx.config.sessionTtlMs;
    const secret = newSecret(SESSION_PREFIX);
    await insertSession(
      ctx.q,
      {
        id: newId("sess"),
        accountId: link.account_id,
        hash: hashToken(secret),
        csrfToken: newCsrfToken(),
        twoFactorPending: pending,
        expiresAt: new Date(ctx.now.getTime() + ttl),
      },
      ctx.now,
    );
    const s = await loadSession(ctx.q, `orgs_session=${secret}`, ctx.now);
    return reply({ status: 201, body: toSession(s!), headers: { "set-cookie": sessionCookie(secret, ttl / 1000, ctx.config), "cache-control": "no-store" } });
  },

  async getSession(ctx) {
    const s = await current(ctx, false);
    return reply({ body: toSession(s), headers: { "cache-control": "no-store" } });
  },

  async verifySessionTwoFactor(ctx) {
    const s = await current(ctx);
    requireCsrf("POST", ctx.headers, s);
    if (!s.two_factor_pending) return toSession(s);
    const used = s.account.totp_last_step === null ? null : Number(s.account.totp_last_step);
    const step = verifyTotp(s.account.totp_secret!, ctx.body.code, ctx.now, used);
    if (step === null) {
      // Answered, not thrown: the count of wrong codes must commit with the answer.
      const failed = s.failed_codes + 1;
      if (failed >= MAX_FAILED_CODES) await deleteSession(ctx.q, s.id);
      else await updateSessionFailedCodes(ctx.q, s.id, failed);
      const e =
        failed >= MAX_FAILED_CODES
          ? new ApiError("unauthenticated", `${MAX_FAILED_CODES} wrong codes: this sign-in is over; ask for a new link at /admin/sign-in`)
          : new ApiError("invalid_two_factor_code", "code: is not the current code of your authenticator, or was used already", {
              errors: [{ field: "/code", code: "invalid", message: "is not the current code of your authenticator" }],
              attempts_left: MAX_FAILED_CODES - failed,
            });
      return reply({ status: e.status, body: e.toProblem("/v1/session/two-factor", ctx.requestId) });
    }
    await updateTotpLastStep(ctx.q, s.account.id, step);
    // A new secret once the second factor is given, so a cookie seen before it is worth nothing.
    const secret = newSecret(SESSION_PREFIX);
    await completeSessionTwoFactor(ctx.q, s.id, hashToken(secret), new Date(ctx.now.getTime() + ctx.config.sessionTtlMs));
    const next = await loadSession(ctx.q, `orgs_session=${secret}`, ctx.now);
    return reply({
      body: toSession(next!),
      headers: { "set-cookie": sessionCookie(secret, ctx.config.sessionTtlMs / 1000, ctx.config), "cache-control": "no-store" },
    });
  },

  async deleteSession(ctx) {
    const s = await current(ctx);
    requireCsrf("DELETE", ctx.headers, s);
    await deleteSession(ctx.q, s.id);
    return reply({ status: 204, headers: { "set-cookie": clearedCookie(ctx.config) } });
  },
} satisfies Partial<Handlers>;
