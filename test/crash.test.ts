// kill -9 of the real server on the embedded database (a PGlite data directory) in the middle of a
// write load, twice. The directory must reopen; everything acknowledged must be there; nothing may
// be half-written (a project without its two environments, a member without a role or a team, an
// object without its audit event or an invitation without its mail); and replaying every
// Idempotency-Key, answered or not, must create nothing twice.
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { openPglite } from "../server/store/db";
import { startServerProcess, tempDataDir, type ServerProcess } from "./support/process";

const WORKERS = 8;
type Kind = "teams" | "projects" | "members";
interface Op {
  kind: Kind;
  key: string;
  body: Record<string, string>;
  name: string;
}
/** What the server answered before it died, per key (absent: no answer). */
const answered = new Map<string, { status: number; id?: string }>();
const unexpected: string[] = [];

let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop("SIGKILL");
});

async function post(url: string, token: string, op: Op) {
  const r = await fetch(`${url}/v1/organizations/${orgId}/${op.kind}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": op.key },
    body: JSON.stringify(op.body),
  });
  return { status: r.status, replayed: r.headers.get("idempotent-replayed"), json: (await r.json()) as { id?: string; code?: string } };
}

const opFor = (round: number, i: number): Op => {
  const kind = (["teams", "projects", "members"] as const)[i % 3]!;
  const name = `r${round}-${kind}-${i}`;
  return { kind, key: `key-${name}`, name, body: kind === "members" ? { email: `${name}@crash.test` } : { name } };
};
let orgId = "";

/** Keeps WORKERS requests in flight until killed; returns every op it started. */
function load(url: string, token: string, round: number, stopAfter: number): { ops: Op[]; enough: Promise<void> } {
  const ops: Op[] = [];
  let next = 0;
  let acked = 0;
  let signal!: () => void;
  const enough = new Promise<void>((r) => {
    signal = r;
  });
  const worker = async () => {
    for (;;) {
      const op = opFor(round, next++);
      ops.push(op);
      let r: Awaited<ReturnType<typeof post>>;
      try {
        r = await post(url, token, op);
      } catch {
        return; // the server died under this request
      }
      answered.set(op.key, { status: r.status, id: r.json.id });
      if (r.status !== 201) unexpected.push(`${op.key}: ${r.status} ${JSON.stringify(r.json)}`);
      else if (++acked >= stopAfter) signal();
    }
  };
  for (let w = 0; w < WORKERS; w++) void worker();
  return { ops, enough };
}

describe("kill -9 during a write load on the embedded database", () => {
  const dataDir = tempDataDir("orgs-crash-");
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const allOps: Op[] = [];
  let token = "";

  it("survives two kill -9s mid-load; acknowledged writes persist; replays create nothing twice; nothing is half-written", async () => {
    server = await startServerProcess({ dataDir, env: { ORGS_INVITATION_QUOTA: "100000", ORGS_RATE_LIMIT: "0" } });
    const signup = await fetch(`${server.url}/v1/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "owner@crash.test", name: "Owner" }),
    });
    token = ((await signup.json()) as { token: { token: string } }).token.token;
    const org = await fetch(`${server.url}/v1/organizations`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ slug: "crash", name: "Crash", region: "eu" }),
    });
    orgId = ((await org.json()) as { id: string }).id;

    for (const round of [1, 2]) {
      const { ops, enough } = load(server.url, token, round, 40);
      await Promise.race([enough, new Promise((r) => setTimeout(r, 20_000))]);
      expect(await server.stop("SIGKILL")).toBeNull();
      allOps.push(...ops);
      // The data directory reopens after the kill.
      server = await startServerProcess({ dataDir, env: { ORGS_INVITATION_QUOTA: "100000", ORGS_RATE_LIMIT: "0" } });

      // Every write the server acknowledged before dying is there, unchanged.
      const acked = ops.filter((o) => answered.get(o.key)?.status === 201);
      expect(unexpected).toEqual([]);
      expect(acked.length).toBeGreaterThanOrEqual(40);
      expect(ops.length, "requests were still in flight at the kill").toBeGreaterThan(acked.length);
      for (const o of acked) {
        const path = o.kind === "projects" ? `/v1/projects/${answered.get(o.key)!.id}` : `/v1/organizations/${orgId}/${o.kind}/${answered.get(o.key)!.id}`;
        const r = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
        expect(r.status, `${o.key} was acknowledged, then lost`).toBe(200);
      }
    }

    // Replay every key, answered or not, in parallel: the answered ones replay their first
    // response; the rest either replay (committed, answer lost) or run now. Never a duplicate.
    const replays = await Promise.all(allOps.map(async (o) => ({ o, r: await post(server!.url, token, o) })));
    const lost = replays.filter(({ o, r }) => !answered.has(o.key) && r.replayed === "true").length;
    console.info(
      `crash: ${allOps.length} requests, ${[...answered.values()].filter((a) => a.status === 201).length} acknowledged, ${lost} committed with the answer lost, ${replays.filter(({ r }) => r.replayed === null).length} first run on replay`,
    );
    for (const { o, r } of replays) {
      expect(r.status, `${o.key}: ${JSON.stringify(r.json)}`).toBe(201);
      const first = answered.get(o.key);
      if (first?.status === 201) {
        expect(r.replayed, o.key).toBe("true");
        expect(r.json.id, o.key).toBe(first.id);
      }
    }
    expect(await server.stop("SIGTERM")).toBe(0);
    server = undefined;

    // Now the database itself, opened directly (a clean reopen after the kills and the replay).
    const db = await openPglite(dataDir);
    try {
      const count = async (sql: string, p: unknown[] = []) => Number((await db.query<{ n: number }>(sql, p))[0]!.n);
      for (const o of allOps) {
        const n =
          o.kind === "members"
            ? await count("SELECT count(*)::int AS n FROM members WHERE organization_id = $1 AND email_normalized = lower($2)", [orgId, o.body.email])
            : await count(`SELECT count(*)::int AS n FROM ${o.kind} WHERE organization_id = $1 AND lower(name) = lower($2)`, [orgId, o.name]);
        expect(n, `${o.key} exists ${n} times`).toBe(1);
      }
      expect(
        await count(
          "SELECT count(*)::int AS n FROM projects p WHERE (SELECT count(*) FROM environments e WHERE e.project_id = p.id) <> 2 OR NOT EXISTS (SELECT 1 FROM environments e WHERE e.project_id = p.id AND e.type = 'live')",
        ),
      ).toBe(0);
      expect(
        await count(
          "SELECT count(*)::int AS n FROM members m WHERE NOT EXISTS (SELECT 1 FROM member_roles r WHERE r.member_id = m.id) OR NOT EXISTS (SELECT 1 FROM team_members t WHERE t.member_id = m.id)",
        ),
      ).toBe(0);
      // (The seeded "My Team" and the owner are written with organization.created, so only the load's objects count.)
      for (const [table, action] of [
        ["teams", "team.created"],
        ["projects", "project.created"],
        ["members", "invitation.created"],
      ] as const) {
        const orphans = await count(
          `SELECT count(*)::int AS n FROM ${table} x WHERE x.organization_id = $1 AND ${table === "members" ? "x.email LIKE 'r_-%'" : "x.name LIKE 'r_-%'"} AND
             (SELECT count(*) FROM audit_events a WHERE a.organization_id = $1 AND a.action = $2 AND a.target->>'id' = x.id) <> 1`,
          [orgId, action],
        );
        expect(orphans, `${table} without exactly one ${action} event`).toBe(0);
      }
      // Every audit event of these kinds points at an object that exists: no event for a rolled-back write.
      expect(
        await count(`SELECT count(*)::int AS n FROM audit_events a WHERE a.action IN ('team.created','project.created','invitation.created')
        AND NOT EXISTS (SELECT 1 FROM teams WHERE id = a.target->>'id') AND NOT EXISTS (SELECT 1 FROM projects WHERE id = a.target->>'id') AND NOT EXISTS (SELECT 1 FROM members WHERE id = a.target->>'id')`),
      ).toBe(0);
      // One invitation mail per invitation, no more (the mail is written in the same transaction).
      expect(
        await count(
          "SELECT count(*)::int AS n FROM members m WHERE m.account_id IS NULL AND (SELECT count(*) FROM outbox o WHERE lower(o.to_address) = m.email_normalized) <> 1",
        ),
      ).toBe(0);
      // Every stored idempotent response names an object that exists.
      expect(
        await count(`SELECT count(*)::int AS n FROM idempotency_keys k WHERE k.status = 201 AND k.response_body->>'id' IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM teams WHERE id = k.response_body->>'id') AND NOT EXISTS (SELECT 1 FROM projects WHERE id = k.response_body->>'id')
        AND NOT EXISTS (SELECT 1 FROM members WHERE id = k.response_body->>'id') AND NOT EXISTS (SELECT 1 FROM organizations WHERE id = k.response_body->>'id')`),
      ).toBe(0);
    } finally {
      await db.close();
    }
  }, 180_000);
});
