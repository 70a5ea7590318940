// zod issues → the problem body's errors[], each naming its field as a JSON pointer.
import type { z } from "zod";
import type { Problem } from "../../api/common";

type FieldError = NonNullable<Problem["errors"]>[number];

export function zodFieldErrors(error: z.ZodError, input: unknown): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const base = "/" + issue.path.map(String).join("/");
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) out.push({ field: `${base === "/" ? "" : base}/${k}`, code: "invalid", message: "is not a known field" });
      continue;
    }
    const missing = issue.code === "invalid_type" && valueAt(input, issue.path) === undefined;
    out.push({
      field: base === "/" ? "/" : base,
      code: missing ? "missing_field" : "invalid",
      message: missing ? "is required" : issue.message,
    });
  }
  return out;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}
