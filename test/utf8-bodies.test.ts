// Bodies that are not UTF-8, over a raw socket (a JSON client library would not send them): every
// endpoint with a body refuses them with 400 malformed_json naming the byte offset, before
// authentication or anything else, and writes nothing. Well-formed UTF-8 (any plane) is kept
// exactly as sent.
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes, type RouteDef } from "../api/routes";
import { firstInvalidUtf8 } from "../server/http/bodies";
import { startTestServer, type TestServer } from "./support/server";

/** One request on its own connection (Connection: close); the answer's status, headers and body. */
function raw(
  port: number,
  method: string,
  path: string,
  body: Buffer,
  token?: string,
): Promise<{ status: number; headers: Record<string, string>; json: any }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const end = text.indexOf("\r\n\r\n");
      const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      const rest = text.slice(end + 4);
      resolve({ status: Number(statusLine!.split(" ")[1]), headers, json: rest ? JSON.parse(rest) : undefined });
    });
    socket.on("connect", () => {
      const auth = token ? `Authorization: Bearer ${token}\r\n` : "";
      socket.write(
        Buffer.concat([
          Buffer.from(
            `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n${auth}Connection: close\r\n\r\n`,
          ),
          body,
        ]),
      );
    });
  });
}

let s: TestServer;
let port: number;
let owner: { token: string };
beforeAll(async () => {
  s = await startTestServer();
  ({ owner } = await s.orgWithOwner("utf8"));
  await s.app.listen({ host: "127.0.0.1", port: 0 });
  port = (s.app.server.address() as AddressInfo).port;
});
afterAll(() => s?.close());

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

describe("a JSON body that is not UTF-8", () => {
  const withBody = Object.entries(routes as Record<string, RouteDef>).filter(([, r]) => r.body);

  it.each(withBody)("%s: 400 malformed_json naming the byte offset, whoever sends it", async (_op, route) => {
    const path = route.path.replace(/\{\w+\}/g, "x_1");
    // 0xFF inside a JSON string: decoded as a string it would become U+FFFD and pass.
    const body = bytes('{"name": "ab', [0xff], 'c"}');
    const r = await raw(port, route.method, path, body);
    expect(r.status).toBe(400);
    expect(r.headers["content-type"]).toContain("application/problem+json");
    expect(r.json).toMatchObject({
      code: "malformed_json",
      status: 400,
      errors: [{ field: "", code: "invalid", message: "not valid UTF-8 at byte offset 12" }],
    });
    expect(r.json.detail).toContain("byte offset 12");
  });

  it("writes nothing: an organization named with a bad byte is not created, and not created as U+FFFD", async () => {
    const r = await raw(port, "POST", "/v1/organizations", bytes('{"slug": "bad-utf8", "name": "Caf', [0xc3, 0x28], '", "region": "eu"}'), owner.token);
    expect(r.status).toBe(400);
    expect(r.json.detail).toContain("byte offset 33");
    expect((await s.call(owner.token, "GET", "/v1/organizations/bad-utf8")).statusCode).toBe(404);
  });

  it("keeps well-formed UTF-8 of every plane exactly as sent", async () => {
    const name = "Café Zürich — 東京 🚀";
    const r = await raw(port, "POST", "/v1/organizations", bytes(JSON.stringify({ slug: "good-utf8", name, region: "eu" })), owner.token);
    expect(r.status).toBe(201);
    expect((await s.call(owner.token, "GET", "/v1/organizations/good-utf8")).json.name).toBe(name);
  });
});

describe("firstInvalidUtf8", () => {
  it.each([
    ["ASCII and valid multi-byte sequences", bytes("aé東🚀"), -1],
    ["a lone continuation byte", bytes("ab", [0x80]), 2],
    ["an overlong two-byte form (C0 80)", bytes("a", [0xc0, 0x80]), 1],
    ["an overlong three-byte form (E0 80 80)", bytes([0xe0, 0x80, 0x80]), 0],
    ["a UTF-16 surrogate (ED A0 80)", bytes("x", [0xed, 0xa0, 0x80]), 1],
    ["past U+10FFFF (F4 90 80 80)", bytes([0xf4, 0x90, 0x80, 0x80]), 0],
    ["a byte never used (F5)", bytes("é", [0xf5]), 2],
    ["a sequence cut short at the end", bytes("ok", [0xe6, 0x9d]), 2],
    ["a sequence cut short by ASCII", bytes([0xf0, 0x9f, 0x9a, 0x41]), 0],
  ])("%s", (_, input, at) => {
    expect(firstInvalidUtf8(input)).toBe(at);
  });
});
