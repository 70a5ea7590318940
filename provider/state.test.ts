// What a resource keeps in its state, and what read() hands back: table-driven.
import { describe, expect, it } from "vitest";
import { carry, DECLARED, declaredKeys, declaredPart, found, inputsOf, outputsOf, redeclared, setKeys } from "./state";

const KEYS = ["slug", "name", "plan", "adopt"];

describe("state", () => {
  it.each([
    ["recorded in the state", { slug: "a", name: "A", plan: "free", [DECLARED]: ["name", "slug"] }, ["name", "slug"]],
    ["older states: the input keys present", { slug: "a", name: "A", ownerId: "x" }, ["slug", "name"]],
  ])("declaredKeys: %s", (_, state, keys) => expect(declaredKeys(state, KEYS)).toEqual(keys));

  it("outputs hold every server value and which inputs were declared; read's inputs only those", () => {
    const outs = outputsOf({ slug: "a", name: "A", plan: "free" }, ["slug", "name", "adopt"], { adopt: true }, { version: 3 });
    expect(outs).toEqual({ slug: "a", name: "A", plan: "free", adopt: true, version: 3, [DECLARED]: ["adopt", "name", "slug"] });
    expect(inputsOf(outs, declaredKeys(outs, KEYS))).toEqual({ slug: "a", name: "A", adopt: true });
    expect(found("org_1", outs, ["slug"])).toEqual({ id: "org_1", props: outs, inputs: { slug: "a" } });
    expect(declaredPart(outs, KEYS)).toEqual({ adopt: true, name: "A", slug: "a" });
  });

  it.each([
    [{ a: 1, b: undefined, __provider: "x" }, ["a"]],
    [{}, []],
  ])("setKeys(%j) is %j", (inputs, keys) => expect(setKeys(inputs)).toEqual(keys));

  it("carry and redeclared: flags as the program has them now, the rest as it was", () => {
    expect(carry({ adopt: false, note: undefined, x: 1 }, ["adopt", "note"])).toEqual({ adopt: false });
    const olds = { organization: "acme", email: "a@x", adopt: true, note: "hi", [DECLARED]: ["adopt", "email", "note", "organization"] };
    expect(redeclared(olds, { organization: "org_1", email: "a@x", note: "hi" }, ["adopt", "note"], { organization: "org_1" })).toEqual({
      organization: "org_1",
      email: "a@x",
      note: "hi",
      [DECLARED]: ["email", "note", "organization"],
    });
  });
});
