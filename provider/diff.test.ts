// The pure helpers behind diff() and update(): table-driven.
import { describe, expect, it } from "vitest";
import { UNKNOWN } from "./check";
import { canonical, diffInputs, patchOf, sameJson, sameSet, sameText, withChange, type FieldRule } from "./diff";

const RULES: FieldRule[] = [{ key: "name" }, { key: "region", replace: true }, { key: "tags", eq: sameSet }, { key: "description", eq: sameText }];

describe("diffInputs", () => {
  it.each([
    ["nothing declared differs", { name: "a", region: "eu" }, { name: "a", region: "eu" }, [], []],
    ["an undeclared input is not managed", { name: "a", region: "eu" }, { name: "a" }, [], []],
    ["a changed input is a change", { name: "a" }, { name: "b" }, ["name"], []],
    ["a change of a replacing input replaces", { region: "eu" }, { region: "us" }, ["region"], ["region"]],
    ["a value unknown in preview is a change", { name: "a", region: "eu" }, { name: UNKNOWN, region: UNKNOWN }, ["name", "region"], ["region"]],
    ["sets ignore order and duplicates", { tags: ["x", "y"] }, { tags: ["y", "x", "x"] }, [], []],
    ["text: absent and empty are the same", { description: null }, { description: "" }, [], []],
    ["a nested unknown is a change", { tags: ["x"] }, { tags: ["x", UNKNOWN] }, ["tags"], []],
  ])("%s", (_, olds, news, diffs, replaces) => {
    const d = diffInputs(olds, news, RULES);
    expect(d.diffs).toEqual(diffs);
    expect(d.replaces).toEqual(replaces);
    expect(d.changes).toBe(diffs.length > 0);
    expect(d.deleteBeforeReplace).toBe(false);
  });

  it("withChange adds a key once, and a replacement when asked", () => {
    const d = withChange(withChange(diffInputs({}, {}, RULES), "organization"), "organization", true);
    expect(d).toMatchObject({ changes: true, diffs: ["organization"], replaces: ["organization"] });
  });
});

describe("patchOf", () => {
  it.each([
    ["only what differs, by its API name", { name: "a", websiteUrl: "https://x" }, { name: "b", websiteUrl: "https://x" }, { name: "b" }],
    ["nothing", { name: "a" }, { name: "a" }, {}],
    ["a renamed field", { name: "a", websiteUrl: null }, { name: "a", websiteUrl: "https://y" }, { website_url: "https://y" }],
  ])("%s", (_, current, news, patch) => {
    expect(patchOf(current, news, [{ key: "name" }, { key: "websiteUrl" }], { websiteUrl: "website_url" })).toEqual(patch);
  });
});

describe("equality", () => {
  it.each([
    [{ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, true],
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [[1, 2], [2, 1], false],
    [null, undefined, true],
    ["1", 1, false],
  ])("sameJson(%j, %j) is %s", (a, b, same) => expect(sameJson(a, b)).toBe(same));

  it.each([
    [["a", "b"], ["b", "a"], true],
    [["a"], ["a", "a"], true],
    [["a"], ["a", "b"], false],
    [undefined, [], false],
  ])("sameSet(%j, %j) is %s", (a, b, same) => expect(sameSet(a, b)).toBe(same));

  it("canonical sorts keys at every depth", () =>
    expect(canonical({ b: { d: 1, c: 2 }, a: [{ y: 1, x: 2 }] })).toBe('{"a":[{"x":2,"y":1}],"b":{"c":2,"d":1}}'));
});
