// Requests per second per account (per IP before authentication), with RateLimit-* headers and
// 429 + Retry-After over the limit. Counted per server instance.
import type { FastifyReply } from "fastify";
import { fail } from "../errors";

export class RateLimiter {
  private window = 0;
  private counts = new Map<string, number>();
  constructor(private readonly limit: number) {}

  check(key: string, res: FastifyReply): void {
    if (this.limit <= 0) return;
    const nowMs = Date.now();
    const window = Math.floor(nowMs / 1000);
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const used = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, used);
    const reset = Math.max(1, Math.ceil(((window + 1) * 1000 - nowMs) / 1000));
    res.header("ratelimit-limit", String(this.limit));
    res.header("ratelimit-remaining", String(Math.max(0, this.limit - used)));
    res.header("ratelimit-reset", String(reset));
    if (used > this.limit) {
      fail("rate_limited", `more than ${this.limit} requests per second: retry after ${reset} s`, { headers: { "retry-after": String(reset) } });
    }
  }

  stop(): void {
    this.counts.clear();
  }
}
