// Reconcile benchmark, with the real Pulumi engine: a program of N members, each with a project
// grant (test/programs/many), through `pulumi up`, `pulumi refresh`, a no-op `pulumi preview` and
// `pulumi destroy` (the CLI scripts/pulumi.sh builds, default parallelism), beside two floors
// measured in the same run:
// - the API floor: the same API calls made directly with OrgsClient at the same concurrency;
// - the engine floor: the same program, SDK and provider with every API call answered at once
//   (what the engine, the dynamic-provider host and the program cost for N + N resources of these
//   types before the API does any work).
// Each engine run is made with PULUMI_SKIP_CHECKPOINTS=true (the engine saves the state once, at
// the end) and, up to BENCH_CHECKPOINTS_UP_TO members (1,000), with checkpoints (it saves the whole
// state after every step: O(N²) bytes).
//
//   npm run bench:reconcile -- 1000 [10000]
//
// The server is the compiled orgs-server in its own process on a loopback port, on a new database
// of the PostgreSQL server at ORGS_TEST_POSTGRES_URL (PGlite otherwise), with request logging on
// to count the API calls of each phase. Rate limiting is off (the default 30 requests/s per account
// would make the server, not the provider, the subject). Prints seconds, calls and ratios per
// phase, the state's bytes per resource, and the targets: up ≤ engine floor + 1.25 × API floor,
// no API call in a no-op preview, state ≤ 1.5 KB per resource.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { availableParallelism } from "node:os";
import { PerformanceObserver } from "node:perf_hooks";
import { OrgsClient } from "../client";
import { privateTmpdir, startServerProcess, type ServerProcess } from "../test/support/process";
import { engineStack, programDir, pulumiCli, type EngineStack } from "../test/support/pulumi";
import { freshPostgresDatabase } from "../test/support/server";
import { postgresDurability } from "./durability";
import { setsMode } from "./reconcile-sets";

/**
 * BENCH_MODES: resources (a Member and a ProjectAccess per member), plugin (the same program on
 * orgs/plugin, served by pulumi-resource-orgs, beside the dynamic run: needs resources), sets (one
 * orgs.Members); default all three.
 */
const MODES = (process.env.BENCH_MODES ?? "resources,plugin,sets").split(",");

/** Sizes above this run without checkpoints only: with them, 10,000 + 10,000 would take hours. */
const CHECKPOINTS_UP_TO = Number(process.env.BENCH_CHECKPOINTS_UP_TO ?? 1000);

/** `pulumi up --parallel` defaults to 4 × the CPUs; the API floor uses the same concurrency. */
const PARALLEL = Number(process.env.PULUMI_PARALLEL) || availableParallelism() * 4;

async function timed<T>(label: string, fn: () => Promise<T>): Promise<{ s: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  const s = (performance.now() - t0) / 1000;
  process.stderr.write(`  ${label}: ${s.toFixed(2)} s\n`);
  return { s, value };
}

/** Runs tasks at most `parallel` at a time; a task may return a follow-up (its dependent). */
async function walk(tasks: (() => Promise<(() => Promise<unknown>) | void>)[], parallel: number): Promise<void> {
  const queue = [...tasks];
  let running = 0;
  await new Promise<void>((resolve, reject) => {
    const next = () => {
      if (!queue.length && !running) return resolve();
      while (running < parallel && queue.length) {
        const task = queue.shift()!;
        running++;
        task().then((follow) => {
          running--;
          if (typeof follow === "function") queue.push(follow as () => Promise<void>);
          next();
        }, reject);
      }
    };
    next();
  });
}

/**
 * CPU seconds by part while a phase runs, sampled from /proc every 100 ms (a process is counted up to
 * its last sample): the Pulumi engine (the pulumi binary), the dynamic-provider host (or the plugin), the program
 * and the bench (this process), the org server, PostgreSQL. Shows which part of a phase is whose.
 */
