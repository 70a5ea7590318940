// Where the provider finds the org API: stack config (`orgs:apiUrl`, `orgs:apiToken` as a secret)
// through the dynamic provider's configure hook, else ORGS_API_URL and ORGS_API_TOKEN. The token
// lives in this host process only: it is never returned in outputs, so it never reaches the state.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { OrgsClient } from "../client";
import { noteTokenSource } from "./advice";
import { ProviderError } from "./errors";
import { clearReadCache } from "./read-cache";
import { STEP_RETRY_BUDGET_MS } from "./steps";

let stackConfig: { apiUrl?: string; apiToken?: string } = {};

/**
 * The dynamic provider's configure hook: the engine sends the whole stack configuration, secrets
 * decrypted. It never throws (the host caches a provider before configure settles, so a failure
 * here would surface once and then be forgotten); a missing setting fails each call instead.
 */
export async function configure(req: dynamic.ConfigureRequest): Promise<void> {
  const get = (key: string) => {
    const v = req?.config?.get(key);
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  stackConfig = { apiUrl: get("orgs:apiUrl"), apiToken: get("orgs:apiToken") };
}

/** True when an API URL and token are set: without them no step can call the API (and each says so). */
export const configured = (): boolean => !!(stackConfig.apiUrl ?? process.env.ORGS_API_URL) && !!(stackConfig.apiToken ?? process.env.ORGS_API_TOKEN);

let cached: { key: string; client: OrgsClient } | undefined;

/** The API client for the current configuration; rebuilt when the URL or token changes. */
export function api(): OrgsClient {
  const baseUrl = stackConfig.apiUrl ?? process.env.ORGS_API_URL;
  const token = stackConfig.apiToken ?? process.env.ORGS_API_TOKEN;
  noteTokenSource(stackConfig.apiToken ? "config" : token ? "env" : undefined);
  if (!baseUrl) throw new ProviderError("the orgs provider has no API URL: run `pulumi config set orgs:apiUrl https://…` or set ORGS_API_URL");
  if (!token) throw new ProviderError("the orgs provider has no API token: run `pulumi config set --secret orgs:apiToken omt_…` or set ORGS_API_TOKEN");
  const key = `${baseUrl}\n${token}`;
  if (cached?.key !== key) {
    // 429 storms during a large `pulumi up` are expected: wait them out, honouring Retry-After,
    // within the step's retry budget (provider/steps.ts). An API that is not there at all
    // (connection refused, an unknown host) fails within seconds.
    cached = {
      key,
      client: new OrgsClient({
        baseUrl,
        token,
        maxRetries: 30,
        maxRetryWaitMs: 10_000,
        maxRetryTimeMs: STEP_RETRY_BUDGET_MS,
        userAgent: "orgs-pulumi-provider",
      }),
    };
    clearReadCache();
  }
  return cached.client;
}
