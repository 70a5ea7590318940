// The sets mode of bench:reconcile: N members as one orgs.Members (test/programs/many-set) through
// the real engine — up (create), a no-op preview, preview --refresh, one member changed, one
// added by hand then pruned (up --refresh), destroy — beside its floor measured in the same run:
// the plan and apply requests made directly with OrgsClient, and the engine's fixed cost (an up and
// a no-op preview of a set of one member). Prints seconds, API calls, CPU seconds by process, the
// state's bytes per member and the program's peak heap (it runs in the bench's process).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { getHeapStatistics } from "node:v8";
import { bulkTimeoutMs, type OrgsClient } from "../client";
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
    ctx.client.call("applyMembers", {
      params: { org: f.org },
      body: { members, prune: true },
      ifMatch: `"${version}"`,
      idempotencyKey: randomUUID(),
      timeoutMs: bulkTimeoutMs(n),
    }),
  );

  const config = (org: string, count: number) => ({
    "orgs:apiUrl": ctx.url,
    "orgs:apiToken": { value: ctx.token, secret: true as const },
    "orgs-e2e:organization": org,
    "orgs-e2e:count": String(count),
    "orgs-e2e:domain": "bench.test",
    "orgs-e2e:changed": "0",
  });
  const env = { PULUMI_SKIP_CHECKPOINTS: "true", PULUMI_EXPERIMENTAL: "true" };

  // The engine's fixed cost, whatever the set's size: starting the CLI, the program, the
  // dynamic-provider host (loading @pulumi/pulumi and the provider), the plan and the apply of one.
  const one = await engineStack(programDir("test/programs/many-set"), `sets1of${n}`, config((await ctx.newOrg("sets-one")).org, 1), { env });
  const fixedUp = await ctx.measure(`sets fixed cost up 1`, () => one.stack.up({ color: "never" }));
  const fixedPreview = await ctx.measure(`sets fixed cost no-op preview 1`, () => one.stack.preview({ color: "never", expectNoChanges: true }));
  await one.stack.destroy({ color: "never" });

  const at = await ctx.newOrg("sets");
  const e = await engineStack(programDir("test/programs/many-set"), `sets${n}`, config(at.org, n), { env });
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

  const row = (name: string, p: SetsPhase & { cpu: string }) =>
    `${String(n).padEnd(6)} sets             ${name.padEnd(28)} ${p.s.toFixed(1).padStart(7)} s ${String(p.calls).padStart(6)} calls  heap ${String(heap[name] ?? "–").padStart(5)} MB  CPU s: ${p.cpu}`;
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  const floor = plan.s + apply.s;
  // The owner is a member too: ⌈(N + 1) / 100⌉ pages, plus the roles and the teams.
  const refreshCalls = Math.ceil((n + 1) / 100) + 2;
  return [
    `${String(n).padEnd(6)} sets             floor: plan ${plan.s.toFixed(1)} s, apply ${apply.s.toFixed(1)} s (${plan.calls + apply.calls} calls)`,
    `${String(n).padEnd(6)} sets             engine's fixed cost (a set of 1): up ${fixedUp.s.toFixed(1)} s (CPU s: ${fixedUp.cpu}), no-op preview ${fixedPreview.s.toFixed(1)} s`,
    row("up", up),
    row("no-op preview", preview),
    row("preview --refresh", refresh),
    row("one changed", change),
    row("one added by hand, pruned", prune),
    row("destroy", destroy),
    `${String(n).padEnd(6)} sets             state ${bytes} bytes, ${(bytes / n).toFixed(0)} B/member; up ÷ (plan + apply) floor ${(up.s / floor).toFixed(2)}, ` +
      `(up − fixed cost) ÷ floor ${((up.s - fixedUp.s) / floor).toFixed(2)}; ` +
      `targets: up ≤ 1.25 × floor ${verdict(up.s <= 1.25 * floor)}, up ≤ 15 s ${verdict(up.s <= 15)}, no-op preview 0 calls ${verdict(preview.calls === 0)}, ` +
      `refresh ≤ ⌈(N+1)/100⌉+2 calls ${verdict(refresh.calls <= refreshCalls)}, ≤ 200 B/member ${verdict(bytes / n <= 200)}, hand-added member pruned ${verdict(left === 0)}`,
  ];
}
