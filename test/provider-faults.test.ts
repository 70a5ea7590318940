// Faults met by a real `pulumi up` through the dynamic-provider host: a 429 storm from a low rate
// limit, and a server killed (SIGKILL) and restarted in the middle of a run.
import { describe, expect, it } from "vitest";
import { Host, Stack, pool, providerEnv } from "./support/engine";
import { printedToken, startServerProcess, tempDataDir } from "./support/process";

describe("faults", () => {
  it("completes through a 429 storm, waiting as Retry-After says", async () => {
    const env = await providerEnv({ config: { rateLimit: 4 } });
    try {
      let limited = 0;
      env.server.app.server.on("request", (_req, res) => res.once("finish", () => { if (res.statusCode === 429) limited++; }));
      await env.stack.up("organization", "org", { slug: "stormy", name: "Stormy", region: "eu" });
      const org = env.stack.get("org");
      const emails = Array.from({ length: 16 }, (_, i) => `storm${i}@example.test`);
      await pool(emails, 8, async (email) => { await env.stack.up("member", email, { organization: org.id, email }); });
      await pool(emails, 8, async (email) => { await env.stack.refresh(email); });
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
      expect(members.json.items.map((m: { email: string }) => m.email).filter((e: string) => !e.startsWith("owner-")).sort()).toEqual(["a@example.test", "b@example.test"]);
    } finally {
      await env.close();
    }
  }, 60_000);

  it("recovers from a server killed and restarted mid-run, with no duplicate and no failed step", async () => {
    const dataDir = tempDataDir();
    let server = await startServerProcess({ dataDir, env: { ORGS_INVITATION_QUOTA: "1000" } });
    const port = server.port;
    const operatorToken = printedToken(server.output());
    const api = async (method: string, path: string, token?: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, { method, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
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
      expect(members.filter((m) => m.email !== "restart@example.test").map((m) => m.id).sort()).toEqual(inState);
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
