// Generates the files other tools read from the contract: schema.json (the Pulumi package
// schema, from PULUMI_RESOURCES), openapi.json (from the route table), and the TypeScript SDK's
// classes and provider shells (api/generate-sdk.ts). `npm run generate` writes them at the
// repository root; api/generated.test.ts fails when they are stale.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { sdkFiles } from "./generate-sdk";
import { ENUM_NAMES, jsonSchema, type JsonSchema } from "./json-schema";
import { openApiDocument } from "./openapi";
import { PULUMI_RESOURCES, type PulumiResourceSpec } from "./pulumi";

export const PACKAGE = "orgs";
/**
 * The Go SDK's import path: its go.mod (sdks/go) is the module one element up. The first element
 * is under .localhost (RFC 6761), a name no real host will ever have, because the repository has
 * no public address: a program takes the SDK from a checkout with a `replace` directive, and a
 * `go get` of it fails at once instead of fetching somebody else's module. Give it the repository's
 * address (github.com/<owner>/<repo>/sdks/go/orgs) when it has one.
 */
export const GO_IMPORT_BASE_PATH = "orgs.localhost/sdks/go/orgs";
const SDK_README = `Pulumi resources for an orgs server (organizations, projects, roles, teams, members and project access), generated from schema.json by Pulumi's code generators (tools/sdkgen).
Programs need the provider plugin pulumi-resource-orgs on PATH or installed with \`pulumi plugin install resource orgs <version> --file ...\`; see the repository's README.
`;
const GENERATED_NOTE = "Generated from api/ by `npm run generate`: do not edit.";

type Json = Record<string, unknown>;
export interface PropertySpec {
  type?: string;
  $ref?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  description?: string;
  replaceOnChanges?: boolean;
  secret?: boolean;
  defaultInfo?: { environment: string[] };
}

export interface PackageSchema {
  name: string;
  displayName: string;
  version: string;
  description: string;
  license: string;
  keywords: string[];
  meta: { moduleFormat: string; supportPack: boolean };
  config: { variables: Record<string, PropertySpec> };
  provider: { description: string; inputProperties: Record<string, PropertySpec>; properties: Record<string, PropertySpec> };
  types: Record<string, Json>;
  resources: Record<string, Json>;
  language: Json;
}

const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");

/** Pulumi has no null: a nullable property is an optional one of the other type. */
function stripNull(s: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  if (Array.isArray(s.type)) {
    const rest = s.type.filter((t) => t !== "null");
    if (rest.length !== 1) throw new Error(`cannot map union type [${s.type.join(", ")}] to a Pulumi type`);
    return { schema: { ...s, type: rest[0] }, nullable: rest.length < s.type.length };
  }
  if (s.anyOf) {
    const rest = s.anyOf.filter((m) => m.type !== "null");
    if (rest.length !== 1) throw new Error("cannot map a union (anyOf) to a Pulumi type: use one type, or a nullable one");
    const { schema } = stripNull(rest[0]!);
    return { schema: { ...schema, description: s.description ?? schema.description }, nullable: rest.length < s.anyOf.length };
  }
  return { schema: s, nullable: false };
}

/** Builds the schema's `types` while mapping properties; objects and enums are referenced, never inlined. */
class TypeRegistry {
  readonly types: Record<string, Json> = {};

  private define(token: string, spec: Json): string {
    const existing = this.types[token];
    if (existing && JSON.stringify(existing) !== JSON.stringify(spec)) {
      throw new Error(`two different types would both be named ${token}: give one of them another property name`);
    }
    this.types[token] = spec;
    return `#/types/${token}`;
  }

