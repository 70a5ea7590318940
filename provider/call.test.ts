// Conditional writes and composite IDs: table-driven.
import { describe, expect, it } from "vitest";
import { OrgsApiError } from "../client";
import { idParts, withVersion } from "./call";
import { ProviderError } from "./errors";

const stale = () => new ProviderError("precondition", { cause: new OrgsApiError(412, "precondition_failed", "changed") });

describe("withVersion", () => {
  it.each([
    ["the first attempt succeeds", [undefined], true, [3], "ok"],
    ["a 412 with nothing declared changed: one retry with the current version", [stale(), undefined], true, [3, 7], "ok"],
    ["a 412 after a declared field changed by hand: the 412 stands", [stale()], false, [3], "precondition"],
    ["a 412 twice: the second stands", [stale(), stale()], true, [3, 7], "precondition"],
  ])("%s", async (_, failures, unchanged, versions, outcome) => {
    const tried: (number | undefined)[] = [];
    const attempt = async (v: number | undefined) => {
      tried.push(v);
      const f = failures[tried.length - 1];
      if (f) throw f;
      return "ok";
    };
    const result = await withVersion(3, attempt, async () => ({ version: 7, unchanged })).catch((e: Error) => e.message);
    expect(result).toBe(outcome);
    expect(tried).toEqual(versions);
  });

  it("does not retry other errors", async () => {
    let n = 0;
    const err = new ProviderError("gone", { cause: new OrgsApiError(404, "not_found", "no") });
    await expect(
      withVersion(
        1,
        async () => {
          n++;
          throw err;
        },
        async () => ({ version: 2, unchanged: true }),
      ),
    ).rejects.toBe(err);
    expect(n).toBe(1);
  });
});

describe("idParts", () => {
  it.each([
    ["org_1/mem_2", 2, ["org_1", "mem_2"]],
    ["prj_1/teams/team_2", 3, ["prj_1", "teams", "team_2"]],
  ] as const)("%s", (id, n, parts) => expect(idParts(id, n as 2, "x")).toEqual(parts));

  it.each([
    ["org_1", 2],
    ["org_1//", 3],
    ["a/b/c", 2],
  ] as const)("refuses %s as %i parts", (id, n) => {
    expect(() => idParts(id, n as 2, "Member")).toThrow(/Member: the ID .* is not of the form/);
  });
});
