// What a resource keeps in the state. Outputs show the server's value of every field, declared or
// not (an organization declared without `plan` still shows plan "free"); the inputs `read()` hands
// back to the engine are only those the program declared, with the server's values, so a refresh
// shows drift on what the program manages and never on what it leaves alone. `read()` receives the
// previous outputs only, so the outputs also say which inputs were declared (`__declared`).

export const DECLARED = "__declared";

/** The input keys the program declared, as recorded in the state (older states: the keys present). */
export function declaredKeys(state: object, inputKeys: readonly string[]): string[] {
  const s = state as Record<string, unknown>;
  const recorded = s[DECLARED];
  if (Array.isArray(recorded)) return recorded.filter((k): k is string => typeof k === "string");
  return inputKeys.filter((k) => s[k] !== undefined);
}

/** The keys of `inputs` that are set (undefined means left out by the program). */
export const setKeys = (inputs: object) => Object.keys(inputs).filter((k) => (inputs as Record<string, unknown>)[k] !== undefined && k !== "__provider");

/** The outputs: every server value, the provider-only flags declared, and which inputs were declared. */
export function outputsOf<T extends object>(server: T, declared: readonly string[], flags: object, extra: object): T & Record<string, unknown> {
  return { ...server, ...flags, ...extra, [DECLARED]: [...declared].sort() };
}

/** The inputs `read()` returns: the declared ones, with the server's values (provider-only flags as they were). */
export function inputsOf(server: object, declared: readonly string[], flags: object): Record<string, unknown> {
  const s = server as Record<string, unknown>;
  return { ...Object.fromEntries(declared.filter((k) => k in s).map((k) => [k, s[k]])), ...flags };
}

/** The declared inputs' values as the state holds them (what a conditional retry must find unchanged). */
export function declaredPart(state: object, inputKeys: readonly string[]): Record<string, unknown> {
  const s = state as Record<string, unknown>;
  return Object.fromEntries(declaredKeys(state, inputKeys).map((k) => [k, s[k]]));
}
