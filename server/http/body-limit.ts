// Bodies are limited to 1 MiB, and Fastify refuses a larger one as soon as it knows (from
// Content-Length, or once the limit is passed) and closes the connection. Answering then would
// leave the rest of the body unread: closing a socket with unread bytes makes the kernel send a
// reset, and a client still sending (no `Expect: 100-continue`) would often lose the 413 it was
// sent. So the rest is read and dropped before answering, up to a bound past which the client
// gets the close it was warned of.
import type { IncomingMessage } from "node:http";

export const BODY_LIMIT = 1 << 20;

/** How much of an over-limit body is read and dropped, and for how long, before the 413 goes out. */
export const DISCARD_BOUNDS = { maxBytes: 16 * BODY_LIMIT, maxMs: 10_000 };

/** Reads what is left of the request's body and drops it; resolves at its end, at a bound, or when the client goes. */
export function discardBody(req: IncomingMessage, bounds = DISCARD_BOUNDS): Promise<void> {
  if (req.complete || req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > bounds.maxBytes) finish();
    };
    const finish = () => {
      clearTimeout(timer);
      req.off("data", onData).off("end", finish).off("error", finish).off("close", finish);
      resolve();
    };
    const timer = setTimeout(finish, bounds.maxMs);
    req.on("data", onData).once("end", finish).once("error", finish).once("close", finish);
    req.resume();
  });
}
