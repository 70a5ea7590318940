// How long the client keeps retrying (issue 18, item 3): a URL where no server answers fails in
// seconds, never after minutes of backoff; a server that answered before and then refuses (a
// restart) is waited for; and a call's deadline ends its retries, whatever the server says.
import { createServer, type Server } from "node:net";
import { describe, expect, it } from "vitest";
import { MockAgent } from "undici";
import { OrgsApiError, OrgsClient, retryPolicy } from "./index";

/** The provider's retry settings (provider/config.ts): up to 30 retries of up to 10 s. */
const PROVIDER = { maxRetries: 30, maxRetryWaitMs: 10_000 };

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return (server.address() as { port: number }).port;
}
const closeServer = (server: Server) => new Promise((r) => server.close(r));

describe("retry bounds", () => {
  it("fails in seconds when nothing listens at the URL, saying which URL", async () => {
    const probe = createServer();
    const port = await listen(probe);
    await closeServer(probe);
    const c = new OrgsClient({ baseUrl: `http://127.0.0.1:${port}`, token: "t", ...PROVIDER });
    const started = Date.now();
    const err = await c.call("getMe").catch((e) => e);
    const took = Date.now() - started;
    await c.close();
    expect(OrgsApiError.isInstance(err)).toBe(true);
    expect(err.status).toBe(0);
    expect(err.detail).toContain(`cannot reach the org API at http://127.0.0.1:${port}`);
    expect(took).toBeLessThan(5_000);
  });

  it("waits for a server that answered before and restarts (connection refused meanwhile)", async () => {
    const answer = (server: Server) =>
      server.on("connection", (socket) =>
        socket.once("data", () => socket.end("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")),
      );
    const first = answer(createServer());
    const port = await listen(first);
    const c = new OrgsClient({ baseUrl: `http://127.0.0.1:${port}`, token: "t", ...PROVIDER });
    await c.call("getMe").catch(() => undefined);
    await closeServer(first);
    // Down for longer than a URL nobody answers is given, then back.
    const back = new Promise<Server>((r) =>
      setTimeout(async () => {
        const again = answer(createServer());
        await listen(again, port);
        r(again);
      }, 4_000),
    );
    const started = Date.now();
    const res = await c.call("getMe").catch((e) => e);
    expect(Date.now() - started).toBeGreaterThan(3_500);
    expect(OrgsApiError.isInstance(res) && res.status === 0, String(res)).toBe(false);
    await c.close();
    await closeServer(await back);
  }, 20_000);

  it("ends retries at the call's deadline, even through a 503 storm", async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock.get("http://orgs.test").intercept({ path: "/v1/me", method: "GET" }).reply(503, { code: "unavailable", detail: "busy" }).persist();
    const c = new OrgsClient({ baseUrl: "http://orgs.test", token: "t", dispatcher: mock.compose(retryPolicy(PROVIDER)) });
    const started = Date.now();
    const err = await c.call("getMe", { deadline: Date.now() + 1_500 }).catch((e) => e);
    expect(err.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3_000);
    await mock.close();
  });
});
