// The one parse step of a request: path parameters screened, then the query and the body parsed
// by the route table's zod schemas, with zod's issues as the problem body's errors[], each naming
// its field as a JSON pointer.
import type { z } from "zod";
import { fieldLabel, type Problem } from "../../api/common";
import type { OperationId, ParamsOf, ParsedBodyOf, ParsedQueryOf, RouteDef } from "../../api/routes";
import { fail } from "../errors";

type FieldError = NonNullable<Problem["errors"]>[number];

/** What an operation's handler receives of the request, as its schemas parsed it. */
export interface Input<K extends OperationId> {
  params: ParamsOf<K>;
  query: ParsedQueryOf<K>;
  body: ParsedBodyOf<K>;
}

/**
 * Parses a request for `route` (the route table's entry of operation K): 404 for a path parameter
 * no ID could match, 400 invalid_query for the query, 422 validation_failed for the body.
 */
export function parseInput<K extends OperationId>(route: RouteDef, req: { params: unknown; query: unknown; body: unknown }): Input<K> {
  const params = req.params as Record<string, string>;
  // No stored ID contains a NUL or an unpaired surrogate, and the database could not compare one.
  if (Object.values(params).some(isUnstorable)) fail("not_found", "no such resource: the path holds characters no ID has");
  const query = parse(route.query, req.query ?? {}, "query");
  const body = parse(route.body, req.body, "body");
  // The schemas are route K's, so what they let through has K's parsed types.
  return { params, query, body } as Input<K>;
}

function parse(schema: z.ZodType | undefined, input: unknown, where: "query" | "body"): unknown {
  if (!schema) return undefined;
  // Strings the database cannot hold are refused before the schema sees them.
  let errors = unstorableStrings(input);
  if (!errors.length) {
    const r = schema.safeParse(input);
    if (r.success) return r.data;
    errors = zodFieldErrors(r.error, input);
  }
  const first = errors[0]!;
  const name = fieldLabel(first.field) || where;
  if (where === "query") fail("invalid_query", `query parameter ${name}: ${first.message}`, { errors });
  fail("validation_failed", input === undefined ? "a JSON body is required" : `${name}: ${first.message}`, { errors });
}

export function zodFieldErrors(error: z.ZodError, input: unknown): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    // RFC 6901: the whole document is "", and "/" would name a member called "".
    const base = issue.path.map((k) => `/${pointerToken(k)}`).join("");
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) out.push({ field: `${base}/${pointerToken(k)}`, code: "invalid", message: "is not a known field" });
      continue;
    }
    const missing = issue.code === "invalid_type" && valueAt(input, issue.path) === undefined;
    out.push({
      field: base,
      code: missing ? "missing_field" : "invalid",
      message: missing ? "is required" : issue.message,
    });
  }
  return out;
}

/** RFC 6901: "~" and "/" inside a key are escaped, so any key can be named. */
const pointerToken = (k: PropertyKey) => String(k).replace(/~/g, "~0").replace(/\//g, "~1");

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

// PostgreSQL cannot store a NUL character, and an unpaired UTF-16 surrogate is either rewritten
// to U+FFFD (text) or refused (jsonb): both would be a 500 or a silent change, so such strings
// are refused up front, naming where they are.
// eslint-disable-next-line no-control-regex -- NUL is exactly what is being looked for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const isUnstorable = (s: string) => UNSTORABLE.test(s);

/** Iterative, so a deeply nested body cannot overflow the stack. */
export function unstorableStrings(input: unknown): FieldError[] {
  const out: FieldError[] = [];
  const todo: Array<[unknown, string]> = [[input, ""]];
  while (todo.length) {
    const [v, at] = todo.pop()!;
    if (typeof v === "string") {
      if (isUnstorable(v)) out.push({ field: at, code: "invalid", message: "must not contain NUL characters or unpaired surrogates" });
    } else if (v !== null && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        const here = `${at}/${pointerToken(k)}`;
        if (isUnstorable(k)) out.push({ field: here, code: "invalid", message: "the name must not contain NUL characters or unpaired surrogates" });
        todo.push([child, here]);
      }
    }
  }
  return out;
}
