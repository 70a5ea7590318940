// What a handler sees: the caller, one transaction, the clock, the mailer. Handlers are keyed by
// the route table's operation IDs, so a route without a handler fails to compile.
import type { OperationId, ParamsOf, ParsedBodyOf, ParsedQueryOf, Routes } from "../api/routes";
import type { Queryable } from "./store/db";
import type { Mailer } from "./mailer";
import type { TokenCheck } from "./domain/tokens";

export interface Caller {
  accountId: string;
  email: string;
  name: string;
  isOperator: boolean;
  twoFactorEnabled: boolean;
  tokenId: string | null;
  /** Orgs the token is restricted to; null means every org of the account. */
  tokenOrgIds: string[] | null;
}

export interface ServerConfig {
  /** Invitations an organization may send per 24 hours. */
  invitationQuota: number;
  /** Requests per second per account (per IP without a valid token); 0 turns rate limiting off. */
  rateLimit: number;
  /** Failed authentications per minute per IP before its requests with a token are refused; 0: no limit. */
  authFailureLimit: number;
  maxTeamsPerOrg: number;
  invitationTtlMs: number;
  publicUrl: string;
  /** Who may sign up through POST /v1/accounts: anyone, or nobody (the operator creates accounts). */
  signup: "open" | "closed";
  /** Browser sessions (server/admin/sessions.ts): how long one lasts, how long a sign-in link works, mails per address per hour. */
  sessionTtlMs: number;
  signInLinkTtlMs: number;
  signInMailsPerHour: number;
}

export const DEFAULT_CONFIG: ServerConfig = {
  invitationQuota: 50,
  rateLimit: 30,
  authFailureLimit: 60,
  maxTeamsPerOrg: 250,
  invitationTtlMs: 7 * 24 * 3600 * 1000,
  publicUrl: "http://127.0.0.1:8080",
  signup: "open",
  sessionTtlMs: 12 * 3600 * 1000,
  signInLinkTtlMs: 15 * 60 * 1000,
  signInMailsPerHour: 5,
};

/** The caller a handler sees: null only on the routes anyone may call (`auth: "none"` or `"optional"`). */
export type CallerOf<K extends OperationId> = K extends OperationId ? (Routes[K] extends { auth: "none" | "optional" } ? Caller | null : Caller) : never;

export interface Ctx<K extends OperationId = OperationId> {
  /**
   * The request's one transaction (writes) or the database (reads). There is no other handle on
   * the database: work that must wait for the commit goes to afterCommit.
   */
  q: Queryable;
  /** The caller, as the request's first statement confirmed it (server/http/auth.ts). */
  caller: CallerOf<K>;
  /**
   * The token check the request's first statement owes, while it owes one (a token this instance
   * has seen valid before): orgAccess folds it into its query. Null when there is none.
   */
  token: TokenCheck | null;
  params: ParamsOf<K>;
  query: ParsedQueryOf<K>;
  body: ParsedBodyOf<K>;
  headers: Record<string, string | undefined>;
  requestId: string;
  ip: string;
  userAgent: string | null;
  now: Date;
  config: ServerConfig;
  mailer: Mailer;
  /** Runs after the transaction commits (e.g. SMTP delivery). */
  afterCommit(fn: () => Promise<void> | void): void;
  /**
   * The request runs again because its optimistic write found the row's version moved
   * (server/operation.ts's VersionMoved): this time the handler locks what it changes.
   */
  contended: boolean;
}

/** A handler returns the response body, or reply() for a status or headers of its own. */
export type Handler<K extends OperationId> = (ctx: Ctx<K>) => Promise<unknown>;
export type Handlers = { [K in OperationId]: Handler<K> };