  /** Maps one JSON-Schema property (from z.toJSONSchema) to a Pulumi property spec. */
  property(name: string, raw: JsonSchema, where: string): { spec: PropertySpec; nullable: boolean } {
    const { schema: s, nullable } = stripNull(raw);
    const spec: PropertySpec = {};
    if (s.enum) {
      const values = s.enum.map(String);
      const typeName = ENUM_NAMES[[...values].sort().join(",")];
      if (!typeName) throw new Error(`${where}: the enum [${values.join(", ")}] has no name; add it to ENUM_NAMES in api/json-schema.ts`);
      spec.$ref = this.define(`${PACKAGE}:index:${typeName}`, {
        type: "string",
        enum: values.map((value) => ({ name: pascal(value), value })),
      });
    } else if (s.type === "array") {
      if (!s.items) throw new Error(`${where}: an array needs items`);
      spec.type = "array";
      spec.items = this.property(name, s.items, `${where}[]`).spec;
      delete spec.items.description;
    } else if (s.type === "object" && s.properties) {
      // A map's entries are named for their resource and map (MembersMembersEntry): a bare
      // "members" would name several shapes, and "Members" is a resource of its own. An output
      // entry that differs from the input's (more fields) is its …Output.
      const [resource, io] = where.split(" ");
      const token = `${PACKAGE}:index:${where.endsWith("{}") ? `${resource}${pascal(name)}Entry` : pascal(name)}`;
      const object = this.object(s, `${where}`);
      const type = { type: "object", ...(s.description ? { description: s.description } : {}), ...object };
      const taken = this.types[token] !== undefined && JSON.stringify(this.types[token]) !== JSON.stringify(type);
      spec.$ref = this.define(taken && io?.startsWith("outputs") ? `${token}Output` : token, type);
    } else if (s.type === "object") {
      spec.type = "object";
      const values = typeof s.additionalProperties === "object" ? s.additionalProperties : { type: "string" };
      spec.additionalProperties = this.property(name, values, `${where}{}`).spec;
    } else if (s.type === "string" || s.type === "boolean" || s.type === "integer" || s.type === "number") {
      spec.type = s.type;
    } else {
      throw new Error(`${where}: cannot map ${JSON.stringify(s)} to a Pulumi type`);
    }
    const description = raw.description ?? s.description;
    if (description) spec.description = description;
    return { spec, nullable };
  }

  /** Properties and the names always present: nullable properties are never "required". */
  object(s: JsonSchema, where: string): { properties: Record<string, PropertySpec>; required?: string[] } {
    const properties: Record<string, PropertySpec> = {};
    const required: string[] = [];
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      const { spec, nullable } = this.property(name, prop, `${where}.${name}`);
      properties[name] = spec;
      if (s.required?.includes(name) && !nullable) required.push(name);
    }
    return required.length ? { properties, required } : { properties };
  }
}

function markReplaceOn(props: Record<string, PropertySpec>, replaceOn: readonly string[]): void {
  for (const name of replaceOn) if (props[name]) props[name] = { ...props[name], replaceOnChanges: true };
}

function readPackageJson(root: string): { version: string; description: string; license: string } {
  return JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
}

/** The provider's settings: stack config `orgs:apiUrl`/`orgs:apiToken`, or an explicit provider's inputs. */
const PROVIDER_CONFIG: Record<string, PropertySpec> = {
  apiUrl: {
    type: "string",
    description: "Base URL of the orgs API, e.g. http://127.0.0.1:8080. Falls back to ORGS_API_URL.",
    defaultInfo: { environment: ["ORGS_API_URL"] },
  },
  apiToken: {
    type: "string",
    secret: true,
    description:
      "API token sent as a Bearer token. Set it with `pulumi config set --secret orgs:apiToken`; falls back to ORGS_API_TOKEN. Kept in no resource's state: the provider's own inputs hold it encrypted, as the stack's secret config.",
    defaultInfo: { environment: ["ORGS_API_TOKEN"] },
  },
};

