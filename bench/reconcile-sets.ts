// The sets mode of bench:reconcile: N members as one orgs.Members (test/programs/many-set) through
// the real engine — up (create), a no-op preview, preview --refresh, one member changed, one
// added by hand then pruned (up --refresh), destroy — beside its floor measured in the same run:
// the plan and apply requests made directly with OrgsClient. Prints seconds, API calls, the
// state's bytes per member and the program's peak heap (it runs in the bench's process).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { getHeapStatistics } from "node:v8";
import type { OrgsClient } from "../client";
import { engineStack, programDir } from "../test/support/pulumi";

export interface SetsPhase {
  s: number;
  calls: number;
}
export interface SetsContext {
  client: OrgsClient;
  token: string;
  url: string;
  newOrg(tag: string): Promise<{ org: string; project: string }>;
  measure(label: string, run: () => Promise<unknown>): Promise<SetsPhase & { cpu: string }>;
}

/** The heap's peak while `run` runs (sampled every 20 ms), in MB. */
async function peakHeap<T>(run: () => Promise<T>): Promise<{ value: T; mb: number }> {
  let peak = getHeapStatistics().used_heap_size;
  const timer = setInterval(() => (peak = Math.max(peak, getHeapStatistics().used_heap_size)), 20);
  try {
    const value = await run();
    return { value, mb: Math.round(peak / 1e6) };
  } finally {
    clearInterval(timer);
  }
}

export async function setsMode(ctx: SetsContext, n: number): Promise<string[]> {
  const members = Array.from({ length: n }, (_, i) => ({ email: `user${i}@bench.test` }));
  // The floor: the plan and apply requests, made directly.
  const f = await ctx.newOrg("set-floor");
  let version = "";
  const plan = await ctx.measure(`sets floor plan ${n}`, async () => {
    version = (await ctx.client.call("planMembers", { params: { org: f.org }, body: { members, prune: true } })).body.membership_version;
  });
  const apply = await ctx.measure(`sets floor apply ${n}`, () =>
    ctx.client.call("applyMembers", { params: { org: f.org }, body: { members, prune: true }, ifMatch: `"${version}"`, idempotencyKey: randomUUID() }),
  );

  const at = await ctx.newOrg("sets");
  const config = (changed: number) => ({
    "orgs:apiUrl": ctx.url,
    "orgs:apiToken": { value: ctx.token, secret: true as const },
    "orgs-e2e:organization": at.org,
    "orgs-e2e:count": String(n),
    "orgs-e2e:domain": "bench.test",
    "orgs-e2e:changed": String(changed),
  });
  const e = await engineStack(programDir("test/programs/many-set"), `sets${n}`, config(0), {
    env: { PULUMI_SKIP_CHECKPOINTS: "true", PULUMI_EXPERIMENTAL: "true" },
  });
  const heap: Record<string, number> = {};
  const phase = async (name: string, run: () => Promise<unknown>) => {
    const { value, mb } = await peakHeap(() => ctx.measure(`sets ${name} ${n}`, run));
    heap[name] = mb;
    return value;
  };
  const up = await phase("up", () => e.stack.up({ color: "never" }));
  const bytes = readFileSync(e.stateFile()).length;
  const preview = await phase("no-op preview", () => e.stack.preview({ color: "never", expectNoChanges: true }));
  const refresh = await phase("preview --refresh", () => e.stack.preview({ color: "never", refresh: true, expectNoChanges: true }));
  await e.stack.setConfig("orgs-e2e:changed", { value: "1" });
  const change = await phase("one changed", () => e.stack.up({ color: "never" }));
  await ctx.client.call("createMember", { params: { org: at.org }, body: { email: `by-hand@bench.test` } });
  const prune = await phase("one added by hand, pruned", () => e.stack.up({ color: "never", refresh: true }));
  const left = (await ctx.client.call("listMembers", { params: { org: at.org }, query: { email: "by-hand@bench.test" } })).body.items.length;
  const destroy = await phase("destroy", () => e.stack.destroy({ color: "never" }));

  const row = (name: string, p: SetsPhase) =>
    `${String(n).padEnd(6)} sets             ${name.padEnd(28)} ${p.s.toFixed(1).padStart(7)} s ${String(p.calls).padStart(6)} calls  heap ${String(heap[name] ?? "–").padStart(5)} MB`;
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  const floor = plan.s + apply.s;
  return [
    `${String(n).padEnd(6)} sets             floor: plan ${plan.s.toFixed(1)} s, apply ${apply.s.toFixed(1)} s (${plan.calls + apply.calls} calls)`,
    row("up", up),
    row("no-op preview", preview),
    row("preview --refresh", refresh),
    row("one changed", change),
    row("one added by hand, pruned", prune),
    row("destroy", destroy),
    `${String(n).padEnd(6)} sets             state ${bytes} bytes, ${(bytes / n).toFixed(0)} B/member; up ÷ (plan + apply) floor ${(up.s / floor).toFixed(2)}; ` +
      `targets: up ≤ 1.25 × floor ${verdict(up.s <= 1.25 * floor)}, up ≤ 15 s ${verdict(up.s <= 15)}, no-op preview 0 calls ${verdict(preview.calls === 0)}, ` +
      `refresh ≤ ⌈N/100⌉+2 calls ${verdict(refresh.calls <= Math.ceil(n / 100) + 2)}, ≤ 200 B/member ${verdict(bytes / n <= 200)}, hand-added member pruned ${verdict(left === 0)}`,
  ];
}
