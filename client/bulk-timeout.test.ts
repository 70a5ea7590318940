// A set's apply is one transaction whatever its size (issue 20): its per-attempt timeout grows with
// the set (bulkTimeoutMs), so a large apply is waited for instead of being cut off at the client's
// fixed timeout and sent again. A loopback server that answers late stands in for a long apply.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkTimeoutMs, DEFAULT_TIMEOUT_MS, OrgsApiError, OrgsClient } from "./index";

const PLAN = {
  membership_version: "v1",
  invite: [],
  update: [],
  remove: [],
  unchanged: 1000,
  unmanaged: [],
  invitations: { needed: 0, remaining: 50 },
};

describe("bulk timeout", () => {
  let server: Server;
  let url = "";
  const seen: IncomingMessage[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      req.resume();
      // Answers 2.5 s after the request, as a long transaction would (undici's timers tick about once a second).
      req.on("end", () => setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(PLAN)), 2500));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it("grows with the set: the default plus 2 ms an entry", () => {
    expect(bulkTimeoutMs(0)).toBe(DEFAULT_TIMEOUT_MS);
    expect(bulkTimeoutMs(50_000)).toBe(DEFAULT_TIMEOUT_MS + 100_000);
    expect(bulkTimeoutMs(1000, 200)).toBe(2200);
  });

  it("a call's timeoutMs outlasts the client's: the late answer arrives, from one request", { timeout: 15_000 }, async () => {
    const c = new OrgsClient({ baseUrl: url, token: "t", timeoutMs: 200, maxRetries: 0 });
    const body = { members: [{ email: "a@x.test" }], prune: false };
    const cut = await c.call("planMembers", { params: { org: "org_x" }, body }).catch((e) => e);
    expect(OrgsApiError.isInstance(cut) && cut.code, String(cut)).toBe("UND_ERR_HEADERS_TIMEOUT");
    seen.length = 0;
    const res = await c.call("planMembers", { params: { org: "org_x" }, body, timeoutMs: bulkTimeoutMs(2000, 200) });
    expect(res.body.unchanged).toBe(1000);
    expect(seen).toHaveLength(1);
    await c.close();
  });
});
