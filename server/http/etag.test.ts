// ETag matching as If-Match and If-None-Match use it.
import { describe, expect, it } from "vitest";
import { checkIfMatch, matchesEtag } from "./etag";

describe("matchesEtag", () => {
  it.each([
    [undefined, 3, false],
    ["", 3, false],
    ['"3"', 3, true],
    ['"4"', 3, false],
    ["3", 3, true],
    ['W/"3"', 3, true],
    ["*", 3, true],
    ['"1", "2", "3"', 3, true],
    ['"1", "2"', 3, false],
    ['"33"', 3, false],
  ] as const)("%j against version %d: %s", (header, version, expected) => {
    expect(matchesEtag(header, version)).toBe(expected);
  });
});

describe("checkIfMatch", () => {
  it.each([undefined, '"5"', "*"])("passes with If-Match %j on version 5", (h) => {
    expect(() => checkIfMatch({ headers: { "if-match": h } }, 5)).not.toThrow();
  });

  it("fails 412 with the current ETag otherwise", () => {
    expect(() => checkIfMatch({ headers: { "if-match": '"4"' } }, 5, "team Platform")).toThrow(
      expect.objectContaining({
        code: "precondition_failed",
        status: 412,
        extra: { current_etag: '"5"' },
        detail: expect.stringContaining("team Platform changed"),
      }),
    );
  });
});
