// Stands in for the Pulumi engine, which this environment cannot run: starts the real
// dynamic-provider host shipped in @pulumi/pulumi (the process the engine starts for dynamic
// resources), speaks gRPC to it with the stubs in @pulumi/pulumi/proto, and sends what the engine
// sends: Configure, Check, Diff, Create, Read, Update, Delete, with the provider serialized into
// `__provider` exactly as pulumi.dynamic.Resource does (runtime.serializeFunction). `Stack` plays
// the engine's part on top: state, step order, replacement, refresh.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import { PULUMI_RESOURCES } from "../../api/pulumi";
import type { ProviderName } from "../../provider/shell";
import type { ServerConfig } from "../../server/context";
import { ROOT } from "./process";
import { postgresUrl, startTestServer } from "./server";

export { ROOT };

const PP = join(ROOT, "node_modules", "@pulumi", "pulumi");
// Every module below is loaded the way a Pulumi program loads it: Node's require, compiled dist/.
const req = createRequire(join(PP, "proto", "provider_pb.js"));
const grpc = req("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const provrpc = req("./provider_grpc_pb.js");
const provproto = req("./provider_pb.js");
const statusproto = req("./status_pb.js");
const { Struct } = req("google-protobuf/google/protobuf/struct_pb.js");
const rootRequire = createRequire(join(ROOT, "package.json"));

export type Props = Record<string, any>;
/** A resource by its provider module's name (provider/<kind>.ts). */
export type Kind = ProviderName;
/** Each kind's type name (Member), from PULUMI_RESOURCES. */
export const TYPES = Object.fromEntries(Object.entries(PULUMI_RESOURCES).map(([token, spec]) => [spec.module, token.split(":")[2]!])) as Record<Kind, string>;
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** `__provider` for any provider object, serialized as pulumi.dynamic.Resource does it. */
export async function serializeProvider(provider: object): Promise<string> {
  const { serializeFunction } = req("../runtime/closure/serializeClosure.js");
  return (await serializeFunction(() => provider, { allowSecrets: true })).text;
}

const serialized = new Map<Kind, Promise<string>>();
/** `__provider` for a kind, as pulumi.dynamic.Resource produces it from the compiled SDK. */
export function providerText(kind: Kind): Promise<string> {
  let text = serialized.get(kind);
  if (!text) {
    const { dynamicProvider } = rootRequire("./dist/provider/shell.js");
    text = serializeProvider(dynamicProvider(kind));
    serialized.set(kind, text);
  }
  return text!;
}

let programDir: string | undefined;
/** A program directory with the package installed (node_modules/orgs → this checkout), as a user's would be. */
export function installedProgramDir(): string {
  if (!programDir) {
    programDir = mkdtempSync(join(tmpdir(), "orgs-program-"));
    mkdirSync(join(programDir, "node_modules"));
    symlinkSync(ROOT, join(programDir, "node_modules", "orgs"), "dir");
  }
  return programDir;
}

export const urnOf = (kind: Kind, name: string, stack = "dev", project = "orgs-test") =>
  `urn:pulumi:${stack}::${project}::pulumi-nodejs:dynamic/orgs:${TYPES[kind]}::${name}`;

/** A failed gRPC call; `initFailed` is set when the host reported a partially created resource. */
export class HostError extends Error {
  constructor(
    message: string,
    readonly initFailed?: { id: string; properties: Props; reasons: string[] },
  ) {
    super(message);
  }
}

/** A Struct of `v`, leaving out undefined values as the engine's serialization does. */
const struct = (v: Props) => Struct.fromJavaScript(defined(v ?? {}));
function defined(v: any): any {
  if (Array.isArray(v)) return v.map(defined);
  if (v === null || typeof v !== "object") return v;
  const out: Props = {};
  for (const k in v) if (v[k] !== undefined) out[k] = defined(v[k]);
  return out;
}

export interface HostOptions {
  /** The program directory (the host's working directory); default: one with the package installed. */
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Extra node flags for the host (e.g. --prof when profiling). */
  nodeArgs?: string[];
}

/** One dynamic-provider host process and a gRPC client to it. */
export class Host {
  private stderr = "";
  private constructor(
    private readonly proc: ChildProcess,
    private readonly client: any,
  ) {
    proc.stderr!.on("data", (c: Buffer) => {
      this.stderr += c.toString();
    });
  }

  static async start(opts: HostOptions = {}): Promise<Host> {
    const script = join(PP, "cmd", "dynamic-provider", "index.js");
    const env: Record<string, string | undefined> = {
      ...process.env,
      PULUMI_NODEJS_PROJECT: "orgs-test",
      PULUMI_NODEJS_STACK: "dev",
      ORGS_API_URL: undefined,
      ORGS_API_TOKEN: undefined,
      ...opts.env,
    };
    // The engine's wrapper script does not exec: the host gets its own process group, killed whole.
    const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), script, "127.0.0.1:0"], {
      cwd: opts.cwd ?? installedProgramDir(),
      env: env as NodeJS.ProcessEnv,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      let err = "";
      proc.stderr!.on("data", (c: Buffer) => {
        err += c.toString();
      });
      proc.stdout!.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /^(\d+)\n/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      proc.once("exit", (code) => reject(new Error(`dynamic-provider host exited with ${code}: ${err}`)));
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 64 << 20 });
    return new Host(proc, client);
  }

  /** What the host printed on stderr (uncaught errors, console.error of failed calls). */
  output(): string {
    return this.stderr;
  }

  private rpc<T>(method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client[method](request, (err: grpcTypes.ServiceError | null, res: T) => {
        if (!err) return resolve(res);
        const bin = err.metadata?.get("grpc-status-details-bin")?.[0];
        let initFailed: HostError["initFailed"];
        if (bin) {
          const status = statusproto.Status.deserializeBinary(new Uint8Array(bin as Buffer));
          for (const any of status.getDetailsList()) {
            const d = any.unpack(provproto.ErrorResourceInitFailed.deserializeBinary, "pulumirpc.ErrorResourceInitFailed");
            if (d) initFailed = { id: d.getId(), properties: d.getProperties()?.toJavaScript() ?? {}, reasons: d.getReasonsList() };
          }
        }
        reject(new HostError(err.details || err.message, initFailed));
      });
    });
  }

  /** Configure with the stack's configuration, namespaced keys as the engine sends them (e.g. orgs:apiUrl). */
  async configure(config: Record<string, string>): Promise<void> {
    const r = new provproto.ConfigureRequest();
    r.setArgs(struct(config));
    r.setAcceptsecrets(true);
    await this.rpc("configure", r);
  }

  async check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const r = new provproto.CheckRequest();
    r.setUrn(urn);
    r.setOlds(struct(olds));
    r.setNews(struct(news));
    const res = await this.rpc<any>("check", r);
    return {
      inputs: res.getInputs()?.toJavaScript() ?? {},
      failures: res.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(
    urn: string,
    id: string,
    olds: Props,
    news: Props,
    oldInputs: Props = {},
  ): Promise<{ changes: "none" | "some" | "unknown"; replaces: string[]; deleteBeforeReplace: boolean }> {
    const r = new provproto.DiffRequest();
    r.setUrn(urn);
    r.setId(id);
    r.setOlds(struct(olds));
    r.setNews(struct(news));
    r.setOldInputs(struct(oldInputs));
    const res = await this.rpc<any>("diff", r);
    const C = provproto.DiffResponse.DiffChanges;
    const changes = res.getChanges() === C.DIFF_SOME ? "some" : res.getChanges() === C.DIFF_NONE ? "none" : "unknown";
    return { changes, replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
  }

  async create(urn: string, props: Props): Promise<{ id: string; outs: Props }> {
    const r = new provproto.CreateRequest();
    r.setUrn(urn);
    r.setProperties(struct(props));
    const res = await this.rpc<any>("create", r);
    return { id: res.getId(), outs: res.getProperties()?.toJavaScript() ?? {} };
  }

  async read(urn: string, id: string, props: Props, inputs: Props): Promise<{ id: string; props: Props; inputs?: Props }> {
    const r = new provproto.ReadRequest();
    r.setUrn(urn);
    r.setId(id);
    r.setProperties(struct(props));
    r.setInputs(struct(inputs));
    const res = await this.rpc<any>("read", r);
    return { id: res.getId(), props: res.getProperties()?.toJavaScript() ?? {}, inputs: res.getInputs()?.toJavaScript() };
  }

  async update(urn: string, id: string, olds: Props, news: Props, oldInputs: Props = {}): Promise<Props> {
    const r = new provproto.UpdateRequest();
    r.setUrn(urn);
    r.setId(id);
    r.setOlds(struct(olds));
    r.setNews(struct(news));
    r.setOldInputs(struct(oldInputs));
    const res = await this.rpc<any>("update", r);
    return res.getProperties()?.toJavaScript() ?? {};
  }

  async delete(urn: string, id: string, props: Props, oldInputs: Props = {}): Promise<void> {
    const r = new provproto.DeleteRequest();
    r.setUrn(urn);
    r.setId(id);
    r.setProperties(struct(props));
    r.setOldInputs(struct(oldInputs));
    await this.rpc("delete", r);
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    try {
      process.kill(-this.proc.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
    await exited;
  }
}

export interface Resource {
  kind: Kind;
  name: string;
  urn: string;
  id: string;
  inputs: Props;
  outputs: Props;
}

export type Step =
  | { op: "create" | "update" | "same" | "replace"; resource: Resource; replaces?: string[]; deleteBeforeReplace?: boolean }
  | { op: "failed"; error: HostError; resource?: Resource };

/**
 * The engine's side: a stack's state and the steps of `pulumi up`, `preview`, `refresh` and
 * `destroy` for single resources, in the engine's order (Check before Diff; Diff with the previous
 * outputs; Update with them; replacement as Create then Delete, or Delete then Create when the
 * provider asks for deleteBeforeReplace; Read replaces outputs, and inputs only when returned).
 */
export class Stack {
  readonly state = new Map<string, Resource>();
  /** `__provider` for each kind: the SDK's providers, unless a test or bench swaps them. */
  providerOf: (kind: Kind) => Promise<string> = providerText;
  constructor(public host: Host) {}

  get(name: string): Resource {
    const r = this.state.get(name);
    if (!r) throw new Error(`${name} is not in the stack's state`);
    return r;
  }

  private async checked(kind: Kind, name: string, inputs: Props) {
    const prev = this.state.get(name);
    const news = { ...inputs, __provider: await this.providerOf(kind) };
    const c = await this.host.check(urnOf(kind, name), prev?.inputs ?? {}, news);
    if (c.failures.length) throw new HostError(`check failed: ${c.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    return { prev, news: c.inputs, failures: c.failures };
  }

  /** `pulumi preview` for one resource: Check and Diff, nothing else. */
  async preview(kind: Kind, name: string, inputs: Props) {
    const { prev, news } = await this.checked(kind, name, inputs);
    if (!prev) return { op: "create" as const, changes: "some" as const, replaces: [] as string[], deleteBeforeReplace: false };
    const d = await this.host.diff(prev.urn, prev.id, prev.outputs, news, prev.inputs);
    return { op: d.replaces.length ? ("replace" as const) : d.changes === "none" ? ("same" as const) : ("update" as const), ...d };
  }

  /** `pulumi up` for one resource. */
  async up(kind: Kind, name: string, inputs: Props): Promise<Step> {
    const { prev, news } = await this.checked(kind, name, inputs);
    const urn = urnOf(kind, name);
    if (!prev) return { op: "create", resource: await this.created(kind, name, urn, news) };
    const d = await this.host.diff(urn, prev.id, prev.outputs, news, prev.inputs);
    if (d.replaces.length) {
      if (d.deleteBeforeReplace) {
        await this.host.delete(urn, prev.id, prev.outputs, prev.inputs);
        this.state.delete(name);
        return { op: "replace", resource: await this.created(kind, name, urn, news), replaces: d.replaces, deleteBeforeReplace: true };
      }
      const fresh = await this.created(kind, name, urn, news, false);
      await this.host.delete(urn, prev.id, prev.outputs, prev.inputs);
      this.state.set(name, fresh);
      return { op: "replace", resource: fresh, replaces: d.replaces, deleteBeforeReplace: false };
    }
    if (d.changes === "none") {
      // A same step: the engine keeps the outputs and records the new inputs.
      prev.inputs = news;
      return { op: "same", resource: prev };
    }
    try {
      prev.outputs = await this.host.update(urn, prev.id, prev.outputs, news, prev.inputs);
      prev.inputs = news;
    } catch (e) {
      if (e instanceof HostError && e.initFailed) prev.outputs = e.initFailed.properties;
      throw e;
    }
    return { op: "update", resource: prev };
  }

  private async created(kind: Kind, name: string, urn: string, news: Props, record = true): Promise<Resource> {
    try {
      const { id, outs } = await this.host.create(urn, news);
      const r = { kind, name, urn, id, inputs: news, outputs: outs };
      if (record) this.state.set(name, r);
      return r;
    } catch (e) {
      // The engine keeps a resource whose create reported an ID, with the reported outputs.
      if (e instanceof HostError && e.initFailed?.id) {
        this.state.set(name, { kind, name, urn, id: e.initFailed.id, inputs: news, outputs: e.initFailed.properties });
      }
      throw e;
    }
  }

  /** `pulumi refresh` for one resource: returns "gone" when it left the state. */
  async refresh(name: string): Promise<"gone" | Resource> {
    const r = this.get(name);
    const res = await this.host.read(r.urn, r.id, r.outputs, r.inputs);
    if (!res.id) {
      this.state.delete(name);
      return "gone";
    }
    r.id = res.id;
    r.outputs = res.props;
    if (res.inputs) r.inputs = res.inputs;
    return r;
  }

  /** `pulumi destroy` (or removal from the program) for one resource. */
  async destroy(name: string): Promise<void> {
    const r = this.get(name);
    await this.host.delete(r.urn, r.id, r.outputs, r.inputs);
    this.state.delete(name);
  }

  /** A new engine run: a fresh host process (the engine starts one per run), the same state. */
  async nextRun(config: Record<string, string>, opts: HostOptions = {}): Promise<void> {
    await this.host.stop();
    this.host = await Host.start(opts);
    await this.host.configure(config);
  }
}

/** Runs tasks with at most `parallel` in flight, like the engine's step executor. */
export async function pool<T>(items: T[], parallel: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(parallel, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!);
  });
  await Promise.all(workers);
}

/**
 * A test environment: a fresh org server on a loopback port (PGlite, or PostgreSQL when
 * ORGS_TEST_POSTGRES_URL is set), an owner account, a configured host and an empty stack.
 * `requests()` counts the HTTP requests the server received over its socket (the provider's;
 * the test's own calls go through inject and are not counted).
 */
export async function providerEnv(opts: { config?: Partial<ServerConfig> } = {}) {
  const server = await startTestServer({ postgres: !!postgresUrl(), config: opts.config });
  const url = await server.app.listen({ port: 0, host: "127.0.0.1" });
  let requests = 0;
  server.app.server.on("request", () => {
    requests++;
  });
  const owner = await server.signup(`owner-${Math.random().toString(36).slice(2, 8)}@example.test`);
  const config = { "orgs:apiUrl": url, "orgs:apiToken": owner.token };
  const host = await Host.start();
  await host.configure(config);
  const stack = new Stack(host);
  return {
    server,
    url,
    owner,
    config,
    stack,
    requests: () => requests,
    async close() {
      await stack.host.stop();
      await server.close();
    },
  };
}
