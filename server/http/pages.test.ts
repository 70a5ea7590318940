// Cursor pages: what a cursor holds, which cursors are refused, and where a page ends.
import { describe, expect, it } from "vitest";
import { ApiError } from "../errors";
import { decodeCursor, encodeCursor, pageOf } from "./pages";

describe("cursors", () => {
  it.each([
    ["an ID", "org_01hx"],
    ["a composite key", "members/mem_01"],
    ["non-ASCII", "Zoë · 東京"],
    ["base64url's own alphabet", "a-b_c+d/e="],
  ])("round-trip %s", (_, key) => {
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toBe(key);
  });

  it.each([undefined, ""])("no cursor (%j) is the first page", (cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });

  it.each([
    ["decodes to nothing", "!!!"],
    ["holds a control character", Buffer.from("a\nb").toString("base64url")],
    ["holds a NUL", Buffer.from("a\0").toString("base64url")],
  ])("a cursor that %s is a 400 invalid_query naming /cursor", (_, cursor) => {
    let err: unknown;
    try {
      decodeCursor(cursor);
    } catch (e) {
      err = e;
    }
    expect(ApiError.isInstance(err)).toBe(true);
    expect(err).toMatchObject({ code: "invalid_query", status: 400, extra: { errors: [{ field: "/cursor", code: "invalid" }] } });
  });
});

describe("pageOf", () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `id${i}` }));
  it.each([
    { fetched: 0, limit: 3, items: [], next: null },
    { fetched: 2, limit: 3, items: ["id0", "id1"], next: null },
    { fetched: 3, limit: 3, items: ["id0", "id1", "id2"], next: null },
    // limit + 1 rows fetched: there is a next page, after the last item shown.
    { fetched: 4, limit: 3, items: ["id0", "id1", "id2"], next: "id2" },
    { fetched: 2, limit: 1, items: ["id0"], next: "id0" },
  ])("$fetched rows, limit $limit: items $items, next after $next", ({ fetched, limit, items, next }) => {
    const page = pageOf(
      rows(fetched),
      limit,
      (r) => r.id,
      (r) => r.id,
    );
    expect(page.items).toEqual(items);
    expect(page.next_cursor === null ? null : decodeCursor(page.next_cursor)).toBe(next);
  });
});
