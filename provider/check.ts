// check(): the program's inputs validated with the resource's schema (api/pulumi.ts) before any
// API call, every failure with its property path in Pulumi's own syntax (`permissions[1]`,
// `environmentRoles.sandbox`), none about values still unknown during a preview.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";

/** The value the engine sends for an input that is not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `v` is, or contains, a value unknown during preview. */
export function hasUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v && typeof v === "object") return Object.values(v).some(hasUnknown);
  return false;
}

function at(v: unknown, path: readonly PropertyKey[]): unknown {
  let cur = v as any;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = cur[k as any];
  }
  return cur;
}

/** A property path as Pulumi writes it: members[0].email. */
export const propertyPath = (path: readonly PropertyKey[]) =>
  path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join("");

export interface Failure {
  /** Path as an array (["permissions", 1]): unknown values under it are not reported. */
  path: PropertyKey[];
  reason: string;
}

/** The inputs without the serialized provider the SDK adds to every resource. */
export function withoutProvider<T extends object>(p: T): Omit<T, "__provider"> {
  const { __provider: _, ...rest } = (p ?? {}) as T & { __provider?: unknown };
  return rest;
}

/** Validates `news` with `schema`; `extra` adds rules the schema cannot say. */
export function validate<T>(
  schema: z.ZodType<T>,
  news: Record<string, unknown>,
  extra?: (inputs: Record<string, unknown>) => Failure[],
): dynamic.CheckResult<T> {
  const inputs = withoutProvider(news);
  const failures: dynamic.CheckFailure[] = [];
  const result = schema.safeParse(inputs);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys)
          failures.push({ property: propertyPath([...issue.path, key]), reason: `unknown property ${key}: remove it (see the resource's documented inputs)` });
        continue;
      }
      if (hasUnknown(at(inputs, issue.path))) continue;
      failures.push({ property: propertyPath(issue.path) || "(inputs)", reason: issue.message });
    }
  }
  for (const f of extra?.(inputs) ?? []) {
    if (!hasUnknown(at(inputs, f.path))) failures.push({ property: propertyPath(f.path), reason: f.reason });
  }
  return { inputs: inputs as T, failures };
}
