// The per-run list cache for reads. During `pulumi refresh` the engine reads every resource; past a
// few reads in one scope (an organization's members, a project's grants) one paged list answers
// them all. The cache lives in the host process, which lives for one engine run, expires after a
// minute, and is dropped on any change this provider makes in that scope: a refresh never sees an
// older run's answer.

const READS_BEFORE_LISTING = 25;
const CACHE_TTL_MS = 60_000;
const cache = new Map<string, { reads: number; at: number; items?: Promise<Map<string, unknown>> }>();

/**
 * The item with key `id` in `scope`'s list, or "miss" when the caller should ask for it directly
 * (before the list is worth making, and for an item the list lacks: asking directly is also what
 * confirms a disappearance).
 */
export async function fromList<T>(scope: string, id: string, list: () => Promise<T[]>, keyOf: (t: T) => string): Promise<T | "miss"> {
  const now = Date.now();
  let entry = cache.get(scope);
  if (!entry || now - entry.at > CACHE_TTL_MS) {
    entry = { reads: 0, at: now };
    cache.set(scope, entry);
  }
  entry.reads++;
  if (!entry.items) {
    if (entry.reads <= READS_BEFORE_LISTING) return "miss";
    const e = entry;
    e.at = now;
    e.items = list().then((items) => new Map(items.map((t) => [keyOf(t), t])));
    e.items.catch(() => {
      if (cache.get(scope) === e) cache.delete(scope);
    });
  }
  try {
    return ((await entry.items!).get(id) as T | undefined) ?? "miss";
  } catch {
    return "miss";
  }
}

/** Drops what the cache holds for a scope (after a change in it). */
export function invalidate(scope: string): void {
  cache.delete(scope);
}

export function clearReadCache(): void {
  cache.clear();
}
