// Generates what the TypeScript SDK and the provider shells hold that is pure shape, from
// PULUMI_RESOURCES (api/pulumi.ts), as schema.json is generated (api/generate.ts writes both;
// api/generated.test.ts fails when either is stale): each resource's class with its Args and its
// outputs, documented with the zod descriptions (sdk/<module>.ts), the types they share
// (sdk/types.ts), the package's exports (sdk/index.ts), and each serialized provider
// (provider/shells/<module>.ts). A new resource is an entry in PULUMI_RESOURCES and its provider
// module; nothing here is edited by hand. The generated TypeScript imports no zod: a program's
// type-check never reads zod's declarations.
import { ENUM_NAMES, jsonSchema, type JsonSchema } from "./json-schema";
import { PULUMI_RESOURCES, type PulumiResourceSpec } from "./pulumi";

const NOTE = "Generated from api/ by `npm run generate`: do not edit.";

type Io = "input" | "output";
const doc = (text: string | undefined, indent = "") => (text ? `${indent}/** ${text.replaceAll("*/", "*\\/")} */\n` : "");

/** The TypeScript of the shared types (enums, and objects named by their schema's `title`), collected while emitting. */
class Types {
  private readonly decls = new Map<string, string>();

  declare(name: string, text: string): string {
    const had = this.decls.get(name);
    if (had !== undefined && had !== text) throw new Error(`two different types would both be named ${name}: give one of them another .meta({ title })`);
    this.decls.set(name, text);
    return name;
  }

  /** The type of a property: `Args` wraps every level in pulumi.Input, outputs are plain. */
  of(s: JsonSchema, io: Io, where: string): string {
    const input = (t: string) => (io === "input" ? `pulumi.Input<${t}>` : t);
    const nullable = (Array.isArray(s.type) && s.type.includes("null")) || !!s.anyOf?.some((m) => m.type === "null");
    const rest = s.anyOf ? s.anyOf.filter((m) => m.type !== "null") : [s];
    if (rest.length !== 1) throw new Error(`${where}: cannot emit a union`);
    const t = rest[0]!;
    const type = Array.isArray(t.type) ? t.type.find((x) => x !== "null") : t.type;
    let ts: string;
    if (t.enum) {
      const values = t.enum.map((v) => JSON.stringify(v)).join(" | ");
      const name = ENUM_NAMES[t.enum.map(String).sort().join(",")];
      if (!name) throw new Error(`${where}: the enum [${t.enum.join(", ")}] has no name; add it to ENUM_NAMES in api/json-schema.ts`);
      ts = this.declare(name, `export type ${name} = ${values};\n`);
    } else if (type === "array") ts = `${input(this.of(t.items ?? {}, io, `${where}[]`))}[]`;
    else if (type === "object" && t.properties) ts = this.object(t, io, where);
    else if (type === "object") {
      const values = typeof t.additionalProperties === "object" ? t.additionalProperties : { type: "string" };
      ts = `Record<string, ${input(this.of(values, io, `${where}{}`))}>`;
    } else if (type === "integer" || type === "number") ts = "number";
    else if (type === "string" || type === "boolean") ts = type;
    else throw new Error(`${where}: cannot emit ${JSON.stringify(t)}`);
    return nullable ? `${ts} | null` : ts;
  }

  /** An object's fields; named by its title (`<title>Args` as input), or written inline. */
  object(s: JsonSchema, io: Io, where: string): string {
    const fields = Object.entries(s.properties ?? {}).map(([k, p]) => {
      const opt = !s.required?.includes(k);
      const t = this.of(p, io, `${where}.${k}`);
      return { k, opt, t, description: p.description };
    });
    if (!s.title) return `{ ${fields.map((f) => `${f.k}${f.opt ? "?" : ""}: ${io === "input" ? `pulumi.Input<${f.t}>` : f.t}`).join("; ")} }`;
    const name = io === "input" ? `${s.title}Args` : s.title;
    const body = fields.map((f) => `${doc(f.description, "  ")}  ${f.k}${f.opt ? "?" : ""}: ${io === "input" ? `pulumi.Input<${f.t}>` : f.t};\n`).join("");
    return this.declare(name, `${doc(s.description)}export interface ${name} {\n${body}}\n`);
  }

  uses(text: string): string[] {
    return [...this.decls.keys()].filter((name) => new RegExp(`\\b${name}\\b`).test(text));
  }

  file(): string {
    const body = [...this.decls.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => t);
    return `// The types the resource classes share. ${NOTE}\nimport type * as pulumi from "@pulumi/pulumi";\n\n${body.join("\n")}`;
  }
}

const typeOf = (token: string) => token.split(":")[2]!;

