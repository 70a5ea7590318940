// Counts in fixed windows (a second, a minute) kept by one server instance and summed across the
// instances sharing a PostgreSQL, without a round trip on the request path. Each instance counts
// locally and, every SYNC_MS while it has counted something, adds what it counted to the shared
// rows in one statement, which returns the totals of every instance: its view of a count is the
// total at its last sync plus what it counted since.
//
// A caller that has counted `allowance` units of one key since the last sync waits for a sync
// before counting more (a round trip, for keys that move faster than allowance per SYNC_MS on one
// instance). So an instance never decides on more than `allowance` units the others have not
// seen, and a limit enforced with these counts is exceeded, per key and window, by at most
// (N − 1) × allowance with N instances (shared-counts.test.ts checks the bound).
//
// Without a store (PGlite: one process by construction) the counts are this instance's alone and
// exact. When the store cannot be reached, each instance goes on with its own counts (fail open:
// a database outage is no reason to refuse requests) and tries again at the next sync.

import type { CountDelta, CountStore } from "../store/rate-counts";

interface Entry {
  windowStart: number;
  windowMs: number;
  /** The store's total at the last sync (every instance's counts up to then). */
  known: number;
  /** Counted here and being sent by the sync in flight. */
  sending: number;
  /** Counted here since. */
  pending: number;
}

export const SYNC_MS = 50;

export class SharedCounts {
  private entries = new Map<string, Entry>();
  private inflight: Promise<boolean> | null = null;
  private queued: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private lastError = 0;

  constructor(
    private readonly store: CountStore | null,
    private readonly onError: (err: unknown) => void = () => {},
    syncMs = SYNC_MS,
  ) {
    if (store) this.timer = setInterval(() => void (this.hasPending() && this.sync()), syncMs).unref();
  }

  /** Whether counts are shared with other instances (a store is set). */
  get shared(): boolean {
    return this.store !== null;
  }

  /** The count of `key` in the window holding `nowMs`, as this instance knows it. */
  used(key: string, windowMs: number, nowMs: number): number {
    const e = this.entry(key, windowMs, nowMs);
    return e.known + e.sending + e.pending;
  }

  /** What this instance counted for `key` in the window that the other instances have not seen yet. */
  unsynced(key: string, windowMs: number, nowMs: number): number {
    const e = this.entry(key, windowMs, nowMs);
    return this.store ? e.sending + e.pending : 0;
  }

  add(key: string, windowMs: number, nowMs: number, n = 1): void {
    this.entry(key, windowMs, nowMs).pending += n;
  }

  /**
   * Sends what was counted so far and takes in the others' totals. Resolves false when the store
   * could not be reached (the counts stay, for the next sync). One sync runs at a time; a call
   * while one is in flight waits for the next, which includes what it counted.
   */
  sync(): Promise<boolean> {
    if (!this.store) return Promise.resolve(true);
    if (!this.inflight) return this.start();
    return (this.queued ??= this.inflight.then(() => {
      this.queued = null;
      return this.start();
    }));
  }

  stop(): void {
    clearInterval(this.timer);
    this.entries.clear();
  }

  private start(): Promise<boolean> {
    const p: Promise<boolean> = this.flush().finally(() => {
      if (this.inflight === p) this.inflight = null;
    });
    this.inflight = p;
    return p;
  }

  private hasPending(): boolean {
    for (const e of this.entries.values()) if (e.pending) return true;
    return false;
  }

  private entry(key: string, windowMs: number, nowMs: number): Entry {
    const windowStart = nowMs - (nowMs % windowMs);
    let e = this.entries.get(key);
    if (!e || e.windowStart < windowStart) {
      e = { windowStart, windowMs, known: 0, sending: 0, pending: 0 };
      this.entries.set(key, e);
    }
    return e;
  }

  private async flush(): Promise<boolean> {
    const now = Date.now();
    const batch: CountDelta[] = [];
    for (const [key, e] of this.entries) {
      if (e.pending) {
        batch.push({ key, windowStart: e.windowStart, n: e.pending });
        e.sending += e.pending;
        e.pending = 0;
      } else if (e.windowStart + e.windowMs < now) {
        this.entries.delete(key); // a past window nothing is being sent for
      }
    }
    if (!batch.length) return true;
    const sent = (d: CountDelta) => {
      const e = this.entries.get(d.key);
      return e && e.windowStart === d.windowStart ? e : undefined;
    };
    try {
      const totals = await this.store!.add(batch);
      for (const d of batch) {
        const e = sent(d);
        if (e) e.sending -= d.n;
      }
      for (const t of totals) {
        const e = this.entries.get(t.key);
        if (e && e.windowStart === t.windowStart) e.known = t.used;
      }
      return true;
    } catch (err) {
      for (const d of batch) {
        const e = sent(d);
        if (e) {
          e.sending -= d.n;
          e.pending += d.n;
        }
      }
      // Once a minute at most: a database that is down fails every sync.
      if (now - this.lastError > 60_000) {
        this.lastError = now;
        this.onError(err);
      }
      return false;
    }
  }
}
