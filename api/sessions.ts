// Browser sessions (the admin page at /admin): an email link signs in, then the TOTP code when the
// account has 2FA. The session is an HttpOnly, SameSite=Strict cookie; every unsafe request made
// with it carries the session's CSRF token in X-CSRF-Token. API tokens keep working as before: a
// request with an Authorization header is authenticated by it alone.
import { z } from "zod";
import { Email } from "./common";
import { TwoFactorCode } from "./requests";
import { Account } from "./resources";
import type { RouteDef } from "./routes";

/** The cookie's name and the header that carries the CSRF token. */
export const SESSION_COOKIE = "orgs_session";
export const CSRF_HEADER = "x-csrf-token";

export const SignInLinkRequest = z.strictObject({ email: Email });
export const SignInLinkSent = z.object({
  email: z.string().describe("Where the link went, if an account has this address (the answer is the same when none has: it reveals no account)."),
  link_expires_at: z.string().describe("RFC 3339: the link works once, until then."),
});

export const SessionCreate = z.strictObject({ token: z.string().min(1).max(200).describe("The token of the sign-in link (after `#token=`).") });

export const Session = z.object({
  id: z.string().describe("sess_…"),
  account: Account,
  two_factor: z
    .enum(["verified", "pending", "not_enrolled"])
    .describe("pending: the account has 2FA and the code has not been given: the session can only give it (POST /v1/session/two-factor) or sign out."),
  csrf_token: z.string().describe("Send it as X-CSRF-Token on every request with the cookie that is not a GET."),
  created_at: z.string(),
  expires_at: z.string().describe("The cookie and the session end then (absolute, not renewed by use)."),
});

export const sessionRoutes = {
  requestSignInLink: {
    method: "POST",
    path: "/v1/sessions/sign-in-link",
    auth: "none",
    summary: "Mail a one-time sign-in link for the admin page (rate-limited per address)",
    body: SignInLinkRequest,
    response: SignInLinkSent,
    status: 202,
    errors: [],
  },
  createSession: {
    method: "POST",
    path: "/v1/sessions",
    auth: "none",
    summary: "Open a session with a sign-in link's token: sets the HttpOnly session cookie",
    body: SessionCreate,
    response: Session,
    status: 201,
    location: false,
    errors: ["unauthenticated"],
  },
  getSession: {
    method: "GET",
    path: "/v1/session",
    auth: "none",
    session: true,
    summary: "The session of the cookie sent, with its CSRF token",
    response: Session,
    errors: ["unauthenticated"],
  },
  verifySessionTwoFactor: {
    method: "POST",
    path: "/v1/session/two-factor",
    auth: "none",
    session: true,
    summary: "Give the TOTP code of a session whose account has 2FA",
    body: TwoFactorCode,
    response: Session,
    errors: ["unauthenticated", "invalid_two_factor_code"],
  },
  deleteSession: {
    method: "DELETE",
    path: "/v1/session",
    auth: "none",
    session: true,
    summary: "Sign out: ends the session and clears the cookie",
    status: 204,
    errors: ["unauthenticated"],
  },
} as const satisfies Record<string, RouteDef>;
