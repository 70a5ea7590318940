// A Pulumi program whose resources are described in its stack config (`resources`, a JSON list of
// {type, name, args}), for end-to-end tests that need many small programs: a test changes the
// config between runs as a user changes their program. A string "${name.output}" in args stands
// for another resource's output (so the engine orders the two).
import * as pulumi from "@pulumi/pulumi";
import * as orgs from "orgs";

// Every resource class of the package, by its type name (the package exports nothing else at run time).
const classes = orgs as unknown as Record<string, Constructor>;
interface Spec {
  type: string;
  name: string;
  args: Record<string, unknown>;
}
type Constructor = new (name: string, args: unknown) => pulumi.CustomResource;

const made: Record<string, pulumi.CustomResource> = {};
const ref = (v: unknown): unknown => {
  if (typeof v === "string") {
    const m = /^\$\{([^.}]+)\.(\w+)\}$/.exec(v);
    return m ? (made[m[1]!] as unknown as Record<string, unknown>)[m[2]!] : v;
  }
  if (Array.isArray(v)) return v.map(ref);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, ref(x)]));
  return v;
};
for (const s of JSON.parse(new pulumi.Config().require("resources")) as Spec[]) {
  const Class = classes[s.type];
  if (typeof Class !== "function") throw new Error(`${s.name}: no resource type ${s.type} in orgs`);
  made[s.name] = new Class(s.name, ref(s.args));
}

export const ids = Object.fromEntries(Object.entries(made).map(([name, r]) => [name, r.id]));
