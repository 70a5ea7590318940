// pulumi-resource-orgs: the provider modules served as a native Pulumi resource plugin, beside
// the dynamic provider. The stock Node provider server (@pulumi/pulumi/provider) cannot serve
// them: it sends no detailed diff, ignores the provider's config, crashes on an import's Read
// (no state) and answers acceptSecrets: true. So this is the ResourceProvider gRPC service itself,
// on @grpc/grpc-js with the stubs @pulumi/pulumi ships. It answers acceptSecrets and
// acceptResources false, as the dynamic-provider host does: the engine then strips secrets and
// resource references, and each module gets exactly the values it gets in dynamic mode (without
// `__provider`).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import * as statusProto from "@pulumi/pulumi/proto/status_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct, Value } from "google-protobuf/google/protobuf/struct_pb";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { PULUMI_RESOURCES, type PulumiResourceSpec } from "../../api/pulumi";
import { canonical } from "../diff";
import type { ProviderModule } from "../shell";
import { DECLARED, setKeys } from "../state";
import { detailedDiff, type DiffKind } from "./detailed-diff";
import { dynamicConfigure, settingsOf, SETTINGS, unwrapSecret, type Settings } from "./config";
import { isServed, loadedModules, moduleFor, typeOfUrn, type Served } from "./modules";

type Props = Record<string, unknown>;

const KINDS: Record<DiffKind, proto.PropertyDiff.Kind> = {
  add: proto.PropertyDiff.Kind.ADD,
  "add-replace": proto.PropertyDiff.Kind.ADD_REPLACE,
  delete: proto.PropertyDiff.Kind.DELETE,
  "delete-replace": proto.PropertyDiff.Kind.DELETE_REPLACE,
  update: proto.PropertyDiff.Kind.UPDATE,
  "update-replace": proto.PropertyDiff.Kind.UPDATE_REPLACE,
};

/** The package root (package.json, schema.json): two levels above dist/provider/plugin/. */
export const PACKAGE_ROOT = join(__dirname, "..", "..", "..");

export const packageVersion = (): string => JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")).version;

const toJs = (s: Struct | undefined): Props => (s ? (s.toJavaScript() as Props) : {});
const toStruct = (v: unknown) => Struct.fromJavaScript(defined(v ?? {}) as never);
/**
 * The modules record which inputs the program declared in the outputs (`__declared`), because the
 * dynamic host hands read() and diff() the previous outputs only. The engine sends a plugin the
 * old inputs beside them (Diff, Update and Delete's oldInputs, a refresh Read's inputs), and the
 * declared keys are the keys of those inputs: so in plugin mode the state keeps no `__declared`
 * (40 to 60 bytes a resource), and the plugin puts it back before a module sees the outputs. Outputs
 * from older states that hold it keep theirs; an import's Read has neither, as before.
 */
const outputsForState = (outs: unknown): Props => {
  const { [DECLARED]: _, ...rest } = (outs ?? {}) as Props;
  return rest;
};
const outputsForModule = (olds: Props, oldInputs: Struct | undefined): Props =>
  oldInputs && !(DECLARED in olds) && Object.keys(olds).length ? { ...olds, [DECLARED]: setKeys(toJs(oldInputs)).sort() } : olds;

/** Struct has no undefined: leave such keys out, as the engine's serialization does. */
function defined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(defined);
  if (v === null || typeof v !== "object") return v;
  const out: Props = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = defined(x);
  return out;
}

/**
 * An update's preview: the new inputs, and the outputs the resource's ID holds (its organization,
 * its own ID, its principal: `idOutputs`). An update changes none of them, and the engine knows
 * only what the preview answers, so a program that uses `teamId` rather than the team's ID would
 * otherwise see it unknown and its grant as a replacement that `up` never makes.
 */
export function updatePreview(type: string, id: string, news: Struct | undefined): Struct {
  const props = news ?? new Struct();
  const idOutputs: PulumiResourceSpec["idOutputs"] = isServed(type) ? (PULUMI_RESOURCES[type] as PulumiResourceSpec).idOutputs : undefined;
  const parts = id.split("/");
  for (const [k, n] of Object.entries(idOutputs ?? {})) if (parts[n]) props.getFieldsMap().set(k, Value.fromJavaScript(parts[n]));
  return props;
}

/** A gRPC error for the engine: the message, and for an object left half-done its ID and outputs (ErrorResourceInitFailed). */
function grpcError(e: unknown): Partial<grpc.StatusObject> {
  const err = e as { message?: string; id?: string; properties?: Props; reasons?: string[] };
  const message = String(err?.message ?? e);
  const metadata = new grpc.Metadata();
  if (err && typeof err.id === "string" && err.id) {
    const detail = new proto.ErrorResourceInitFailed();
    detail.setId(err.id);
    const { __provider: _, ...properties } = outputsForState(err.properties);
    detail.setProperties(toStruct(properties));
    detail.setReasonsList(err.reasons ?? [message]);
    const any = new Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusProto.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}

type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;
/** A handler whose errors (thrown or rejected) become the engine's error for the step. */
function unary<Req, Res>(fn: (req: Req) => Promise<Res> | Res): Unary<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (res) => callback(null, res),
        (e) => {
          const status = grpcError(e);
          callback(status as grpc.ServiceError, null, status.metadata);
        },
      );
  };
}

