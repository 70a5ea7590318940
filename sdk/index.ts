// The orgs Pulumi package: one resource class per object of the org API. Each is a
// pulumi.dynamic.Resource whose provider (provider/<name>.ts) runs in Pulumi's dynamic-provider
// host; configure it with `orgs:apiUrl` and `orgs:apiToken` (secret), or ORGS_API_URL and ORGS_API_TOKEN.
export { Organization, type OrganizationArgs } from "./organization";
export { Project, type ProjectArgs } from "./project";
export { Role, type RoleArgs } from "./role";
export { Team, type TeamArgs } from "./team";
export { Member, type MemberArgs } from "./member";
export { Members, type MembersArgs, type MembersEntryArgs, type MembersEntry } from "./members-set";
export { ProjectAccessSet, type ProjectAccessSetArgs, type AccessSetGrantArgs } from "./access-set";
export { ProjectAccess, type ProjectAccessArgs, type EnvironmentRolesArgs, type EnvironmentRole } from "./project-access";

export type { Permission } from "./types";
