// The bound the README states for rate limits across instances: with N instances, a key is let
// through at most limit + (N − 1) × allowance times in a window, and at least limit times when
// more are asked; with no store, exactly limit. The instances are SharedCounts objects over one
// in-memory store whose answers take a random time, as PostgreSQL's do.
import type { FastifyReply } from "fastify";
import { describe, expect, it } from "vitest";
import { RateLimiter, allowanceFor } from "./ratelimit";
import type { CountStore } from "../store/rate-counts";
import { SharedCounts } from "./shared-counts";

function memoryStore(): CountStore {
  const rows = new Map<string, { windowStart: number; used: number }>();
  return {
    async add(deltas) {
      await new Promise((r) => setTimeout(r, Math.random() * 4));
      return deltas.map((d) => {
        const r = rows.get(d.key);
        const next =
          !r || d.windowStart > r.windowStart ? { windowStart: d.windowStart, used: d.n } : d.windowStart === r.windowStart ? { ...r, used: r.used + d.n } : r;
        rows.set(d.key, next);
        return { key: d.key, ...next };
      });
    },
  };
}
const reply = { header: () => reply } as unknown as FastifyReply;

async function burst(instances: number, limit: number, requests: number, shared: boolean): Promise<number> {
  const store = shared ? memoryStore() : null;
  const counts = Array.from({ length: instances }, () => new SharedCounts(store, undefined, 5));
  const limiters = counts.map((c) => new RateLimiter(limit, c));
  // Inside one window: start just after a second begins.
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 10));
  const window = Math.floor(Date.now() / 1000);
  let admitted = 0;
  await Promise.all(
    Array.from({ length: requests }, async () => {
      await new Promise((r) => setTimeout(r, Math.random() * 300));
      const i = Math.floor(Math.random() * instances);
      try {
        await limiters[i]!.check("acct:a", reply);
        admitted++;
      } catch {
        /* 429 */
      }
    }),
  );
  counts.forEach((c) => c.stop());
  if (Math.floor(Date.now() / 1000) !== window) throw new Error("the burst crossed a second: the machine is too slow for this window");
  return admitted;
}

describe("rate limits across instances (shared counts)", () => {
  it.each([2, 3, 5])("%i instances let a key through between limit and limit + (N − 1) × allowance times in one window", async (n) => {
    const limit = 20;
    for (let round = 0; round < 3; round++) {
      const admitted = await burst(n, limit, 300, true);
      expect(admitted).toBeGreaterThanOrEqual(limit);
      expect(admitted).toBeLessThanOrEqual(limit + (n - 1) * allowanceFor(limit));
    }
  });

  it("without a store (PGlite) one instance's count is exact", async () => {
    expect(await burst(1, 20, 300, false)).toBe(20);
  });
});
