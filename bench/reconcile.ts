// Reconcile benchmark: N members and N project grants created, refreshed and deleted through the
// real dynamic-provider host, at the engine's default parallelism, against the floor: the same
// API calls made directly with OrgsClient at the same concurrency, in the same run. A second
// floor, the host floor, runs the same steps through the same host and harness with a provider
// that calls nothing: the cost of the host's gRPC round trips, which no provider can avoid.
//
//   npm run bench:reconcile -- 1000 [10000]
//
// The server is the compiled orgs-server (dist/) in its own process on a loopback port, as it
// would be in use (sharing this process's event loop with the engine stand-in would slow the
// server by the harness's work): PGlite in a temporary directory, or a new database on the
// PostgreSQL server at ORGS_TEST_POSTGRES_URL. Rate limiting is off (the default 30 requests/s
// per account would make the server, not the provider, the subject). Prints seconds per phase
// and the ratio to the floor, and for N = 10,000 the targets: 10k + 10k created in ≤ 60 s
// and ≤ 1.25 × the floor, and refreshed in ≤ 5 s.
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Host, ROOT, Stack, serializeProvider } from "../test/support/engine";
import { privateTmpdir, startServerProcess } from "../test/support/process";
import { freshPostgresDatabase } from "../test/support/server";

const load = createRequire(join(ROOT, "package.json"));
const { OrgsClient } = load("./dist/provider/client.js") as typeof import("../provider/client");

/** `pulumi up --parallel` defaults to 4 × GOMAXPROCS (pkg/cmd/pulumi/operations/up.go, pulumi/pulumi#14989). */
const PARALLEL = Number(process.env.PULUMI_PARALLEL) || availableParallelism() * 4;

/** Runs tasks at most `parallel` at a time; a task may return follow-ups (its dependents), as the engine's DAG walk does. */
async function walk(tasks: (() => Promise<(() => Promise<unknown>) | void>)[], parallel: number): Promise<void> {
  const queue = [...tasks];
  let running = 0;
  let failed: unknown;
  await new Promise<void>((resolve, reject) => {
    const next = () => {
      if (failed) return;
      if (!queue.length && !running) return resolve();
      while (running < parallel && queue.length) {
        const task = queue.shift()!;
        running++;
        task().then((follow) => {
          running--;
          if (typeof follow === "function") queue.push(follow as () => Promise<void>);
          next();
        }, (e) => { failed = e; reject(e); });
      }
    };
    next();
  });
}

async function timed(label: string, fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  const s = (performance.now() - t0) / 1000;
  process.stderr.write(`  ${label}: ${s.toFixed(2)} s\n`);
  return s;
}

/** A provider that calls nothing: Create echoes its inputs, Read its state, Delete nothing. */
const ECHO = {
  async create(inputs: Record<string, unknown>) {
    const id = require("node:crypto").randomUUID();
    return { id, outs: { ...inputs, memberId: id } };
  },
  async read(id: string, props: Record<string, unknown>) { return { id, props }; },
  async delete() {},
};

type Phases = { create: number; refresh: number; delete: number };

/** N members, each then granted a project, refreshed, and deleted (grants first), as the engine would. */
async function throughHost(n: number, emails: string[], at: { org: string; project: string }, config: Record<string, string>, providerText?: string): Promise<Phases> {
  const label = providerText ? "host floor" : "provider";
  const stack = new Stack(await Host.start());
  if (providerText) stack.providerOf = async () => providerText;
  await stack.host.configure(config);
  const create = await timed(`${label} create ${n}+${n}`, () => walk(emails.map((email) => async () => {
    await stack.up("member", email, { organization: at.org, email });
    return async () => { await stack.up("project-access", `${email}/grant`, { project: at.project, member: stack.get(email).outputs.memberId, level: "viewer" }); };
  }), PARALLEL));
  await stack.nextRun(config);
  const refresh = await timed(`${label} refresh`, () => walk([...stack.state.keys()].map((name) => async () => { await stack.refresh(name); }), PARALLEL));
  await stack.nextRun(config);
  const destroy = await timed(`${label} delete`, () => walk(emails.map((email) => async () => {
    await stack.destroy(`${email}/grant`);
    return async () => { await stack.destroy(email); };
  }), PARALLEL));
  await stack.host.stop();
  return { create, refresh, delete: destroy };
}

