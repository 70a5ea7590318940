// diff() helpers: pure comparisons of the state (previous outputs, which hold the server's values
// after a refresh) with the checked inputs. An input the program leaves out is not managed, so it
// never differs; an input not known yet (preview) counts as a change.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { hasUnknown } from "./check";

export interface FieldRule<K extends string = string> {
  key: K;
  /** A change replaces the resource. */
  replace?: boolean;
  /** Equality for this field (default: canonical JSON equality). */
  eq?: (old: any, next: any) => boolean;
}

/** What diff returns: the host forwards changes, replaces and deleteBeforeReplace; `diffs` stays here. */
export interface DiffOutcome extends dynamic.DiffResult {
  /** The changed input keys. Pulumi's dynamic-provider host drops detailed diffs; kept for tests and logs. */
  diffs: string[];
}

export function diffInputs(olds: object, news: object, rules: readonly FieldRule[]): DiffOutcome {
  const o = olds as Record<string, unknown>,
    n = news as Record<string, unknown>;
  const diffs: string[] = [];
  const replaces: string[] = [];
  for (const r of rules) {
    const next = n[r.key];
    if (next === undefined) continue;
    const changed = hasUnknown(next) || !(r.eq ? r.eq(o[r.key], next) : sameJson(o[r.key], next));
    if (!changed) continue;
    diffs.push(r.key);
    if (r.replace) replaces.push(r.key);
  }
  return { changes: diffs.length > 0, replaces, deleteBeforeReplace: false, diffs };
}

/** Adds `key` to an outcome as a change (and a replacement when `replace`). */
export function withChange(d: DiffOutcome, key: string, replace = false): DiffOutcome {
  return {
    ...d,
    changes: true,
    diffs: d.diffs.includes(key) ? d.diffs : [...d.diffs, key],
    replaces: replace && !d.replaces!.includes(key) ? [...d.replaces!, key] : d.replaces,
  };
}

/** The PATCH body that brings `current` to `news`: the keys that differ under `rules`, by their API names. */
export function patchOf(current: object, news: object, rules: readonly FieldRule[], apiNames: Record<string, string> = {}): Record<string, unknown> {
  return Object.fromEntries(diffInputs(current, news, rules).diffs.map((k) => [apiNames[k] ?? k, (news as Record<string, unknown>)[k]]));
}

export const sameJson = (a: unknown, b: unknown) => canonical(a ?? null) === canonical(b ?? null);
/** Sets: order and duplicates don't matter. */
export const sameSet = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b) && canonical([...new Set(a)].sort()) === canonical([...new Set(b)].sort());
/** Free text the server stores as "" when absent. */
export const sameText = (a: unknown, b: unknown) => (a ?? "") === (b ?? "");

export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}
