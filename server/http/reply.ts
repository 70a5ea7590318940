// What a handler answers, and how it goes out: the status of the route table unless the handler
// chose one, an ETag for a versioned resource (and 304 for a GET that already has it), a Link to
// the next page of a list.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { RouteDef } from "../../api/routes";
import { matchesEtag } from "./etag";

const REPLY = Symbol.for("orgs.reply");

export interface ReplyValue {
  [REPLY]: true;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A handler result with a status or headers of its own (a plain return value is the body). */
export function reply(r: { status?: number; body?: unknown; headers?: Record<string, string> }): ReplyValue {
  return { [REPLY]: true, ...r };
}

export const isReply = (v: unknown): v is ReplyValue => typeof v === "object" && v !== null && REPLY in v;

/** A handler's return value as a reply with a status. */
export function normalize(v: unknown, route: RouteDef): ReplyValue {
  if (isReply(v)) return { ...v, status: v.status ?? route.status ?? 200 };
  return reply({ status: route.status ?? 200, body: route.status === 204 ? undefined : v });
}

export function send(req: FastifyRequest, res: FastifyReply, out: ReplyValue) {
  const body = out.body as { version?: unknown; items?: unknown; next_cursor?: string | null } | undefined;
  if (out.headers) res.headers(out.headers);
  if (body && typeof body.version === "number" && !("items" in body)) {
    const etag = `"${body.version}"`;
    res.header("etag", etag);
    if (req.method === "GET" && matchesEtag(req.headers["if-none-match"], body.version)) return res.code(304).send();
  }
  if (body && typeof body.next_cursor === "string") {
    const url = new URL(req.url, "http://x");
    url.searchParams.set("cursor", body.next_cursor);
    res.header("link", `<${url.pathname}${url.search}>; rel="next"`);
  }
  res.code(out.status ?? 200);
  if (out.status === 204 || body === undefined) return res.send();
  const type = (out.status ?? 200) >= 400 ? "application/problem+json" : "application/json; charset=utf-8";
  return res.type(type).send(JSON.stringify(body));
}