async function main() {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  // A database of its own for each run, so runs do not inherit each other's rows.
  const pg = process.env.ORGS_TEST_POSTGRES_URL ? await freshPostgresDatabase() : undefined;
  const server = await startServerProcess({ env: { ORGS_INVITATION_QUOTA: "100000000", ...(pg ? { DATABASE_URL: pg.url } : {}) } });
  const url = server.url;
  const signup = await (await fetch(`${url}/v1/accounts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: `bench-${randomUUID()}@example.test`, name: "bench" }) })).json() as { token: { token: string } };
  const token = signup.token.token;
  const client = new OrgsClient({ baseUrl: url, token, connections: 64 });
  const config = { "orgs:apiUrl": url, "orgs:apiToken": token };
  console.log(`reconcile bench: ${pg ? "postgres" : "pglite"}, parallelism ${PARALLEL} (pulumi's default, 4 × ${availableParallelism()} CPUs)`);
  console.log("N      phase     provider(s)  floor(s)  ratio  host floor(s)");

  for (const n of sizes.length ? sizes : [1000]) {
    const newOrg = async (tag: string) => {
      const { body: org } = await client.call("createOrganization", { body: { slug: `bench-${tag}-${n}-${randomUUID().slice(0, 6)}`, name: tag, region: "eu" } });
      const { body: project } = await client.call("createProject", { params: { org: org.id }, body: { name: "bench" } });
      return { org: org.id, project: project.id };
    };
    const emails = Array.from({ length: n }, (_, i) => `person${i}@example.test`);

    // Through the host: the engine's calls (Check then Create; Read; Delete), one host per run.
    const p = await newOrg("provider");
    const prov = await throughHost(n, emails, p, config);

    // The host's own floor: the same steps through the same host and harness with a provider that
    // does nothing (no HTTP): what any dynamic provider costs per step here, before its own work.
    const echo = await throughHost(n, emails, p, config, await serializeProvider(ECHO));

    // The floor: the same API calls, straight from OrgsClient, at the same concurrency.
    const f = await newOrg("floor");
    const made = new Map<string, { member: string; memberVersion: number; grantVersion: number }>();
    const floor = {
      create: await timed(`floor create ${n}+${n}`, () => walk(emails.map((email) => async () => {
        const { body: m } = await client.call("createMember", { params: { org: f.org }, body: { email }, idempotencyKey: randomUUID() });
        return async () => {
          const at = { project_id: f.project, principal_type: "members", principal_id: m.id };
          const { body: g } = await client.call("putProjectAccess", { params: at, body: { role: "viewer" }, ifNoneMatch: "*", idempotencyKey: randomUUID() });
          made.set(email, { member: m.id, memberVersion: m.version, grantVersion: g.version });
        };
      }), PARALLEL)),
      refresh: await timed("floor refresh", async () => {
        // The provider's reads: a few one by one per scope, then one list per scope.
        const first = emails.slice(0, 25).map((e) => made.get(e)!);
        await walk([
          ...first.map((x) => async () => { await client.call("getMember", { params: { org: f.org, member_id: x.member } }); }),
          ...first.map((x) => async () => { await client.call("getProjectAccess", { params: { project_id: f.project, principal_type: "members", principal_id: x.member } }); }),
          async () => { await client.listAll("listMembers", { params: { org: f.org } }); },
          async () => { await client.listAll("listProjectAccess", { params: { project_id: f.project } }); },
        ], PARALLEL);
      }),
      delete: await timed("floor delete", () => walk(emails.map((email) => async () => {
        const x = made.get(email)!;
        await client.call("deleteProjectAccess", { params: { project_id: f.project, principal_type: "members", principal_id: x.member }, ifMatch: x.grantVersion });
        return async () => { await client.call("deleteMember", { params: { org: f.org, member_id: x.member }, ifMatch: x.memberVersion }); };
      }), PARALLEL)),
    };
    for (const phase of ["create", "refresh", "delete"] as const) {
      const cols = [prov[phase].toFixed(2).padStart(11), floor[phase].toFixed(2).padStart(8), (prov[phase] / floor[phase]).toFixed(2).padStart(5), echo[phase].toFixed(2).padStart(11)];
      console.log(`${String(n).padEnd(6)} ${phase.padEnd(9)} ${cols.join("  ")}`);
    }
    if (n >= 10_000) {
      const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
      console.log(`${String(n).padEnd(6)} targets: create ≤ 60 s ${verdict(prov.create <= 60)}, create ≤ 1.25 × floor ${verdict(prov.create / floor.create <= 1.25)}, refresh ≤ 5 s ${verdict(prov.refresh <= 5)} (all ${2 * n} resources)`);
    }
  }
  await client.close();
  await server.stop();
  await pg?.drop();
}

const removeTmp = privateTmpdir("orgs-bench-");
main().then(removeTmp, (e) => {
  removeTmp();
  console.error(e);
  process.exit(1);
});
