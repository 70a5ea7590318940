// Faults met by a real `pulumi up` through the dynamic-provider host: a 429 storm from a low rate
// limit, an exhausted invitation quota, an answer lost after the server committed, and a server
// killed (SIGKILL) and restarted in the middle of a run.
import { createServer, connect, type AddressInfo, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { Host, Stack, pool, providerEnv } from "./support/engine";
import { printedToken, startServerProcess, tempDataDir } from "./support/process";

/**
 * A TCP proxy to the server that loses the answer to the first request whose request line
 * matches: it lets the request through, then resets the client's connection when the server
 * starts answering (the change is committed by then).
 */
async function answerLosingProxy(target: string, matches: (requestLine: string) => boolean) {
  const { hostname, port } = new URL(target);
  let lost = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
      s.on("error", () => {});
    }
    let armed = false;
    client.on("data", (chunk: Buffer) => {
      const line = chunk.toString("latin1", 0, Math.min(chunk.length, 300)).split("\r\n")[0]!;
      if (/^[A-Z]+ \S+ HTTP\//.test(line)) armed = lost === 0 && matches(line);
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!armed) return void client.write(chunk);
      lost++;
      armed = false;
      client.resetAndDestroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lost: () => lost,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe("faults", () => {
  it("completes through a 429 storm, waiting as Retry-After says", async () => {
    const env = await providerEnv({ config: { rateLimit: 4 } });
    try {
      let limited = 0;
      env.server.app.server.on("request", (_req, res) =>
        res.once("finish", () => {
          if (res.statusCode === 429) limited++;
        }),
      );
      await env.stack.up("organization", "org", { slug: "stormy", name: "Stormy", region: "eu" });
      const org = env.stack.get("org");
      const emails = Array.from({ length: 16 }, (_, i) => `storm${i}@example.test`);
      await pool(emails, 8, async (email) => {
        await env.stack.up("member", email, { organization: org.id, email });
      });
      await pool(emails, 8, async (email) => {
        await env.stack.refresh(email);
      });
      expect(limited).toBeGreaterThan(10);
      // Counted in the database: the API, at 4 requests/s for this account, may still be answering 429.
      const [members] = await env.server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM members WHERE organization_id = $1", [org.id]);
      expect(members!.n).toBe(17);
      expect(emails.every((e) => env.stack.get(e).outputs.status === "invited")).toBe(true);
    } finally {
      await env.close();
    }
  }, 120_000);

  it("stops at once when the invitation quota is used up, saying when to retry and keeping who was invited", async () => {
    const env = await providerEnv({ config: { invitationQuota: 2 } });
    try {
      await env.stack.up("organization", "org", { slug: "quota-org", name: "Quota", region: "us" });
      const org = env.stack.get("org");
      await env.stack.up("member", "a", { organization: org.id, email: "a@example.test" });
      await env.stack.up("member", "b", { organization: org.id, email: "b@example.test" });
      const started = Date.now();
      const err = await env.stack.up("member", "c", { organization: org.id, email: "c@example.test" }).catch((e: Error) => e);
      // The server asks for an hour: the provider does not sit through retries it cannot win.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(String((err as Error).message)).toMatch(/invitation_quota_exceeded \(429\).*run `pulumi up` again later/);
      expect(env.stack.get("a").outputs.status).toBe("invited");
      expect(env.stack.get("b").outputs.status).toBe("invited");
      const members = await env.server.call(env.owner.token, "GET", `/v1/organizations/${org.id}/members`);
      expect(
        members.json.items
          .map((m: { email: string }) => m.email)
          .filter((e: string) => !e.startsWith("owner-"))
          .sort(),
      ).toEqual(["a@example.test", "b@example.test"]);
    } finally {
      await env.close();
    }
  }, 60_000);

  it("a grant whose answer was lost after the server committed it: the retry replays the 201, and the grant is the program's", async () => {
    const env = await providerEnv();
    const proxy = await answerLosingProxy(env.url, (line) => line.startsWith("PUT ") && line.includes("/access/"));
    try {
      await env.stack.nextRun({ "orgs:apiUrl": proxy.url, "orgs:apiToken": env.owner.token });
      await env.stack.up("organization", "org", { slug: "lossy", name: "Lossy", region: "eu" });
      const org = env.stack.get("org").id;
      await env.stack.up("project", "prj", { organization: org, name: "lossy" });
      await env.stack.up("member", "ann", { organization: org, email: "ann@example.test" });
      const step = await env.stack.up("project-access", "grant", {
        project: env.stack.get("prj").id,
        member: env.stack.get("ann").outputs.memberId,
        level: "viewer",
      });
      expect(proxy.lost()).toBe(1);
      expect(step.op).toBe("create");
      expect(env.stack.get("grant").outputs).toMatchObject({ level: "viewer", version: 1 });
      const grants = await env.server.db.query("SELECT version FROM project_access WHERE project_id = $1", [env.stack.get("prj").id]);
      expect(grants).toEqual([{ version: 1 }]);
      const events = await env.server.db.query("SELECT id FROM audit_events WHERE action = 'project_access.granted' AND project_id = $1", [
        env.stack.get("prj").id,
      ]);
      expect(events).toHaveLength(1);
    } finally {
      await proxy.close();
      await env.close();
    }
  }, 60_000);

  it("recovers from a server killed and restarted mid-run, with no duplicate and no failed step", async () => {
    const dataDir = tempDataDir();
    let server = await startServerProcess({ dataDir, env: { ORGS_INVITATION_QUOTA: "1000" } });
    const port = server.port;
    const operatorToken = printedToken(server.output());
    const api = async (method: string, path: string, token?: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, json: (await res.json().catch(() => undefined)) as any };
    };
    const signup = await api("POST", "/v1/accounts", undefined, { email: "restart@example.test", name: "restart" });
    const token = signup.json.token.token;
    const stack = new Stack(await Host.start());
    try {
      await stack.host.configure({ "orgs:apiUrl": server.url, "orgs:apiToken": token });
      await stack.up("organization", "org", { slug: "restarts", name: "Restarts", region: "us" });
      const org = stack.get("org");
      await stack.up("project", "prj", { organization: org.id, name: "survivor" });
      const project = stack.get("prj").id;

      const emails = Array.from({ length: 40 }, (_, i) => `person${i}@example.test`);
      let done = 0;
      let restarted: Promise<void> | undefined;
      const failures: unknown[] = [];
      await pool(emails, 8, async (email) => {
        try {
          await stack.up("member", email, { organization: org.id, email });
          await stack.up("project-access", `${email}/prj`, { project, member: stack.get(email).outputs.memberId, level: "viewer" });
        } catch (e) {
          failures.push(e);
        }
        if (++done === 6) {
          restarted = (async () => {
            await server.stop("SIGKILL");
            await new Promise((r) => setTimeout(r, 300));
            server = await startServerProcess({ dataDir, port, env: { ORGS_INVITATION_QUOTA: "1000" } });
          })();
        }
      });
      expect(restarted).toBeDefined();
      await restarted;
      expect(failures).toEqual([]);

      const members = (await api("GET", `/v1/organizations/${org.id}/members?limit=100`, token)).json.items as { id: string; email: string }[];
      expect(members).toHaveLength(41);
      const inState = emails.map((e) => stack.get(e).outputs.memberId).sort();
      expect(
        members
          .filter((m) => m.email !== "restart@example.test")
          .map((m) => m.id)
          .sort(),
      ).toEqual(inState);
      const grants = (await api("GET", `/v1/projects/${project}/access?limit=100`, token)).json.items;
      expect(grants).toHaveLength(40);
      // One invitation each: a retried create replayed its first answer instead of inviting again.
      expect(operatorToken).toBeTruthy();
      const outbox = await api("GET", "/v1/outbox?limit=100", operatorToken!);
      const sent = (outbox.json.items as { to: string }[]).filter((m) => m.to.startsWith("person"));
      expect(sent).toHaveLength(40);
    } finally {
      await stack.host.stop();
      await server.stop("SIGKILL");
    }
  }, 180_000);
});