const unimplemented =
  (what: string) =>
  (call: unknown, callback: grpc.sendUnaryData<never>): void =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: `${what} is not implemented by the orgs provider` } as grpc.ServiceError, null);

/** The ResourceProvider service. One per process: the modules' configuration is process-wide. */
export class OrgsProvider {
  private settings: Settings = {};
  private readonly schema: string;

  constructor(schemaPath = join(PACKAGE_ROOT, "schema.json")) {
    this.schema = readFileSync(schemaPath, "utf8");
  }

  /** The module for a request's type token, configured with the provider's settings. */
  private served(type: string | undefined, urn: string): Served {
    const token = type || typeOfUrn(urn);
    return moduleFor(token, (m) => void this.configureModule(m));
  }

  private configureModule(m: ProviderModule): Promise<void> {
    return m.configure(dynamicConfigure(this.settings));
  }

  /** Configure again every module already loaded (a later Configure, e.g. an explicit provider's). */
  private async reconfigure(): Promise<void> {
    for (const m of loadedModules()) await this.configureModule(m);
  }

  handlers(): providerRpc.IResourceProviderServer {
    return {
      handshake: unary(() => {
        const res = new proto.ProviderHandshakeResponse();
        res.setAcceptSecrets(false);
        res.setAcceptResources(false);
        res.setAcceptOutputs(false);
        return res;
      }),
      getPluginInfo: unary(() => new pluginProto.PluginInfo().setVersion(packageVersion())),
      getSchema: unary((req: proto.GetSchemaRequest) => {
        if (req.getVersion() > 0) throw Object.assign(new Error(`orgs serves schema version 0 only, not ${req.getVersion()}`));
        return new proto.GetSchemaResponse().setSchema(this.schema);
      }),
      checkConfig: unary((req: proto.CheckRequest) => {
        // The settings are strings (or absent): anything else would fail every later call.
        const news = toJs(req.getNews());
        const failures = SETTINGS.filter((k) => news[k] !== undefined && typeof unwrapSecret(news[k]) !== "string").map((k) =>
          new proto.CheckFailure().setProperty(k).setReason(`${k} must be a string`),
        );
        return new proto.CheckResponse().setInputs(req.getNews() ?? new Struct()).setFailuresList(failures);
      }),
      diffConfig: unary((req: proto.DiffRequest) => {
        // A new URL or token is an update of the provider, never a replacement of its resources.
        const olds = toJs(req.getOldInputs() ?? req.getOlds()),
          news = toJs(req.getNews());
        const changed = SETTINGS.filter((k) => canonical(unwrapSecret(olds[k])) !== canonical(unwrapSecret(news[k])));
        const res = new proto.DiffResponse();
        res.setChanges(changed.length ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE);
        res.setDiffsList(changed);
        for (const k of changed) res.getDetaileddiffMap().set(k, new proto.PropertyDiff().setKind(proto.PropertyDiff.Kind.UPDATE).setInputdiff(true));
        res.setHasdetaileddiff(true);
        return res;
      }),
      configure: unary(async (req: proto.ConfigureRequest) => {
        this.settings = settingsOf(req.getVariablesMap().getEntryList() as [string, string][], toJs(req.getArgs()));
        // Modules loaded before this Configure (or by an earlier one) take the new settings too.
        await this.reconfigure();
        const res = new proto.ConfigureResponse();
        res.setAcceptsecrets(false);
        res.setAcceptresources(false);
        res.setAcceptoutputs(false);
        res.setSupportspreview(true);
        return res;
      }),
      check: unary(async (req: proto.CheckRequest) => {
        const s = this.served(req.getType(), req.getUrn());
        const r = await s.module.check(toJs(req.getOlds()), toJs(req.getNews()));
        const res = new proto.CheckResponse().setInputs(toStruct(r.inputs ?? toJs(req.getNews())));
        res.setFailuresList((r.failures ?? []).map((f: dynamic.CheckFailure) => new proto.CheckFailure().setProperty(f.property).setReason(f.reason)));
        return res;
      }),
      diff: unary(async (req: proto.DiffRequest) => {
        const s = this.served(req.getType(), req.getUrn());
        const olds = outputsForModule(toJs(req.getOlds()), req.getOldInputs()),
          news = toJs(req.getNews());
        const oldInputs = req.getOldInputs() ? toJs(req.getOldInputs()) : undefined;
        const r = (await s.module.diff(req.getId(), olds, news)) as dynamic.DiffResult & { diffs?: string[] };
        return diffResponse(s, r, olds, oldInputs, news);
      }),
      create: unary(async (req: proto.CreateRequest) => {
        // A preview: the inputs stand for the outputs, as the engine does for a provider without
        // previews (answering Handshake tells it this one has them, so it asks).
        if (req.getPreview()) return new proto.CreateResponse().setProperties(req.getProperties() ?? new Struct());
        const s = this.served(req.getType(), req.getUrn());
        const r = await s.module.create(toJs(req.getProperties()));
        return new proto.CreateResponse().setId(r.id).setProperties(toStruct(outputsForState(r.outs)));
      }),
      read: unary(async (req: proto.ReadRequest) => {
        const s = this.served(req.getType(), req.getUrn());
        // An import (`pulumi import`, the `import` option) sends an ID and nothing else.
        const r = await s.module.read(req.getId(), outputsForModule(toJs(req.getProperties()), req.getInputs()));
        const res = new proto.ReadResponse().setId(r.id ?? "");
        if (!r.id) return res;
        res.setProperties(toStruct(outputsForState(r.props)));
        if (r.inputs) res.setInputs(toStruct(r.inputs));
        return res;
      }),
      update: unary(async (req: proto.UpdateRequest) => {
        if (req.getPreview()) return new proto.UpdateResponse().setProperties(updatePreview(req.getType(), req.getId(), req.getNews()));
        const s = this.served(req.getType(), req.getUrn());
        const r = await s.module.update(req.getId(), outputsForModule(toJs(req.getOlds()), req.getOldInputs()), toJs(req.getNews()));
        return new proto.UpdateResponse().setProperties(toStruct(outputsForState(r.outs)));
      }),
      delete: unary(async (req: proto.DeleteRequest) => {
        const s = this.served(req.getType(), req.getUrn());
        await s.module.delete(req.getId(), outputsForModule(toJs(req.getProperties()), req.getOldInputs()));
        return new Empty();
      }),
      // Every step is bounded (provider/steps.ts); nothing outlives the engine's own shutdown.
      cancel: unary(() => new Empty()),
      parameterize: unimplemented("Parameterize"),
      invoke: unimplemented("Invoke"),
      call: unimplemented("Call"),
      construct: unimplemented("Construct"),
      attach: unimplemented("Attach"),
      getMapping: unary(() => new proto.GetMappingResponse().setProvider("").setData("")),
      getMappings: unary(() => new proto.GetMappingsResponse()),
      list: (call: grpc.ServerWritableStream<proto.ListRequest, proto.ListResponse>) =>
        call.emit("error", { code: grpc.status.UNIMPLEMENTED, details: "List is not implemented by the orgs provider" }),
    } as providerRpc.IResourceProviderServer;
  }
}

