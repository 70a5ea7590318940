// check()'s helpers: property paths in Pulumi's syntax, unknown values, every failure at once.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { hasUnknown, propertyPath, UNKNOWN, validate, withoutProvider } from "./check";

describe("check helpers", () => {
  it.each([
    [["permissions", 1], "permissions[1]"],
    [["environmentRoles", "sandbox"], "environmentRoles.sandbox"],
    [["members", 0, "email"], "members[0].email"],
    [[], ""],
  ] as const)("propertyPath(%j) is %s", (path, text) => expect(propertyPath(path)).toBe(text));

  it.each([
    [UNKNOWN, true],
    [["a", UNKNOWN], true],
    [{ a: { b: UNKNOWN } }, true],
    [{ a: ["x"] }, false],
    [null, false],
  ])("hasUnknown(%j) is %s", (v, yes) => expect(hasUnknown(v)).toBe(yes));

  it("validate reports every failure with its path, none under an unknown value, and unknown keys", () => {
    const schema = z.strictObject({ name: z.string().min(2), tags: z.array(z.enum(["a", "b"])), size: z.number() });
    const r = validate(schema, { name: "x", tags: ["a", "c", UNKNOWN], size: UNKNOWN, extra: 1, __provider: "p" });
    expect(r.failures?.map((f) => f.property).sort()).toEqual(["extra", "name", "tags[1]"]);
    expect(r.inputs).not.toHaveProperty("__provider");
    expect(withoutProvider({ a: 1, __provider: "x" })).toEqual({ a: 1 });
  });
});
