// `orgs/plugin`: the same resources as `orgs`, served by the native plugin pulumi-resource-orgs
// instead of the dynamic provider. Same Args types, same outputs (typed from the dynamic classes,
// so nothing is declared twice), type tokens orgs:index:<Type>. What the plugin adds: detailed
// diffs in `pulumi preview --diff`, `pulumi import` and the `import` option, an explicit Provider,
// and no serialized provider in state. A thin class over pulumi.CustomResource rather than the
// nodejs codegen output: the generated SDK would declare every Args type a second time (from
// schema.json), apart from the hand-written ones the dynamic classes and their tests use.
//
// The plugin must be where the engine looks: `pulumi-resource-orgs` on PATH (this package's
// bin/), or `pulumi plugin install resource orgs <version> --file …` (README, "Plugin mode").
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { programPulumi } from "../runtime";
import type * as dynamicSdk from "../index";

const ROOT = join(__dirname, "..", "..", "..");
const pulumiRuntime = programPulumi();

let schema: { version: string; resources: Record<string, { properties: Record<string, unknown> }> } | undefined;
/** schema.json (generated from api/): the output properties of each resource, and the version. */
function packageSchema() {
  return (schema ??= JSON.parse(readFileSync(join(ROOT, "schema.json"), "utf8")));
}

/** The outputs of a dynamic class, as the plugin class has them too. */
type OutputsOf<R> = Omit<R, keyof pulumi.CustomResource>;
type PluginClass<Args, R> = {
  new (name: string, args: Args, opts?: pulumi.CustomResourceOptions): pulumi.CustomResource & OutputsOf<R>;
};

function pluginResource<Args extends object, R>(type: string): PluginClass<Args, R> {
  const token = `orgs:index:${type}`;
  class PluginResource extends pulumiRuntime.CustomResource {
    constructor(name: string, args: Args, opts: pulumi.CustomResourceOptions = {}) {
      const s = packageSchema();
      const outputs = Object.fromEntries(Object.keys(s.resources[token]!.properties).map((k) => [k, undefined]));
      // The version selects the installed plugin (`pulumi plugin install`); one on PATH serves any.
      super(token, name, { ...outputs, ...args }, { version: s.version, ...opts });
    }
  }
  Object.defineProperty(PluginResource, "name", { value: type });
  return PluginResource as unknown as PluginClass<Args, R>;
}

export const Organization = pluginResource<dynamicSdk.OrganizationArgs, dynamicSdk.Organization>("Organization");
export type Organization = InstanceType<typeof Organization>;
export const Project = pluginResource<dynamicSdk.ProjectArgs, dynamicSdk.Project>("Project");
export type Project = InstanceType<typeof Project>;
export const Role = pluginResource<dynamicSdk.RoleArgs, dynamicSdk.Role>("Role");
export type Role = InstanceType<typeof Role>;
export const Team = pluginResource<dynamicSdk.TeamArgs, dynamicSdk.Team>("Team");
export type Team = InstanceType<typeof Team>;
export const Member = pluginResource<dynamicSdk.MemberArgs, dynamicSdk.Member>("Member");
export type Member = InstanceType<typeof Member>;
export const ProjectAccess = pluginResource<dynamicSdk.ProjectAccessArgs, dynamicSdk.ProjectAccess>("ProjectAccess");
export type ProjectAccess = InstanceType<typeof ProjectAccess>;
export const Members = pluginResource<dynamicSdk.MembersArgs, dynamicSdk.Members>("Members");
export type Members = InstanceType<typeof Members>;
export const ProjectAccessSet = pluginResource<dynamicSdk.ProjectAccessSetArgs, dynamicSdk.ProjectAccessSet>("ProjectAccessSet");
export type ProjectAccessSet = InstanceType<typeof ProjectAccessSet>;

export interface ProviderArgs {
  /** Base URL of the orgs API. Default: stack config orgs:apiUrl, then ORGS_API_URL. */
  apiUrl?: pulumi.Input<string>;
  /** API token (kept secret). Default: stack config orgs:apiToken, then ORGS_API_TOKEN. */
  apiToken?: pulumi.Input<string>;
}

/** An explicit orgs provider (`{ provider }` on a resource): another server, or another token. */
export class Provider extends pulumiRuntime.ProviderResource {
  constructor(name: string, args: ProviderArgs = {}, opts: pulumi.ResourceOptions = {}) {
    const apiToken = args.apiToken === undefined ? undefined : pulumiRuntime.secret(args.apiToken);
    super("orgs", name, { apiUrl: args.apiUrl, apiToken }, { version: packageSchema().version, ...opts });
  }
}

export type {
  OrganizationArgs,
  ProjectArgs,
  RoleArgs,
  TeamArgs,
  MemberArgs,
  MembersArgs,
  MembersEntryArgs,
  ProjectAccessArgs,
  ProjectAccessSetArgs,
  AccessSetGrantArgs,
  EnvironmentRolesArgs,
  Permission,
} from "../index";