function cpuSampler(serverPid: number) {
  const tick = 100; // USER_HZ on Linux
  const kindOf = (pid: number, cmd: string): string | undefined => {
    if (pid === process.pid) return "program";
    if (pid === serverPid) return "server";
    if (cmd.includes("dynamic-provider") || cmd.includes("provider/plugin/main.js")) return "host";
    if (/(^|\/)pulumi\0/.test(cmd)) return "engine";
    if (cmd.startsWith("postgres") || cmd.includes("/postgres\0")) return "postgres";
    return undefined;
  };
  const seen = new Map<number, { kind: string; first: number; last: number }>();
  let heapPeak = 0; // the program's own heap and garbage collection (it runs in this process)
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ["gc"] });
  const sample = () => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    for (const name of readdirSync("/proc")) {
      const pid = Number(name);
      if (!pid) continue;
      try {
        const entry = seen.get(pid);
        const kind = entry?.kind ?? kindOf(pid, readFileSync(`/proc/${pid}/cmdline`, "latin1"));
        if (!kind) continue;
        const fields = readFileSync(`/proc/${pid}/stat`, "latin1").split(") ")[1]!.split(" ");
        const cpu = (Number(fields[11]) + Number(fields[12])) / tick;
        if (entry) entry.last = cpu;
        else seen.set(pid, { kind, first: cpu, last: cpu });
      } catch {
        // gone between the listing and the read
      }
    }
  };
  sample();
  const timer = setInterval(sample, 100);
  return () => {
    clearInterval(timer);
    gc.disconnect();
    sample();
    const by: Record<string, number> = {};
    for (const { kind, first, last } of seen.values()) by[kind] = (by[kind] ?? 0) + last - first;
    const parts = ["engine", "host", "program", "server", "postgres"].map((k) => `${k} ${(by[k] ?? 0).toFixed(1)}`);
    return `${parts.join(", ")} (program: GC ${(gcMs / 1000).toFixed(1)} s, heap peak ${Math.round(heapPeak / 1_048_576)} MB)`;
  };
}

interface Phase {
  s: number;
  calls: number;
  /** CPU seconds by part. */
  cpu: string;
}
type EngineRun = { up: Phase; refresh: Phase; preview: Phase; destroy: Phase; bytesPerResource: number; breakdown: string };

/**
 * What one resource's entry in the state holds, on average, compact (the file is indented): the
 * serialized provider (inputs and outputs each carry it), the other properties, the program's
 * source positions the engine records, and the rest of the engine's own metadata.
 */
function breakdown(state: { checkpoint: { latest: { resources: Record<string, unknown>[] } } }): string {
  const rs = state.checkpoint.latest.resources.filter((r) => String(r.type).includes("dynamic/orgs:") || String(r.type).startsWith("orgs:index:"));
  const len = (v: unknown) => (v === undefined ? 0 : JSON.stringify(v).length);
  const sum = { all: 0, provider: 0, props: 0, trace: 0 };
  for (const r of rs) {
    const { __provider: pin, ...inputs } = r.inputs as Record<string, unknown>;
    const { __provider: pout, ...outputs } = r.outputs as Record<string, unknown>;
    sum.all += len(r);
    sum.provider += len(pin) + len(pout);
    sum.props += len(inputs) + len(outputs);
    sum.trace += len(r.stackTrace) + len(r.sourcePosition);
  }
  const avg = (x: number) => Math.round(x / rs.length);
  return `${avg(sum.all)} B compact = serialized provider ${avg(sum.provider)} + properties ${avg(sum.props)} + source positions ${avg(sum.trace)} + engine metadata ${avg(sum.all - sum.provider - sum.props - sum.trace)}`;
}

/**
 * The engine floor's provider: in the program's copy of the package, the member and project-access
 * modules become this provider with every API call answered at once. The program, the SDK classes,
 * the serialized provider in the state, configure, check and diff stay the same; create returns
 * outputs of the same shape with made-up IDs, read returns the state, update and delete do nothing.
 */
function installCallFreeProvider(dir: string): void {
  const at = join(dir, "node_modules", "orgs", "dist", "provider");
  const common = `const { randomUUID } = require("node:crypto");
const fakeId = (prefix) => prefix + "_" + randomUUID().replace(/-/g, "").slice(0, 26);
const declared = (inputs) => Object.keys(inputs).filter((k) => inputs[k] !== undefined && k !== "__provider").sort();`;
  const modules: Record<string, string> = {
    member: `{
    const memberId = fakeId("mem");
    return {
      id: inputs.organization + "/" + memberId,
      outs: { ...inputs, roles: [fakeId("role")], teams: [fakeId("team")], permissions: [], organizationId: inputs.organization, memberId,
        roleIds: [fakeId("role")], teamIds: [fakeId("team")], status: "invited", accountId: null,
        invitationExpiresAt: new Date(Date.now() + 7 * 86400e3).toISOString(), isOwner: false, version: 1, __declared: declared(inputs) },
    };
  }`,
    "project-access": `{
    return {
      id: inputs.project + "/members/" + inputs.member,
      outs: { ...inputs, environmentRoles: {}, organizationId: fakeId("org"), principalType: "members", principalId: inputs.member,
        external: false, version: 1, __declared: declared(inputs) },
    };
  }`,
  };
  for (const [name, create] of Object.entries(modules)) {
    renameSync(join(at, `${name}.js`), join(at, `${name}.calls.js`));
    writeFileSync(
      join(at, `${name}.js`),
      `${common}
module.exports = {
  ...require("./${name}.calls.js"),
  steps: undefined, // the shell and the plugin prefer a module's steps: these, not the API-calling ones
  async create(inputs) ${create},
  async read(id, props) { return { id, props }; },
  async update(id, olds, news) { return { outs: { ...olds, ...news } }; },
  async delete() {},
};
`,
    );
  }
}

