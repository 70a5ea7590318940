// The per-run list cache: a few reads one by one, then one list for the scope.
import { beforeEach, describe, expect, it } from "vitest";
import { clearReadCache, fromList, invalidate } from "./read-cache";

describe("fromList", () => {
  let lists = 0;
  const list = async () => {
    lists++;
    return [{ id: "a" }, { id: "b" }];
  };
  const read = (id: string, scope = "members:org_1") => fromList(scope, id, list, (x) => x.id);
  beforeEach(() => {
    clearReadCache();
    lists = 0;
  });

  it("answers the first 25 reads of a scope with a miss, then from one list", async () => {
    for (let i = 0; i < 25; i++) expect(await read("a")).toBe("miss");
    expect(lists).toBe(0);
    expect(await read("a")).toEqual({ id: "a" });
    expect(await read("b")).toEqual({ id: "b" });
    expect(lists).toBe(1);
  });

  it.each([
    ["an item the list lacks is asked for directly (which confirms it is gone)", "z", "members:org_1", "miss"],
    ["another scope has its own count", "a", "members:org_2", "miss"],
  ])("%s", async (_, id, scope, expected) => {
    for (let i = 0; i < 26; i++) await read("a");
    expect(await read(id, scope)).toBe(expected);
  });

  it("starts over after a change in the scope, and after a failed list", async () => {
    for (let i = 0; i < 26; i++) await read("a");
    invalidate("members:org_1");
    expect(await read("a")).toBe("miss");
    clearReadCache();
    lists = 0;
    const failing = async () => {
      throw new Error("down");
    };
    for (let i = 0; i < 25; i++) await fromList("s", "a", failing, (x: { id: string }) => x.id);
    expect(await fromList("s", "a", failing, (x: { id: string }) => x.id)).toBe("miss");
    // The failed list is forgotten: the scope counts from the start again.
    expect(await fromList("s", "a", list, (x) => x.id)).toBe("miss");
    expect(lists).toBe(0);
  });
});