/** One resource's class and Args (sdk/<module>.ts). */
function resourceFile(token: string, spec: PulumiResourceSpec, types: Types): string {
  const type = typeOf(token);
  const module = spec.module!;
  const inputs = jsonSchema(spec.inputs, "input");
  const outputs = jsonSchema(spec.outputs, "output");
  const args = Object.entries(inputs.properties ?? {})
    .map(([k, p]) => `${doc(p.description, "  ")}  ${k}${inputs.required?.includes(k) ? "" : "?"}: pulumi.Input<${types.of(p, "input", `${type}.${k}`)}>;\n`)
    .join("");
  const idOutputs: Record<string, number> = spec.idOutputs ?? {};
  const fields = Object.entries(outputs.properties ?? {}).map(([k, p]) => {
    const t = types.of(p, "output", `${type}.${k}`);
    return { k, t: outputs.required?.includes(k) ? t : `${t} | undefined`, description: p.description };
  });
  const optionalInputs = Object.keys(inputs.properties ?? {}).filter((k) => !inputs.required?.includes(k));
  const outputOnly = fields.map((f) => f.k).filter((k) => !(k in (inputs.properties ?? {})));
  const init = (keys: string[]) => keys.map((k) => `        ${k}: undefined,\n`).join("");
  const fromId = Object.entries(idOutputs)
    .map(([k, n]) => {
      const t = fields.find((f) => f.k === k)?.t;
      if (!t) throw new Error(`${token}: idOutputs names ${k}, which is not an output`);
      return `    this.${k} = idPart(this.id, ${n})${t === "string" ? "" : ` as pulumi.Output<${t}>`};\n`;
    })
    .join("");
  const classBody =
    fields.map((f) => `${doc(f.description, "  ")}  declare public readonly ${f.k}: pulumi.Output<${f.t}>;\n`).join("") +
    `\n  constructor(name: string, args: ${type}Args, opts?: pulumi.CustomResourceOptions) {\n` +
    `    super(\n      provider,\n      name,\n      {\n${init(optionalInputs)}        ...args,\n${init(outputOnly)}      },\n      opts,\n      "orgs",\n      "${type}",\n    );\n` +
    fromId +
    "  }\n";
  const code = `export interface ${type}Args {\n${args}}\n\n${doc(spec.description)}export class ${type} extends DynamicResource {\n${classBody}}\n`;
  const shared = types.uses(code);
  return (
    `// The ${type} resource class (the provider is provider/${module}.ts). ${NOTE}\n` +
    'import type * as pulumi from "@pulumi/pulumi";\n' +
    'import { DynamicResource } from "./runtime";\n' +
    `import provider = require("../provider/shells/${module}");\n` +
    (fromId ? 'import { idPart } from "./ids";\n' : "") +
    (shared.length ? `import type { ${shared.join(", ")} } from "./types";\n` : "") +
    "\n" +
    code
  );
}

/** The serialized provider of one resource (provider/shells/<module>.ts). */
function shellFile(token: string, module: string): string {
  return (
    `// The serialized provider of the ${typeOf(token)} resource (see provider/shell.ts). ${NOTE} Being a module's\n` +
    `// exports, it is stored in a program's state as \`require("orgs/provider/shells/${module}")\` when the package is\n` +
    "// installed in the program's node_modules (a few hundred bytes), and by value otherwise.\n" +
    'import { dynamicProvider } from "../shell";\n\n' +
    `export = dynamicProvider("${module}");\n`
  );
}

/** The SDK's files and the provider shells, by path relative to the repository root. */
export function sdkFiles(specs: Record<string, PulumiResourceSpec> = PULUMI_RESOURCES): Record<string, string> {
  const types = new Types();
  const files: Record<string, string> = {};
  const exports: string[] = [];
  for (const [token, spec] of Object.entries(specs)) {
    if (!spec.module) throw new Error(`${token}: set module (the provider module's file name under provider/)`);
    files[`sdk/${spec.module}.ts`] = resourceFile(token, spec, types);
    files[`provider/shells/${spec.module}.ts`] = shellFile(token, spec.module);
    exports.push(`export { ${typeOf(token)}, type ${typeOf(token)}Args } from "./${spec.module}";\n`);
  }
  files["sdk/types.ts"] = types.file();
  files["sdk/index.ts"] =
    "// The orgs Pulumi package: one resource class per object of the org API. Each is a\n" +
    "// pulumi.dynamic.Resource whose provider (provider/<module>.ts) runs in Pulumi's dynamic-provider\n" +
    `// host; configure it with \`orgs:apiUrl\` and \`orgs:apiToken\` (secret), or ORGS_API_URL and ORGS_API_TOKEN. ${NOTE}\n` +
    exports.join("") +
    'export type * from "./types";\n';
  return files;
}