/** Counts the requests the server completed (it logs one line for each). */
function requestCounter(server: ServerProcess) {
  let n = 0;
  let partial = "";
  server.proc.stdout!.on("data", (c: Buffer) => {
    // Whole lines only: a marker split between two chunks is counted once.
    const lines = (partial + c.toString()).split("\n");
    partial = lines.pop()!;
    for (const line of lines) if (line.includes('"msg":"request completed"')) n++;
  });
  return () => n;
}

async function main() {
  const cli = pulumiCli();
  if (!("dir" in cli)) throw new Error(`${cli.missing}: run scripts/pulumi.sh first`);
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((x) => x > 0);
  const pg = process.env.ORGS_TEST_POSTGRES_URL ? await freshPostgresDatabase() : undefined;
  const server = await startServerProcess({ env: { ORGS_INVITATION_QUOTA: "100000000", ORGS_LOG: "1", ...(pg ? { DATABASE_URL: pg.url } : {}) } });
  const calls = requestCounter(server);
  const anonymous = new OrgsClient({ baseUrl: server.url });
  const { body: signup } = await anonymous.call("createAccount", { body: { email: `bench-${randomUUID()}@example.test`, name: "bench" } });
  const token = signup.token.token;
  const client = new OrgsClient({ baseUrl: server.url, token, connections: 64, maxRetries: 30 });
  const newOrg = async (tag: string) => {
    const { body: org } = await client.call("createOrganization", { body: { slug: `bench-${tag}-${randomUUID().slice(0, 8)}`, name: tag, region: "eu" } });
    const { body: project } = await client.call("createProject", { params: { org: org.id }, body: { name: "bench" } });
    return { org: org.id, project: project.id };
  };
  /** One phase: its seconds, the API calls the server logged, the CPU each part used. */
  const measure = async (label: string, run: () => Promise<unknown>): Promise<Phase> => {
    // A request's log line can arrive after its response: let the ones before and in the phase land.
    const logged = async () => {
      await new Promise((r) => setTimeout(r, 200));
      return calls();
    };
    const before = await logged();
    const cpu = cpuSampler(server.proc.pid!);
    const { s } = await timed(label, run);
    const used = cpu();
    return { s, calls: (await logged()) - before, cpu: used };
  };
  console.log(
    `reconcile bench: real Pulumi engine (${cli.dir}), ${pg ? `PostgreSQL (${await postgresDurability(pg.url)})` : "PGlite"}, parallelism ${PARALLEL} (4 × ${availableParallelism()} CPUs)`,
  );

  /** One program, through the engine: up, refresh, a no-op preview, destroy (plugin: on orgs/plugin and pulumi-resource-orgs). */
  async function engine(n: number, checkpoints: boolean, callFree: boolean, plugin = false): Promise<EngineRun> {
    const at = await newOrg(callFree ? "floor" : plugin ? "plugin" : "engine");
    const dir = programDir("test/programs/many");
    if (callFree) installCallFreeProvider(dir);
    const tag = `${callFree ? "engine floor" : plugin ? "plugin" : "provider"}, ${checkpoints ? "checkpoints" : "no checkpoints"}`;
    // The plugin as a user who installed the package finds it: on PATH.
    const pluginEnv: Record<string, string> = plugin
      ? { PATH: `${join(dir, "node_modules", "orgs", "bin")}:${process.env.PATH}`, PULUMI_IGNORE_AMBIENT_PLUGINS: "false" }
      : {};
    const e: EngineStack = await engineStack(
      dir,
      `n${n}`,
      {
        "orgs:apiUrl": server.url,
        "orgs:apiToken": { value: token, secret: true },
        "orgs-e2e:organization": at.org,
        "orgs-e2e:project": at.project,
        "orgs-e2e:count": String(n),
        "orgs-e2e:domain": "bench.test",
        "orgs-e2e:sdk": plugin ? "plugin" : "dynamic",
      },
      { env: { ...pluginEnv, ...(checkpoints ? {} : { PULUMI_SKIP_CHECKPOINTS: "true", PULUMI_EXPERIMENTAL: "true" }) } },
    );
    const phase = (name: string, run: () => Promise<unknown>) => measure(`${tag} ${name}`, run);
    const up = await phase(`up ${n}+${n}`, () => e.stack.up({ color: "never" }));
    const bytes = readFileSync(e.stateFile());
    const state = JSON.parse(bytes.toString());
    const refresh = await phase("refresh", () => e.stack.refresh({ color: "never" }));
    const preview = await phase("no-op preview", () => e.stack.preview({ color: "never", expectNoChanges: true }));
    const destroy = await phase("destroy", () => e.stack.destroy({ color: "never" }));
    return { up, refresh, preview, destroy, bytesPerResource: bytes.length / state.checkpoint.latest.resources.length, breakdown: breakdown(state) };
  }

  /** The API floor: the calls the provider makes, straight from OrgsClient at the same concurrency. */
  async function apiFloor(n: number) {
    const f = await newOrg("api");
    const emails = Array.from({ length: n }, (_, i) => `user${i}@bench.test`);
    const made = new Map<string, { member: string; memberVersion: number; grantVersion: number }>();
    const create = await measure(`API floor create ${n}+${n}`, () =>
      walk(
        emails.map((email, i) => async () => {
          const { body: m } = await client.call("createMember", { params: { org: f.org }, body: { email }, idempotencyKey: randomUUID() });
          return async () => {
            const at = { project_id: f.project, principal_type: "members", principal_id: m.id };
            const { body: g } = await client.call("putProjectAccess", {
              params: at,
              body: { role: i % 2 ? "viewer" : "admin" },
              ifNoneMatch: "*",
              idempotencyKey: randomUUID(),
            });
            made.set(email, { member: m.id, memberVersion: m.version, grantVersion: g.version });
          };
        }),
        PARALLEL,
      ),
    );
    const refresh = await measure("API floor refresh", async () => {
      // The provider's reads: a few one by one per scope, then one list per scope.
      const first = emails.slice(0, 25).map((e) => made.get(e)!);
      await walk(
        [
          ...first.map((x) => async () => {
            await client.call("getMember", { params: { org: f.org, member_id: x.member } });
          }),
          ...first.map((x) => async () => {
            await client.call("getProjectAccess", { params: { project_id: f.project, principal_type: "members", principal_id: x.member } });
          }),
          async () => {
            await client.listAll("listMembers", { params: { org: f.org } });
          },
          async () => {
            await client.listAll("listProjectAccess", { params: { project_id: f.project } });
          },
        ],
        PARALLEL,
      );
    });
    const del = await measure("API floor delete", () =>
      walk(
        emails.map((email) => async () => {
          const x = made.get(email)!;
          await client.call("deleteProjectAccess", {
            params: { project_id: f.project, principal_type: "members", principal_id: x.member },
            ifMatch: x.grantVersion,
          });
          return async () => {
            await client.call("deleteMember", { params: { org: f.org, member_id: x.member }, ifMatch: x.memberVersion });
          };
        }),
        PARALLEL,
      ),
    );
    return { create, refresh, delete: del };
  }

  const rows: string[] = [];
  for (const n of sizes.length ? sizes : [1000]) {
    if (MODES.includes("sets")) rows.push(...(await setsMode({ client, token, url: server.url, newOrg, measure }, n)));
    if (!MODES.includes("resources")) continue;
    const floor = await apiFloor(n);
    for (const checkpoints of [false, true]) {
      if (checkpoints && n > CHECKPOINTS_UP_TO) {
        rows.push(
          `${String(n).padEnd(6)} checkpoints      not run: the engine writes the whole state after every step, O(N²) bytes${CHECKPOINTS_UP_TO > 0 ? ` (measured up to N = ${CHECKPOINTS_UP_TO})` : ""}; BENCH_CHECKPOINTS_UP_TO=${n} runs it`,
        );
        continue;
      }
      const p = await engine(n, checkpoints, false);
      const callFree = await engine(n, checkpoints, true);
      const mode = checkpoints ? "checkpoints" : "skip checkpoints";
      const row = (phase: string, prov: Phase, api: number | undefined, floorEngine: Phase) =>
        `${String(n).padEnd(6)} ${mode.padEnd(16)} ${phase.padEnd(8)} ${prov.s.toFixed(1).padStart(8)} ${String(prov.calls).padStart(7)} ${(api === undefined ? "–" : api.toFixed(1)).padStart(9)} ${floorEngine.s.toFixed(1).padStart(12)} ${(api === undefined ? "–" : (prov.s / (floorEngine.s + 1.25 * api)).toFixed(2)).padStart(6)}`;
      rows.push(
        row("up", p.up, floor.create.s, callFree.up),
        row("refresh", p.refresh, floor.refresh.s, callFree.refresh),
        row("preview", p.preview, undefined, callFree.preview),
        row("destroy", p.destroy, floor.delete.s, callFree.destroy),
      );
      const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
      rows.push(
        `${String(n).padEnd(6)} ${mode.padEnd(16)} targets: up ≤ engine floor + 1.25 × API floor ${verdict(p.up.s <= callFree.up.s + 1.25 * floor.create.s)}` +
          ` (${p.up.s.toFixed(1)} ≤ ${(callFree.up.s + 1.25 * floor.create.s).toFixed(1)} s); no-op preview 0 calls ${verdict(p.preview.calls === 0)} (${p.preview.calls});` +
          ` state ${Math.round(p.bytesPerResource)} B/resource ≤ 1536 ${verdict(p.bytesPerResource <= 1536)} (engine floor ${Math.round(callFree.bytesPerResource)} B);` +
          ` API calls of up ${p.up.calls} (API floor ${floor.create.calls})`,
        `${String(n).padEnd(6)} ${mode.padEnd(16)} state per resource: ${p.breakdown}`,
        `${String(n).padEnd(6)} ${mode.padEnd(16)} CPU s of up: provider run ${p.up.cpu}; engine floor ${callFree.up.cpu}; API floor ${floor.create.cpu}`,
        `${String(n).padEnd(6)} ${mode.padEnd(16)} CPU s of refresh: provider run ${p.refresh.cpu}; engine floor ${callFree.refresh.cpu}`,
      );
      if (!MODES.includes("plugin")) continue;
      // Plugin mode, against the same floors and the dynamic run just measured.
      const pl = await engine(n, checkpoints, false, true);
      const pmode = `${mode} plugin`;
      const prow = (phase: string, prov: Phase, api: number | undefined, floorEngine: Phase, dyn: Phase) =>
        `${row(phase, prov, api, floorEngine).replace(mode.padEnd(16), pmode.padEnd(16))}   vs dynamic ${(prov.s / dyn.s).toFixed(2)}`;
      rows.push(
        prow("up", pl.up, floor.create.s, callFree.up, p.up),
        prow("refresh", pl.refresh, floor.refresh.s, callFree.refresh, p.refresh),
        prow("preview", pl.preview, undefined, callFree.preview, p.preview),
        prow("destroy", pl.destroy, floor.delete.s, callFree.destroy, p.destroy),
        `${String(n).padEnd(6)} ${pmode.padEnd(16)} targets: up ≤ engine floor + 1.25 × API floor ${verdict(pl.up.s <= callFree.up.s + 1.25 * floor.create.s)}` +
          ` (${pl.up.s.toFixed(1)} ≤ ${(callFree.up.s + 1.25 * floor.create.s).toFixed(1)} s); up at least as fast as dynamic ${verdict(pl.up.s <= p.up.s)}` +
          ` (${(pl.up.s / p.up.s).toFixed(2)}); no-op preview 0 calls ${verdict(pl.preview.calls === 0)} (${pl.preview.calls});` +
          ` state ${Math.round(pl.bytesPerResource)} B/resource ≤ 1229 ${verdict(pl.bytesPerResource <= 1229)}; per resource: up ${((pl.up.s * 1000) / (2 * n)).toFixed(1)} ms` +
          ` (dynamic ${((p.up.s * 1000) / (2 * n)).toFixed(1)}), no-op preview ${((pl.preview.s * 1000) / (2 * n)).toFixed(2)} ms (dynamic ${((p.preview.s * 1000) / (2 * n)).toFixed(2)})`,
        `${String(n).padEnd(6)} ${pmode.padEnd(16)} state per resource: ${pl.breakdown}`,
        `${String(n).padEnd(6)} ${pmode.padEnd(16)} CPU s of up: ${pl.up.cpu}`,
      );
    }
  }
  console.log("N      mode             phase    engine(s)  calls  API floor(s)  engine floor(s)  ratio¹");
  for (const r of rows) console.log(r);
  console.log("¹ engine ÷ (engine floor + 1.25 × API floor): ≤ 1.00 meets the target");
  await client.close();
  await anonymous.close();
  await server.stop();
  await pg?.drop();
}

const removeTmp = privateTmpdir("orgs-bench-");
main().then(removeTmp, (e) => {
  removeTmp();
  console.error(e);
  process.exit(1);
});