/** The Pulumi package schema of the orgs provider. */
export function pulumiSchema(version = readPackageJson(repoRoot()).version, specs: Record<string, PulumiResourceSpec> = PULUMI_RESOURCES): PackageSchema {
  const registry = new TypeRegistry();
  const resources: Record<string, Json> = {};
  for (const [token, spec] of Object.entries(specs)) {
    const type = token.split(":")[2]!;
    const inputs = registry.object(jsonSchema(spec.inputs, "input"), `${type} inputs`);
    const outputs = registry.object(jsonSchema(spec.outputs, "output"), `${type} outputs`);
    for (const name of spec.replaceOn) {
      if (!inputs.properties[name]) throw new Error(`${token}: replaceOn names ${name}, which is not an input`);
    }
    markReplaceOn(inputs.properties, spec.replaceOn);
    markReplaceOn(outputs.properties, spec.replaceOn);
    resources[token] = {
      description: spec.description,
      inputProperties: inputs.properties,
      requiredInputs: inputs.required ?? [],
      properties: outputs.properties,
      required: outputs.required ?? [],
    };
  }
  const sortedTypes = Object.fromEntries(Object.entries(registry.types).sort(([a], [b]) => a.localeCompare(b)));
  return {
    name: PACKAGE,
    displayName: "orgs",
    version,
    description: `Organizations as code: organizations, projects, roles, teams, members and project access on an orgs server. ${GENERATED_NOTE}`,
    license: "Apache-2.0",
    keywords: ["pulumi", "orgs", "category/utility", "kind/native"],
    // supportPack: the generators write the schema's version into the SDKs (pulumi-plugin.json,
    // pyproject.toml, the version resources ask the engine for) and a go.mod for the Go SDK.
    meta: { moduleFormat: "(.*)", supportPack: true },
    config: { variables: PROVIDER_CONFIG },
    // The explicit provider (`new orgs.Provider(…)` in a generated SDK) takes the same settings as
    // the default one takes from stack config; the plugin's Configure reads both the same way.
    provider: {
      description:
        "The orgs provider: where the org API is and the token to call it with. Without an explicit provider, stack config orgs:apiUrl and orgs:apiToken.",
      inputProperties: PROVIDER_CONFIG,
      properties: PROVIDER_CONFIG,
    },
    types: sortedTypes,
    resources,
    language: {
      nodejs: { packageName: PACKAGE, packageDescription: "Pulumi resources for an orgs server (dynamic providers)." },
      // The SDKs tools/sdkgen generates into sdks/ (`npm run generate:sdks`).
      python: { packageName: "pulumi_orgs", respectSchemaVersion: true, pyproject: { enabled: true }, readme: SDK_README },
      go: { importBasePath: GO_IMPORT_BASE_PATH, respectSchemaVersion: true },
    },
  };
}

export function openApiJson(version = readPackageJson(repoRoot()).version) {
  return openApiDocument(version);
}

const serialize = (value: unknown) => JSON.stringify(value, null, 2) + "\n";

/** Why a generated file on disk is not what generation produces now, or null when it is. */
export function staleness(path: string, onDisk: string | undefined, generated: string): string | null {
  if (onDisk === undefined) return `${path} is missing: run \`npm run generate\``;
  if (onDisk === generated) return null;
  const a = onDisk.split("\n"),
    b = generated.split("\n");
  const i = a.findIndex((line, n) => line !== b[n]);
  const n = i === -1 ? a.length : i;
  return `${path} is stale: run \`npm run generate\` (line ${n + 1} is ${JSON.stringify(a[n] ?? "")}, generation gives ${JSON.stringify(b[n] ?? "")})`;
}

/** The generated files, by path relative to the repository root, with their exact contents. */
export function generatedFiles(root = repoRoot()): Record<string, string> {
  const { version } = readPackageJson(root);
  return {
    "schema.json": serialize(pulumiSchema(version)),
    "openapi.json": serialize(openApiJson(version)),
    ...sdkFiles(),
  };
}

/** The repository root: the nearest directory above this file with the orgs package.json (works from api/ and dist/api/). */
export function repoRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === PACKAGE) return dir;
    if (dirname(dir) === dir) throw new Error(`no ${PACKAGE} package.json above ${from}`);
  }
}

if (require.main === module) {
  const root = repoRoot();
  for (const [path, text] of Object.entries(generatedFiles(root))) {
    writeFileSync(join(root, path), text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
