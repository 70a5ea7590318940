/** Whether an If-Match / If-None-Match header names `version` (or `*`). ETags are `"<version>"`. */
export function matchesEtag(header: string | undefined, version: number): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const v = t.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
    return v === "*" || v === String(version);
  });
}
