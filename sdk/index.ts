// The orgs Pulumi package: one resource class per object of the org API. Each is a
// pulumi.dynamic.Resource whose provider (provider/<module>.ts) runs in Pulumi's dynamic-provider
// host; configure it with `orgs:apiUrl` and `orgs:apiToken` (secret), or ORGS_API_URL and ORGS_API_TOKEN. Generated from api/ by `npm run generate`: do not edit.
export { Organization, type OrganizationArgs } from "./organization";
export { Project, type ProjectArgs } from "./project";
export { Role, type RoleArgs } from "./role";
export { Team, type TeamArgs } from "./team";
export { Member, type MemberArgs } from "./member";
export { ProjectAccess, type ProjectAccessArgs } from "./project-access";
export { Members, type MembersArgs } from "./members-set";
export { ProjectAccessSet, type ProjectAccessSetArgs } from "./access-set";
export type * from "./types";
