// What reaches the server below the routes, over real sockets on loopback: bodies over the 1 MiB
// limit sent without `Expect: 100-continue`, and requests Node's HTTP parser refuses. Each must get
// a whole, readable problem+json as openapi.json documents it — never a reset or Fastify's JSON.
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discardBody } from "../server/http/body-limit";
import { clientErrorProblem } from "../server/http/client-error";
import { Contract } from "./support/contract";
import { startTestServer, type TestServer } from "./support/server";

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  error?: string;
}

/**
 * Sends `head` and then `body` in 64 KiB writes (waiting on backpressure, as a client streaming a
 * file does), reading all the while; resolves when the server closes. A socket error at any point
 * (a reset, a write into a closed connection) is reported, since a client that sees one has
 * usually lost the answer with it.
 */
function rawRequest(port: number, head: string | Buffer, body: Buffer = Buffer.alloc(0), chunked = false): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    let error: string | undefined;
    socket.on("data", (c: Buffer) => received.push(c));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
    });
    socket.on("close", () => resolve({ ...parse(Buffer.concat(received).toString("latin1")), ...(error ? { error } : {}) }));
    socket.on("connect", async () => {
      socket.write(head);
      for (let at = 0; at < body.length && !socket.destroyed; at += 1 << 16) {
        const piece = body.subarray(at, at + (1 << 16));
        const frame = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]) : piece;
        if (!socket.write(frame)) await new Promise((go) => socket.once("drain", go).once("close", go));
      }
      if (chunked && !socket.destroyed) socket.write("0\r\n\r\n");
    });
  });
}

function parse(text: string): Omit<RawResponse, "error"> {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return { status: 0, headers: {}, body: text };
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  const body = text.slice(end + 4);
  return { status: Number(statusLine!.split(" ")[1]), headers, body: headers["content-length"] ? body.slice(0, Number(headers["content-length"])) : body };
}

let s: TestServer;
let port: number;
let contract: Contract;
beforeAll(async () => {
  s = await startTestServer();
  await s.app.listen({ host: "127.0.0.1", port: 0 });
  port = (s.app.server.address() as AddressInfo).port;
  contract = await Contract.load(JSON.parse(readFileSync(join(__dirname, "..", "openapi.json"), "utf8")));
});
afterAll(() => s?.close());

describe("a body over 1 MiB without Expect: 100-continue", () => {
  const MiB = 1 << 20;
  const head = (extra: string) => `POST /v1/organizations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${extra}\r\n`;

  it.each([
    ["with a Content-Length", false],
    ["chunked", true],
  ] as const)(
    "always gets its 413 problem, whole, and no reset (%s, 2-5 MiB, 20 times)",
    async (_, chunked) => {
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) {
        const body = Buffer.alloc((2 + (i % 4)) * MiB, " ");
        const r = await rawRequest(port, head(chunked ? "Transfer-Encoding: chunked\r\n" : `Content-Length: ${body.length}\r\n`), body, chunked);
        outcomes.push(r.error ? `${r.status} with ${r.error}` : String(r.status));
        if (r.status === 413) {
          expect(contract.check({ method: "POST", url: "/v1/organizations", status: r.status, headers: r.headers, body: r.body })).toEqual([]);
          expect(JSON.parse(r.body)).toMatchObject({ status: 413, code: "payload_too_large" });
          expect(r.headers.connection).toBe("close");
        }
      }
      expect(outcomes).toEqual(Array(20).fill("413"));
    },
    60_000,
  );

  it("discards the rest of a body only up to its bounds", async () => {
    const bounds = { maxBytes: 256 * 1024, maxMs: 300 };
    const server: Server = createServer((req, res) => {
      const started = Date.now();
      void discardBody(req, bounds).then(() => res.end(JSON.stringify({ complete: req.complete, ms: Date.now() - started })));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const at = (server.address() as AddressInfo).port;
    try {
      // Within the bounds: read to its end.
      const small = await rawRequest(at, "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 100000\r\n\r\n", Buffer.alloc(100_000, "a"));
      expect(JSON.parse(small.body)).toMatchObject({ complete: true });
      // A client that stalls: given up after maxMs.
      const stalled = await rawRequest(at, "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 100000\r\n\r\n", Buffer.alloc(10, "a"));
      expect(JSON.parse(stalled.body).complete).toBe(false);
      expect(JSON.parse(stalled.body).ms).toBeGreaterThanOrEqual(bounds.maxMs - 20);
      // A client that sends more than maxBytes: given up there, not at its end.
      const big = await rawRequest(at, `POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${8 * MiB}\r\n\r\n`, Buffer.alloc(8 * MiB, "a"));
      expect(big.status === 0 || JSON.parse(big.body).complete === false).toBe(true);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 30_000);
});

describe("requests the HTTP parser refuses", () => {
  it.each([
    ["a NUL in a header", "GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Note: a\0b\r\n\r\n", 400, "malformed_request"],
    [
      "two Content-Lengths",
      "POST /v1/organizations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
      400,
      "malformed_request",
    ],
    [
      "Content-Length with chunked encoding",
      "POST /v1/organizations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
      400,
      "malformed_request",
    ],
    [
      "broken chunked encoding",
      "POST /v1/organizations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
      400,
      "malformed_request",
    ],
    ["a raw space in the path", "GET /v1/organizations/a b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed_request"],
    ["headers over 16 KiB", `GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431, "headers_too_large"],
  ] as const)("%s: a problem+json, as documented for every operation", async (_, request, status, code) => {
    const r = await rawRequest(port, Buffer.from(request, "latin1"));
    expect(r.status, JSON.stringify(r)).toBe(status);
    expect(r.headers["content-type"]).toBe("application/problem+json");
    const problem = JSON.parse(r.body);
    expect(problem).toMatchObject({ status, code, type: `https://orgs.dev/problems/${code}`, request_id: r.headers["x-request-id"] });
    expect(problem.detail).toMatch(/\S/);
    for (const [method, url] of [
      ["GET", "/v1/me"],
      ["POST", "/v1/organizations"],
      ["DELETE", "/v1/projects/prj_1"],
    ]) {
      expect(contract.check({ method: method!, url: url!, status: r.status, headers: r.headers, body: r.body })).toEqual([]);
    }
  });

  it("the server still answers on new connections afterwards", async () => {
    const r = await rawRequest(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(r.status).toBe(200);
  });

  it("names what a timeout and an oversized chunk extension are", () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(clientErrorProblem(err("ERR_HTTP_REQUEST_TIMEOUT"))).toMatchObject({ status: 408, code: "request_timeout" });
    expect(clientErrorProblem(err("HPE_CHUNK_EXTENSIONS_OVERFLOW"))).toMatchObject({ status: 413, code: "payload_too_large" });
    expect(clientErrorProblem(Object.assign(err("HPE_INVALID_HEADER_TOKEN"), { reason: "Invalid header value char" })).detail).toBe(
      "the HTTP request cannot be parsed: Invalid header value char",
    );
  });
});
