// Browser sessions for the admin page: one-time sign-in links, the session cookie, its CSRF token,
// and the caller a request with the cookie authenticates as. The session is a second credential
// beside the bearer token: a request that sends an Authorization header is judged by it alone.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { CSRF_HEADER, SESSION_COOKIE } from "../../api/sessions";
import type { Caller, ServerConfig } from "../context";
import { fail } from "../errors";
import type { Queryable } from "../store/db";
import { selectSessionByHash, type SessionRow } from "../store/sessions";
import { hashToken } from "../domain/ids";
import { iso } from "../domain/rows";
import { toAccount, type AccountRow } from "../domain/accounts";

export const LINK_PREFIX = "osl";
export const SESSION_PREFIX = "oss";
/** Wrong TOTP codes a pending session may send before it is ended. */
export const MAX_FAILED_CODES = 5;

/** The value of one cookie of a Cookie header (RFC 6265 §5.4: `name=value` pairs split by `;`). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for the session: HttpOnly (no script reads it), SameSite=Strict, Secure behind https. */
export function sessionCookie(secret: string, maxAgeSeconds: number, config: Pick<ServerConfig, "publicUrl">): string {
  const secure = config.publicUrl.startsWith("https://") ? "; Secure" : "";
  return `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure}`;
}
export const clearedCookie = (config: Pick<ServerConfig, "publicUrl">) => sessionCookie("", 0, config);

type SessionWithAccount = SessionRow & { account: AccountRow & { is_operator: boolean; totp_last_step: string | null } };

export function toSession(s: SessionWithAccount) {
  return {
    id: s.id,
    account: toAccount(s.account),
    two_factor: s.two_factor_pending ? ("pending" as const) : s.account.totp_secret ? ("verified" as const) : ("not_enrolled" as const),
    csrf_token: s.csrf_token,
    created_at: iso(s.created_at)!,
    expires_at: iso(s.expires_at)!,
  };
}

/** The session a Cookie header names, if it is valid now; undefined when the header has none. */
export async function loadSession(q: Queryable, cookieHeader: string | undefined, now: Date, forUpdate = false): Promise<SessionWithAccount | undefined> {
  const secret = readCookie(cookieHeader, SESSION_COOKIE);
  if (!secret) return undefined;
  const row = await selectSessionByHash(q, hashToken(secret), forUpdate);
  if (!row || new Date(row.expires_at) <= now) fail("unauthenticated", "your session has ended: sign in again");
  return {
    id: row.id,
    account_id: row.account_id,
    csrf_token: row.csrf_token,
    two_factor_pending: row.two_factor_pending,
    failed_codes: row.failed_codes,
    created_at: row.created_at,
    expires_at: row.expires_at,
    account: {
      id: row.account_id,
      email: row.email as string,
      name: row.name as string,
      totp_secret: row.totp_secret as string | null,
      is_operator: row.is_operator as boolean,
      totp_last_step: row.totp_last_step as string | null,
      created_at: row.account_created_at as Date,
    },
  };
}

/** 401 unless an unsafe request carries the session's CSRF token (a GET never changes anything). */
export function requireCsrf(method: string, headers: Record<string, string | string[] | undefined>, session: Pick<SessionRow, "csrf_token">): void {
  if (method === "GET" || method === "HEAD") return;
  const sent = headers[CSRF_HEADER];
  const ok = typeof sent === "string" && sent.length === session.csrf_token.length && timingSafeEqual(Buffer.from(sent), Buffer.from(session.csrf_token));
  if (!ok) {
    fail(
      "unauthenticated",
      `a request with the session cookie that changes something must send the session's CSRF token as ${CSRF_HEADER} (GET /v1/session gives it)`,
    );
  }
}

/**
 * The caller of a request authenticated by the session cookie, or null when the request sends an
 * Authorization header (the bearer token decides) or no session cookie. The authentication hook
 * (server/http/hooks.ts) tries this first.
 */
export async function sessionCaller(q: Queryable, req: Pick<FastifyRequest, "headers" | "method">, now: Date): Promise<Caller | null> {
  if (req.headers.authorization !== undefined) return null;
  const s = await loadSession(q, req.headers.cookie, now);
  if (!s) return null;
  if (s.two_factor_pending) fail("unauthenticated", "finish signing in first: give the code of your authenticator (POST /v1/session/two-factor)");
  requireCsrf(req.method, req.headers, s);
  return {
    accountId: s.account.id,
    email: s.account.email,
    name: s.account.name,
    isOperator: s.account.is_operator,
    twoFactorEnabled: s.account.totp_secret !== null,
    tokenId: null,
    tokenOrgIds: null,
  };
}

export const newCsrfToken = () => randomBytes(24).toString("base64url");
