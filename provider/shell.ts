// The serialized shell: the provider object each SDK class hands to pulumi.dynamic.Resource.
//
// Pulumi serializes each provider object, with everything its methods capture, into the state of
// every resource, and runs it in a separate host process. So this object captures two strings and
// a loader, and each method `require`s this package's compiled provider module at call time: the
// code that runs is the code installed, never a stale copy in state (Read and Delete run the
// serialized provider saved by the previous deployment). This file imports nothing of the
// package at run time (types only): loading the SDK in a program loads neither the HTTP client
// nor the schemas.
import { join } from "node:path";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { PULUMI_RESOURCES } from "../api/pulumi";

/** A provider module's name (provider/<name>.ts), one per resource of PULUMI_RESOURCES. */
export type ProviderName = (typeof PULUMI_RESOURCES)[keyof typeof PULUMI_RESOURCES]["module"];

/** A provider module's steps (provider/<name>.ts exports them as `steps`), as the shell and the plugin call them. */
export interface ProviderModule {
  configure(req: dynamic.ConfigureRequest): Promise<void>;
  check(olds: any, news: any): Promise<dynamic.CheckResult>;
  diff(id: string, olds: any, news: any): Promise<dynamic.DiffResult>;
  create(inputs: any): Promise<dynamic.CreateResult>;
  read(id: string, props: any): Promise<dynamic.ReadResult>;
  update(id: string, olds: any, news: any): Promise<dynamic.UpdateResult>;
  delete(id: string, props: any): Promise<void>;
}

/**
 * The provider object for one resource type. Serialized (about 2.5 KB, sent with every call), it
 * holds the provider's name, the absolute path of the compiled module (a fallback for programs
 * that run from a checkout instead of installing the package) and `loadProvider`.
 */
export function dynamicProvider(name: ProviderName): dynamic.ResourceProvider {
  const at = { name, fallback: implementationPath(name) };
  return {
    configure: (req) => loadProvider(at).configure(req),
    check: (olds, news) => loadProvider(at).check(olds, news),
    diff: (id, olds, news) => loadProvider(at).diff(id, olds, news),
    create: (inputs) => loadProvider(at).create(inputs),
    read: (id, props) => loadProvider(at).read(id, props),
    update: (id, olds, news) => loadProvider(at).update(id, olds, news),
    delete: (id, props) => loadProvider(at).delete(id, props),
  };
}

/**
 * Runs inside the host, serialized by value: it may use only its arguments, `require` and
 * globals. The package installed in the program's directory (the host's working directory) wins;
 * the path recorded at serialization time serves programs that load this package from a
 * checkout. The module's `steps` (each step bounded in time, refusals reported without a stack
 * trace) are kept on a global, so later calls skip resolving them.
 */
function loadProvider(at: { name: string; fallback: string }): ProviderModule {
  const g = globalThis as unknown as Record<string, any>;
  const key = "__orgsProvider:" + at.name;
  if (g[key]) return g[key];
  const request = "orgs/provider/" + at.name;
  let m: any;
  try {
    m = require(request);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (!(err && err.code === "MODULE_NOT_FOUND" && String(err.message).indexOf("'" + request + "'") >= 0)) throw e;
    m = require(at.fallback);
  }
  return (g[key] = m.steps);
}

function implementationPath(name: ProviderName): string {
  try {
    return require.resolve(`orgs/provider/${name}`);
  } catch {
    return join(__dirname, `${name}.js`);
  }
}
