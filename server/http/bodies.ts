// Request bodies are JSON or nothing. An empty body parses to undefined (a route with a body schema
// then says one is required); a body of any other media type is 415; JSON that does not parse is 400,
// and so is a body that is not UTF-8 (RFC 8259 §8.1): decoding it as a string would turn each bad
// byte into U+FFFD and store text the client never sent.
import { isUtf8 } from "node:buffer";
import type { FastifyInstance } from "fastify";
import { ApiError } from "../errors";

export function acceptJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => {
    const bytes = body as Buffer;
    if (bytes.length === 0) return done(null, undefined);
    if (!isUtf8(bytes)) {
      const at = firstInvalidUtf8(bytes);
      const message = `not valid UTF-8 at byte offset ${at}`;
      return done(
        new ApiError("malformed_json", `the body is ${message} (0x${bytes[at]!.toString(16).padStart(2, "0")}): send JSON encoded as UTF-8`, {
          errors: [{ field: "", code: "invalid", message }],
        }),
        undefined,
      );
    }
    try {
      done(null, JSON.parse(bytes.toString("utf8")));
    } catch (e) {
      done(new ApiError("malformed_json", `the body is not valid JSON: ${(e as Error).message}`), undefined);
    }
  });
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, text, done) => {
    if (!text) return done(null, undefined);
    done(new ApiError("unsupported_media_type", "send the body as application/json"), undefined);
  });
}

/**
 * The offset of the first byte that starts no well-formed UTF-8 sequence (Unicode's table 3-7: no
 * overlong forms, no surrogates, nothing past U+10FFFF); -1 when there is none.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let more: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) more = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      more = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      more = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= more; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += more + 1;
  }
  return -1;
}
