// ETags are `"<version>"`: If-None-Match on reads (304), If-Match on writes (412).
import type { Ctx } from "../context";
import { fail } from "../errors";

/** Whether an If-Match / If-None-Match header names `version` (or `*`). */
export function matchesEtag(header: string | undefined, version: number): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const v = t.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
    return v === "*" || v === String(version);
  });
}

/** 412 when the request's If-Match names another version than the current one. */
export function checkIfMatch(ctx: Pick<Ctx, "headers">, version: number, what = "the resource"): void {
  const h = ctx.headers["if-match"];
  if (h === undefined || matchesEtag(h, version)) return;
  fail("precondition_failed", `${what} changed since you read it (now at version ${version}): read it again and retry`, { current_etag: `"${version}"` });
}
