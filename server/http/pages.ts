// Cursor pages (org-api.md §3.2): a page is `limit` items in key order and the cursor of the next.
import { fail } from "../errors";

/** Cursors are the last item's sort key, opaque to clients. */
export const encodeCursor = (key: string) => Buffer.from(key, "utf8").toString("base64url");

/** The sort key a cursor holds, or null without one; 400 for a cursor this API did not issue. */
export function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  if (!key || /\p{Cc}/u.test(key))
    fail("invalid_query", "query parameter cursor: is not a cursor this API issued", {
      errors: [{ field: "/cursor", code: "invalid", message: "is not a valid cursor" }],
    });
  return key;
}

/** Turns `limit + 1` rows fetched in key order into a page. */
export function pageOf<R, T>(rows: R[], limit: number, keyOf: (r: R) => string, map: (r: R) => T) {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(map);
  return { items, next_cursor: more ? encodeCursor(keyOf(rows[limit - 1]!)) : null };
}
