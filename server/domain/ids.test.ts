import { describe, expect, it } from "vitest";
import { newId } from "./ids";

describe("newId", () => {
  it("sorts in creation order, also within one millisecond", () => {
    const now = Date.now() + 60_000;
    const ids = Array.from({ length: 1000 }, () => newId("evt", now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
  });

  it("has the prefix, 10 time characters and 16 tail characters", () => {
    expect(newId("org")).toMatch(/^org_[0-9a-hjkmnp-tv-z]{26}$/);
  });
});
