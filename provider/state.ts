// What a resource keeps in the state. Outputs show the server's value of every field, declared or
// not (an organization declared without `plan` still shows plan "free"); the inputs `read()` hands
// back to the engine are only those the program declared, with the server's values, so a refresh
// shows drift on what the program manages and never on what it leaves alone. `read()` receives the
// previous outputs only, so the outputs also say which inputs were declared (`__declared`).

export const DECLARED = "__declared";

/**
 * The input keys the program declared, as recorded in the state (older states: the keys present).
 * No state at all is an import (`pulumi import`, the `import` option: Read with an ID only): then
 * every input the server has a value for counts as declared, so read() returns complete inputs and
 * the imported resource shows no diff against the code `pulumi import` prints.
 */
export function declaredKeys(state: object, inputKeys: readonly string[]): string[] {
  const s = state as Record<string, unknown>;
  const recorded = s[DECLARED];
  if (Array.isArray(recorded)) return recorded.filter((k): k is string => typeof k === "string");
  if (setKeys(s).length === 0) return [...inputKeys];
  return inputKeys.filter((k) => s[k] !== undefined);
}

/** The keys of `inputs` that are set (undefined means left out by the program). */
export const setKeys = (inputs: object) => Object.keys(inputs).filter((k) => (inputs as Record<string, unknown>)[k] !== undefined && k !== "__provider");

/** The outputs: every server value, the provider-only flags declared, and which inputs were declared. */
export function outputsOf<T extends object>(server: T, declared: readonly string[], flags: object, extra: object): T & Record<string, unknown> {
  return { ...server, ...flags, ...extra, [DECLARED]: [...declared].sort() };
}

/** The inputs `read()` returns: the declared ones, with the server's values (flags as the outputs hold them). */
export function inputsOf(outputs: object, declared: readonly string[]): Record<string, unknown> {
  const s = outputs as Record<string, unknown>;
  return Object.fromEntries(declared.filter((k) => k in s).map((k) => [k, s[k]]));
}

/** What read() returns for an object it found: `outs` as the outputs, and the inputs the program declared. */
export function found<T extends object>(id: string, outs: T, declared: readonly string[]): { id: string; props: T; inputs: T } {
  return { id, props: outs, inputs: inputsOf(outs, declared) as T };
}

/** What read() returns for an object that is gone: the engine drops the resource from the state. */
export const gone = <T>() => ({ id: "", props: {} as T });

/** The declared inputs' values as the state holds them (what a conditional retry must find unchanged). */
export function declaredPart(state: object, inputKeys: readonly string[]): Record<string, unknown> {
  const s = state as Record<string, unknown>;
  return Object.fromEntries(declaredKeys(state, inputKeys).map((k) => [k, s[k]]));
}

/** Provider-only flags (adopt, …) as `from` sets them. */
export function carry(from: object, keys: readonly string[]): Record<string, unknown> {
  const f = from as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => f[k] !== undefined).map((k) => [k, f[k]]));
}

/**
 * The state after an update that changed nothing on the server (a flag, or a reference written
 * another way): the previous outputs, with the flags, `overrides` and the declared keys as the
 * program now has them.
 */
export function redeclared<T extends object>(olds: T, news: object, flags: readonly string[], overrides: object = {}): T {
  const kept = Object.fromEntries(Object.entries(olds).filter(([k]) => !flags.includes(k)));
  return { ...kept, ...carry(news, flags), ...overrides, [DECLARED]: setKeys(news).sort() } as T;
}

/**
 * A set-valued list as the server holds it (`server`), in the program's order (`declared`): the
 * server lists sets sorted its own way, and the engine compares lists item by item, so a refresh
 * would show order as drift. Equal as sets: the declared list itself. Otherwise the declared items
 * still there, in their order, then the rest in the server's order.
 */
export function inDeclaredOrder<T>(server: readonly T[], declared: readonly unknown[] | undefined): T[] {
  if (!Array.isArray(declared)) return [...server];
  const have = new Set<unknown>(server);
  const kept = declared.filter((d) => have.has(d)) as T[];
  const keptSet = new Set<unknown>(kept);
  return [...kept, ...server.filter((s) => !keptSet.has(s))];
}
