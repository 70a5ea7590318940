// Requests Node's HTTP parser refuses (a NUL in a header, two Content-Lengths, broken chunked
// encoding, a space in the path, headers past 16 KiB, headers that never finish) never reach a
// route: Node emits 'clientError' with the socket. They get a problem+json like every other error,
// written on the raw socket, which is then closed (the parser cannot find the next request).
import type { Socket } from "node:net";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { ApiError } from "../errors";
import { newId } from "../domain/ids";

/** The problem for an error Node's HTTP server reports on a connection. */
export function clientErrorProblem(err: Error & { code?: string; reason?: string }): ApiError {
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return new ApiError("request_timeout", "the request line and headers did not arrive in time");
  if (err.code === "HPE_HEADER_OVERFLOW") return new ApiError("headers_too_large", "the request line and headers are larger than 16 KiB");
  if (err.code === "HPE_CHUNK_EXTENSIONS_OVERFLOW") return new ApiError("payload_too_large", "the chunk extensions are too large");
  const reason = err.reason ?? err.message.replace(/^Parse Error:\s*/, "");
  return new ApiError("malformed_request", `the HTTP request cannot be parsed: ${reason}`);
}

/** Fastify's clientErrorHandler: answers on the socket unless it is gone or a response already started on it. */
export function handleClientError(err: Error & { code?: string }, socket: Duplex, log?: { debug(o: object, msg: string): void }): void {
  // A reset connection has nobody to answer.
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  log?.debug({ err }, "the HTTP parser refused a request");
  // Bytes written after a response began would corrupt it; Node's own handler checks the same.
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (socket.writable && !started) {
    const problem = clientErrorProblem(err);
    const requestId = newId("req");
    // No route was matched, so there is no instance to name.
    const { instance: _, ...fields } = problem.toProblem("", requestId);
    const body = JSON.stringify(fields);
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        "Content-Type: application/problem+json\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        "Connection: close\r\n\r\n" +
        body,
    );
  }
  socket.destroy(err);
}
