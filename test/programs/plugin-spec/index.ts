// The spec program (test/programs/spec) in plugin mode: the same resources from `orgs/plugin`, served
// by pulumi-resource-orgs. Its resources are described in its stack config (`resources`, a JSON list
// of {type, name, args}); a string "${name.output}" in args stands for another resource's output.
import * as pulumi from "@pulumi/pulumi";
import * as orgs from "orgs/plugin";

const classes = {
  Organization: orgs.Organization,
  Project: orgs.Project,
  Role: orgs.Role,
  Team: orgs.Team,
  Member: orgs.Member,
  ProjectAccess: orgs.ProjectAccess,
  Members: orgs.Members,
  ProjectAccessSet: orgs.ProjectAccessSet,
};
interface Spec {
  type: keyof typeof classes;
  name: string;
  args: Record<string, unknown>;
  /** The `import` resource option: the ID of an object to adopt into the state. */
  import?: string;
}
type Constructor = new (name: string, args: unknown, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

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
  made[s.name] = new (classes[s.type] as unknown as Constructor)(s.name, ref(s.args), s.import ? { import: s.import } : {});
}

export const ids = Object.fromEntries(Object.entries(made).map(([name, r]) => [name, r.id]));
