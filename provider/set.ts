// What the set resources (Members, ProjectAccessSet) share: check plans only when the inputs
// differ from the state's, create and update apply the plan check made (so a change made in
// between is a 412 with advice, never silently included), and names are compared
// case-insensitively. Their steps are their own (provider/members-set.ts, provider/access-set.ts);
// the object resources share theirs in provider/lifecycle.ts.
import { withoutProvider } from "./check";
// Keys sorted, undefined left out: a refresh's map order is the server's, the program's its own.
import { canonical } from "./diff";
import { codeOf, ProviderError } from "./errors";

export const low = (s: string) => s.toLowerCase();

/** The inputs are the state's: a no-op preview, which makes no call. */
export const unchangedInputs = (olds: object | undefined, news: object) => !!olds && canonical(withoutProvider(olds)) === canonical(withoutProvider(news));

/**
 * The plans check made in this host process (one engine run), by scope and request: `plan` asks
 * the server and keeps the answer, `take` hands the apply the plan the preview showed (or a fresh
 * one when check did not plan this request).
 */
export function planCache<R, P>(ask: (scope: string, req: R) => Promise<P>) {
  const plans = new Map<string, P>();
  const key = (scope: string, req: R) => `${scope}\n${JSON.stringify(req)}`;
  async function plan(scope: string, req: R): Promise<P> {
    const p = await ask(scope, req);
    plans.set(key(scope, req), p);
    return p;
  }
  async function take(scope: string, req: R): Promise<P> {
    const k = key(scope, req);
    const p = plans.get(k) ?? (await plan(scope, req));
    plans.delete(k);
    return p;
  }
  return { plan, take };
}

/** An apply's error: a 412 (the set changed between plan and apply) as `advice`, anything else as it came. */
export function applyRefused(e: unknown, advice: string): unknown {
  return codeOf(e)?.status === 412 ? new ProviderError(advice, { cause: e }) : e;
}
