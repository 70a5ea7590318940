// Request bodies are JSON or nothing. An empty body parses to undefined (a route with a body schema
// then says one is required); a body of any other media type is 415; JSON that does not parse is 400.
import type { FastifyInstance } from "fastify";
import { ApiError } from "../errors";

export function acceptJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, text, done) => {
    if (text === "" || text === undefined) return done(null, undefined);
    try {
      done(null, JSON.parse(text as string));
    } catch (e) {
      done(new ApiError("malformed_json", `the body is not valid JSON: ${(e as Error).message}`), undefined);
    }
  });
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, text, done) => {
    if (!text) return done(null, undefined);
    done(new ApiError("unsupported_media_type", "send the body as application/json"), undefined);
  });
}
