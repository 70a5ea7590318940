// Rate limits, counted across every instance on one PostgreSQL (shared-counts.ts; on PGlite, in
// this process):
// - requests per second per account, and per IP for requests without a valid token, with
//   RateLimit-* headers and 429 + Retry-After over the limit;
// - failed authentications (a token that is malformed, unknown or expired) per minute per IP:
//   over that budget every request from the IP that carries a token is refused with 429 before
//   the token is looked up, until the minute ends, so that guessing tokens costs time.
import type { FastifyReply } from "fastify";
import { fail } from "../errors";
import type { SharedCounts } from "./shared-counts";

/** Units one instance may count for a key before the others have seen them: the bound on overshoot is (N − 1) × this. */
export const allowanceFor = (limit: number) => Math.max(1, Math.ceil(limit / 10));

/** Waits for syncs while this instance holds `allowance` unsynced units of `key`; returns at once when the store cannot be reached. */
async function withinAllowance(counts: SharedCounts, key: string, windowMs: number, allowance: number): Promise<void> {
  while (counts.unsynced(key, windowMs, Date.now()) >= allowance) {
    if (!(await counts.sync())) return; // the database is away: decide on this instance's counts
  }
}

export class RateLimiter {
  private readonly allowance: number;
  constructor(
    private readonly limit: number,
    private readonly counts: SharedCounts,
  ) {
    this.allowance = allowanceFor(limit);
  }

  /** Counts one request of `key`; 429 over the limit. `headers`: send RateLimit-* on the answer. */
  async check(key: string, res: FastifyReply, headers = true): Promise<void> {
    if (this.limit <= 0) return;
    const k = `req:${key}`;
    for (;;) {
      const nowMs = Date.now();
      const used = this.counts.used(k, 1000, nowMs) + 1;
      // Over the limit needs no sync (within a window a count only grows). Under it, the check and
      // the count happen in one turn of the event loop, so concurrent requests cannot both pass on
      // one unit of allowance; past the allowance, wait for a sync and decide again.
      if (used <= this.limit && this.counts.unsynced(k, 1000, nowMs) >= this.allowance && (await this.counts.sync())) continue;
      const reset = Math.max(1, Math.ceil((1000 - (nowMs % 1000)) / 1000));
      if (headers || used > this.limit) {
        res.header("ratelimit-limit", String(this.limit));
        res.header("ratelimit-remaining", String(Math.max(0, this.limit - used)));
        res.header("ratelimit-reset", String(reset));
      }
      if (used > this.limit) {
        fail("rate_limited", `more than ${this.limit} requests per second: retry after ${reset} s`, { headers: { "retry-after": String(reset) } });
      }
      this.counts.add(k, 1000, nowMs);
      return;
    }
  }
}

const MINUTE = 60_000;

export class AuthFailureLimiter {
  private readonly allowance: number;
  constructor(
    private readonly limit: number,
    private readonly counts: SharedCounts,
  ) {
    this.allowance = allowanceFor(limit);
  }

  /**
   * Before a token from `ip` is looked up: 429 when the IP has used its failure budget this
   * minute. Returns what to call with the lookup's outcome. Lookups already in flight when the
   * budget runs out still answer (a valid token's requests are not held back by their own
   * concurrency), so a client guessing C tokens at once gets at most C more answers per instance.
   */
  async admit(ip: string): Promise<(failed: boolean) => void> {
    if (this.limit <= 0) return () => {};
    const k = `authfail:${ip}`;
    await withinAllowance(this.counts, k, MINUTE, this.allowance);
    const nowMs = Date.now();
    if (this.counts.used(k, MINUTE, nowMs) >= this.limit) {
      const reset = Math.max(1, Math.ceil((MINUTE - (nowMs % MINUTE)) / 1000));
      fail("rate_limited", `more than ${this.limit} failed authentications from ${ip} in a minute: retry after ${reset} s with a valid token`, {
        headers: { "retry-after": String(reset) },
      });
    }
    return (failed) => {
      if (failed) this.counts.add(k, MINUTE, Date.now());
    };
  }
}
