// Small helpers handlers share: If-Match checks and cursor pages.
import type { Ctx } from "../context";
import { fail } from "../errors";
import { matchesEtag } from "../http/etag";

/** 412 when the request's If-Match names another version than the current one. */
export function checkIfMatch(ctx: Pick<Ctx, "headers">, version: number, what = "the resource"): void {
  const h = ctx.headers["if-match"];
  if (h === undefined || matchesEtag(h, version)) return;
  fail("precondition_failed", `${what} changed since you read it (now at version ${version}): read it again and retry`, { current_etag: `"${version}"` });
}

/** Cursors are the last item's sort key, opaque to clients. */
export const encodeCursor = (key: string) => Buffer.from(key, "utf8").toString("base64url");
export function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  if (!key || /\p{Cc}/u.test(key)) fail("invalid_query", "query parameter cursor: is not a cursor this API issued", { errors: [{ field: "/cursor", code: "invalid", message: "is not a valid cursor" }] });
  return key;
}

/** Turns `limit + 1` rows fetched in key order into a page. */
export function pageOf<R, T>(rows: R[], limit: number, keyOf: (r: R) => string, map: (r: R) => T) {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(map);
  return { items, next_cursor: more ? encodeCursor(keyOf(rows[limit - 1]!)) : null };
}