/**
 * The DiffResponse for a module's verdict: its changes and replacements as it decided them, and the
 * detailed diff of where (provider/plugin/detailed-diff.ts), against the old inputs (what the
 * program declared last time, or after a refresh what the server held) when the engine sends them.
 */
export function diffResponse(
  s: Served,
  r: dynamic.DiffResult & { diffs?: string[] },
  olds: Props,
  oldInputs: Props | undefined,
  news: Props,
): proto.DiffResponse {
  const base: Props = { ...olds, ...(oldInputs ?? {}) };
  const replaces = r.replaces ?? [];
  // Modules that name no changed keys (the set resources): the inputs that differ.
  const diffs =
    r.diffs ?? (r.changes ? [...new Set([...s.inputKeys.filter((k) => news[k] !== undefined && canonical(base[k]) !== canonical(news[k])), ...replaces])] : []);
  const res = new proto.DiffResponse();
  res.setChanges(
    r.changes === true
      ? proto.DiffResponse.DiffChanges.DIFF_SOME
      : r.changes === false
        ? proto.DiffResponse.DiffChanges.DIFF_NONE
        : proto.DiffResponse.DiffChanges.DIFF_UNKNOWN,
  );
  res.setReplacesList([...replaces]);
  res.setDeletebeforereplace(!!r.deleteBeforeReplace);
  res.setDiffsList(diffs);
  if (r.changes) {
    const detailed = detailedDiff(base, news, { diffs, replaces }, s.inputKeys);
    for (const [path, d] of Object.entries(detailed))
      res.getDetaileddiffMap().set(path, new proto.PropertyDiff().setKind(KINDS[d.kind]).setInputdiff(d.inputDiff));
    res.setHasdetaileddiff(true);
  } else {
    res.setHasdetaileddiff(r.changes === false);
  }
  return res;
}

/** Serves the provider on 127.0.0.1 (an OS-chosen port); resolves with the server and its port. */
export async function serve(provider = new OrgsProvider()): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024, "grpc.max_send_message_length": 400 * 1024 * 1024 });
  server.addService(providerRpc.ResourceProviderService, provider.handlers());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, port };
}
