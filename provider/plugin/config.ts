// The provider's settings in plugin mode, handed to the modules exactly as the dynamic provider's
// configure hook hands them over: a `config.get("orgs:apiUrl")`. The engine sends them two ways:
// the default provider's come from stack config as `variables` (`orgs:config:apiUrl`), an
// explicit provider's as its inputs (`args`, where a secret arrives wrapped even when the plugin
// said it takes none). Inputs win; a setting in neither falls back to ORGS_API_URL and
// ORGS_API_TOKEN in provider/config.ts, as in dynamic mode.
import type * as dynamic from "@pulumi/pulumi/dynamic";

export const SETTINGS = ["apiUrl", "apiToken"] as const;
export type Settings = Partial<Record<(typeof SETTINGS)[number], string>>;

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A value with any secret wrapper (`{"4dabf…": "1b47…", value}`) taken off. */
export function unwrapSecret(v: unknown): unknown {
  if (v && typeof v === "object" && SECRET_SIG in v) return (v as { value?: unknown }).value;
  return v;
}

/** The settings in a Configure request: `args` (explicit provider inputs) over `variables` (stack config). */
export function settingsOf(variables: ReadonlyMap<string, string> | Iterable<[string, string]>, args: Record<string, unknown> | undefined): Settings {
  const vars = new Map(variables);
  const out: Settings = {};
  for (const key of SETTINGS) {
    const fromArgs = unwrapSecret(args?.[key]);
    const value = typeof fromArgs === "string" && fromArgs !== "" ? fromArgs : vars.get(`orgs:config:${key}`) || vars.get(`orgs:${key}`);
    if (value) out[key] = value;
  }
  return out;
}

/** The dynamic provider's ConfigureRequest for `settings`: what each module's configure() reads. */
export function dynamicConfigure(settings: Settings): dynamic.ConfigureRequest {
  const get = (key: string) => (key.startsWith("orgs:") ? settings[key.slice(5) as keyof Settings] : undefined);
  const require = (key: string) => {
    const v = get(key);
    if (v === undefined) throw new Error(`missing required configuration key ${key}`);
    return v;
  };
  return { config: { get, require } };
}
