// The per-property diff a native plugin can send and a dynamic provider cannot: from the old and
// new inputs and the module's own verdict (which top-level inputs changed, which of them replace),
// one entry per changed leaf, map entry or list entry, with the engine's kinds. The module decides
// *whether* a property changed (its equality rules: emails case-insensitively, sets unordered,
// references by what they resolve to); this only says *where*, so `pulumi preview --diff` shows
// `roles[1]` added or `members["a@x"].role` updated instead of the whole value twice.
import { canonical } from "../diff";
import { UNKNOWN } from "../check";

export type DiffKind = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

export interface PropertyChange {
  kind: DiffKind;
  /** True when the change is between inputs (the display then compares the inputs). */
  inputDiff: boolean;
}

export interface Verdict {
  /** The top-level keys the module found changed. */
  diffs: readonly string[];
  /** Those whose change replaces the resource. */
  replaces: readonly string[];
}

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => !!v && typeof v === "object" && !Array.isArray(v);
const isScalar = (v: Json) => v === null || typeof v !== "object";

/** A property path as the engine parses it: `a.b`, `a[0]`, `a["x@y"]`. */
export function pathOf(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

/**
 * The detailed diff of `olds` → `news` for the keys in `verdict.diffs`. Lists of scalars are sets
 * in every orgs resource (roles, teams, permissions): an entry added is `add` at its new index, an
 * entry removed is `delete` at its old index, and a reordering alone (which the module calls no
 * change) is nothing. Lists of objects are compared index by index. A key the module calls
 * changed where no leaf differs (an unknown value, an expired invitation to re-send) is one
 * `update` of the key itself.
 */
export function detailedDiff(
  olds: Record<string, Json>,
  news: Record<string, Json>,
  verdict: Verdict,
  inputKeys: readonly string[],
): Record<string, PropertyChange> {
  const out: Record<string, PropertyChange> = {};
  const keys = [...new Set([...verdict.diffs, ...verdict.replaces])];
  for (const key of keys) {
    const replace = verdict.replaces.includes(key);
    const inputDiff = inputKeys.includes(key);
    const put = (path: string, kind: "add" | "delete" | "update") => {
      out[path] = { kind: replace ? (`${kind}-replace` as DiffKind) : kind, inputDiff };
    };
    const before = Object.keys(out).length;
    walk(pathOf("", key), olds[key], news[key], put);
    if (Object.keys(out).length === before) put(pathOf("", key), olds[key] === undefined && news[key] !== undefined ? "add" : "update");
  }
  return out;
}

function walk(path: string, a: Json, b: Json, put: (path: string, kind: "add" | "delete" | "update") => void): void {
  if (b === UNKNOWN || a === UNKNOWN) return put(path, a === undefined ? "add" : "update");
  if (a === undefined && b === undefined) return;
  if (a === undefined || a === null) return b === null || b === undefined ? undefined : put(path, a === undefined ? "add" : "update");
  if (b === undefined) return put(path, "delete");
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.every(isScalar) && b.every(isScalar) && !b.includes(UNKNOWN)) {
      const had = new Set(a.map((x) => canonical(x)));
      const has = new Set(b.map((x) => canonical(x)));
      b.forEach((x, i) => had.has(canonical(x)) || put(pathOf(path, i), "add"));
      a.forEach((x, i) => has.has(canonical(x)) || put(pathOf(path, i), "delete"));
      return;
    }
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(pathOf(path, i), a[i], b[i], put);
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(pathOf(path, k), a[k], b[k], put);
    return;
  }
  if (canonical(a) !== canonical(b)) put(path, "update");
}
