// Which provider module serves a type token: PULUMI_RESOURCES (api/pulumi.ts) names each one, so
// the plugin serves the same modules as the dynamic provider (provider/<name>.ts), with the same
// steps (bounded in time, refusals reported without a stack trace: provider/steps.ts).
import { PULUMI_RESOURCES, type PulumiToken } from "../../api/pulumi";
import type { ProviderModule } from "../shell";

export interface Served {
  token: PulumiToken;
  module: ProviderModule;
  /** The resource's input keys (what the detailed diff marks as input changes). */
  inputKeys: readonly string[];
  replaceOn: readonly string[];
}

const loaded = new Map<string, Served>();

/** The type token of a URN (`urn:pulumi:stack::project::[parent$]type::name`). */
export function typeOfUrn(urn: string): string {
  const type = urn.split("::")[2] ?? "";
  return type.slice(type.lastIndexOf("$") + 1);
}

export const isServed = (token: string): token is PulumiToken => Object.hasOwn(PULUMI_RESOURCES, token);

/** The modules loaded so far (to configure again when the settings change). */
export const loadedModules = (): ProviderModule[] => [...loaded.values()].map((s) => s.module);

/** The module serving `token`, loaded once; `onLoad` configures it the first time. */
export function moduleFor(token: string, onLoad: (m: ProviderModule) => void): Served {
  const hit = loaded.get(token);
  if (hit) return hit;
  if (!isServed(token)) throw new Error(`orgs: unknown resource type ${token}: this plugin serves ${Object.keys(PULUMI_RESOURCES).join(", ")}`);
  const spec = PULUMI_RESOURCES[token];
  if (!spec.module) throw new Error(`orgs: ${token} names no module in api/pulumi.ts`);
  const module = (require(`../${spec.module}`) as { steps: ProviderModule }).steps;
  // Every inputs schema is a zod object (a refined one keeps its shape).
  const shape = (spec.inputs as unknown as { shape: Record<string, unknown> }).shape;
  const served: Served = { token, module, inputKeys: Object.keys(shape), replaceOn: spec.replaceOn };
  onLoad(module);
  loaded.set(token, served);
  return served;
}
