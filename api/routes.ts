// The route table: every endpoint of the org API, keyed by operation ID. The server registers a
// handler for each key (the compiler checks none is missing), the client calls by key, and the
// OpenAPI document is generated from it.
import { z } from "zod";
import { page, PageQuery } from "./common";
import type { ErrorCode } from "./errors";
import * as Q from "./requests";
import * as R from "./resources";
import { sessionRoutes } from "./sessions";
import * as S from "./sets";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export interface RouteDef {
  method: Method;
  path: string;
  summary: string;
  /**
   * none: public; optional: public, and a token when sent must be valid (the handler sees who
   * called); account: any valid token; operator: the server's operator account.
   */
  auth?: "none" | "optional" | "account" | "operator";
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  /**
   * The errors this route's handler raises. Those of the conventions every route of its kind shares
   * (authentication, body and query parsing, idempotency keys, 404 for unknown IDs, 2FA) are added by
   * api/openapi.ts; listing precondition_failed declares that the route honours If-Match.
   */
  errors?: readonly ErrorCode[];
  /** A PUT that creates what is not there yet: 201 then, `status` when it changes what is. */
  creates?: boolean;
  /** Honours `If-None-Match: *`, which makes the PUT create-only (412 when it exists). */
  createOnly?: boolean;
  /** Whether a 201 carries a Location (default true): not when nothing addressable was created. */
  location?: boolean;
  /** Authenticated by the browser session's cookie (api/sessions.ts), not by a bearer token. */
  session?: boolean;
  /** A body limit of its own (default 1 MiB): the set endpoints take whole memberships. */
  bodyLimit?: number;
}

const org = "/v1/organizations/{org}";
const member = `${org}/members/{member_id}`;
const project = "/v1/projects/{project_id}";

export const routes = {
  // Accounts and self-service
  createAccount: {
    method: "POST",
    path: "/v1/accounts",
    auth: "optional",
    summary: "Sign up: create an account and its first API token",
    body: Q.AccountCreate,
    response: z.object({ account: R.Account, token: R.ApiTokenCreated }),
    status: 201,
    errors: ["already_exists", "forbidden"],
  },
  getMe: { method: "GET", path: "/v1/me", summary: "The caller's account and memberships", response: R.Me },
  updateMe: { method: "PATCH", path: "/v1/me", summary: "Change the caller's name", body: Q.AccountUpdate, response: R.Account },
  listMyInvitations: {
    method: "GET",
    path: "/v1/me/invitations",
    summary: "Invitations addressed to the caller's email, with their organizations' slugs and names",
    query: PageQuery,
    response: page(R.MyInvitation),
  },
  listTokens: { method: "GET", path: "/v1/me/tokens", summary: "The caller's API tokens (never the secrets)", query: PageQuery, response: page(R.ApiToken) },
  createToken: {
    method: "POST",
    path: "/v1/me/tokens",
    summary: "Create an API token; the secret is returned once",
    body: Q.TokenCreate,
    response: R.ApiTokenCreated,
    status: 201,
    errors: ["privilege_escalation"],
  },
  deleteToken: { method: "DELETE", path: "/v1/me/tokens/{token_id}", summary: "Revoke an API token", status: 204, errors: ["not_found"] },
  enrollTwoFactor: {
    method: "POST",
    path: "/v1/me/two-factor",
    summary: "Start TOTP enrolment: returns the secret to load into an authenticator",
    response: R.TwoFactorEnrollment,
    status: 201,
    location: false,
    errors: ["already_exists", "forbidden"],
  },
  confirmTwoFactor: {
    method: "POST",
    path: "/v1/me/two-factor/confirm",
    summary: "Confirm enrolment with a current code; enables 2FA",
    body: Q.TwoFactorCode,
    response: R.Account,
    errors: ["invalid_two_factor_code", "forbidden"],
  },
  disableTwoFactor: {
    method: "DELETE",
    path: "/v1/me/two-factor",
    summary: "Disable 2FA with a current code",
    body: Q.TwoFactorCode,
    status: 204,
    errors: ["invalid_two_factor_code", "not_found", "forbidden"],
  },
  acceptInvitation: {
    method: "POST",
    path: "/v1/invitations/accept",
    summary: "Accept an invitation with the token from its email",
    body: Q.InvitationAccept,
    response: R.Member,
    errors: ["email_mismatch", "two_factor_required", "not_found", "invitation_expired", "already_member", "forbidden"],
  },
  listOutbox: {
    method: "GET",
    path: "/v1/outbox",
    auth: "operator",
    summary: "Mail the embedded mailer has sent (operator only)",
    query: PageQuery.extend({ to: z.string().optional() }),
    response: page(R.OutboxMessage),
  },
  // Browser sign-in for the admin page
  ...sessionRoutes,

  // Organizations
  createOrganization: {
    method: "POST",
    path: "/v1/organizations",
    summary: "Create an organization; the caller becomes its owner",
    body: Q.OrganizationCreate,
    response: R.Organization,
    status: 201,
    errors: ["already_exists", "two_factor_required", "forbidden"],
  },
  listOrganizations: {
    method: "GET",
    path: "/v1/organizations",
    summary: "Organizations the caller belongs to",
    query: Q.OrganizationListQuery,
    response: page(R.Organization),
  },
  getOrganization: { method: "GET", path: org, summary: "An organization", response: R.Organization, errors: ["not_found"] },
  updateOrganization: {
    method: "PATCH",
    path: org,
    summary: "Change an organization",
    body: Q.OrganizationUpdate,
    response: R.Organization,
    errors: ["forbidden", "already_exists", "precondition_failed", "immutable_field", "two_factor_required"],
  },
  deleteOrganization: {
    method: "DELETE",
    path: org,
    summary: "Delete an organization with no projects (owner only)",
    status: 204,
    errors: ["forbidden", "organization_has_projects", "precondition_failed"],
  },
  transferOwnership: {
    method: "POST",
    path: `${org}/ownership-transfer`,
    summary: "Make another active member the owner",
    body: Q.OwnershipTransfer,
    response: R.Organization,
    errors: ["forbidden", "target_not_active_member"],
  },
  getBillingAddress: { method: "GET", path: `${org}/billing/address`, summary: "Billing address", response: R.BillingAddress, errors: ["forbidden"] },
  putBillingAddress: {
    method: "PUT",
    path: `${org}/billing/address`,
    summary: "Replace the billing address",
    body: Q.BillingAddressUpdate,
    response: R.BillingAddress,
    errors: ["forbidden", "precondition_failed"],
  },
  getBillingProfile: { method: "GET", path: `${org}/billing/profile`, summary: "Billing profile", response: R.BillingProfile, errors: ["forbidden"] },
  updateBillingProfile: {
    method: "PATCH",
    path: `${org}/billing/profile`,
    summary: "Change the billing profile",
    body: Q.BillingProfileUpdate,
    response: R.BillingProfile,
    errors: ["forbidden", "precondition_failed"],
  },
  listSubscriptions: {
    method: "GET",
    path: `${org}/subscriptions`,
    summary: "Subscriptions of the organization",
    query: PageQuery,
    response: page(R.Subscription),
    errors: ["forbidden"],
  },

  // Members and invitations
  listMembers: { method: "GET", path: `${org}/members`, summary: "Members and pending invitations", query: Q.MemberListQuery, response: page(R.Member) },
  createMember: {
    method: "POST",
    path: `${org}/members`,
    summary: "Invite a person by email",
    body: Q.MemberCreate,
    response: R.Member,
    status: 201,
    errors: ["forbidden", "already_member", "privilege_escalation", "invitation_quota_exceeded"],
  },
  getMember: { method: "GET", path: member, summary: "A member", response: R.Member, errors: ["not_found"] },
  updateMember: {
    method: "PATCH",
    path: member,
    summary: "Replace a member's roles, teams or permissions",
    body: Q.MemberUpdate,
    response: R.Member,
    errors: [
      "forbidden",
      "self_modification",
      "privilege_escalation",
      "precondition_failed",
      "owner_has_all_permissions",
      "last_role",
      "last_team",
      "cannot_remove_owner",
    ],
  },
  deleteMember: {
    method: "DELETE",
    path: member,
    summary: "Remove a member or revoke an invitation; members may remove themselves",
    status: 204,
    errors: ["forbidden", "not_found", "cannot_remove_owner", "precondition_failed"],
  },
  addMemberRole: {
    method: "PUT",
    path: `${member}/roles/{role_id}`,
    summary: "Give a member one more role",
    response: R.Member,
    errors: ["forbidden", "self_modification", "privilege_escalation", "cannot_remove_owner", "precondition_failed"],
  },
  removeMemberRole: {
    method: "DELETE",
    path: `${member}/roles/{role_id}`,
    summary: "Take one role from a member",
    status: 204,
    errors: ["forbidden", "last_role", "self_modification", "cannot_remove_owner", "precondition_failed"],
  },
  resendInvitation: {
    method: "POST",
    path: `${member}/invitation`,
    summary: "Re-send the invitation with a new 7-day expiry",
    response: R.Member,
    errors: ["forbidden", "member_active", "invitation_quota_exceeded", "precondition_failed"],
  },
  planMembers: {
    method: "POST",
    path: `${org}/members:plan`,
    summary: "Plan the organization's whole membership: what an apply of the same body would invite, update and remove (writes nothing)",
    body: S.MemberSetRequest,
    response: S.MemberSetPlan,
    bodyLimit: S.SET_BODY_LIMIT,
    errors: ["forbidden", "too_many_removals"],
  },
  applyMembers: {
    method: "POST",
    path: `${org}/members:apply`,
    summary: "Apply the organization's whole membership in one transaction, if it is still at the plan's membership_version (If-Match)",
    body: S.MemberSetRequest,
    response: S.MemberSetResult,
    bodyLimit: S.SET_BODY_LIMIT,
    errors: [
      "forbidden",
      "self_modification",
      "privilege_escalation",
      "owner_has_all_permissions",
      "cannot_remove_owner",
      "too_many_removals",
      "invitation_quota_exceeded",
      "precondition_failed",
    ],
  },
  listMemberProjectAccess: {
    method: "GET",
    path: `${member}/project-access`,
    summary: "A member's effective access per project the caller may view, and a count of the others",
    response: R.MemberProjectAccessPage,
    errors: ["forbidden"],
  },

  // Roles
  listRoles: { method: "GET", path: `${org}/roles`, summary: "Roles, built-ins included", query: PageQuery, response: page(R.Role) },
  createRole: {
    method: "POST",
    path: `${org}/roles`,
    summary: "Create a custom role",
    body: Q.RoleCreate,
    response: R.Role,
    status: 201,
    errors: ["forbidden", "already_exists"],
  },
  getRole: { method: "GET", path: `${org}/roles/{role_id}`, summary: "A role", response: R.Role, errors: ["not_found"] },
  updateRole: {
    method: "PATCH",
    path: `${org}/roles/{role_id}`,
    summary: "Change a custom role",
    body: Q.RoleUpdate,
    response: R.Role,
    errors: ["forbidden", "builtin_role", "already_exists", "precondition_failed"],
  },
  deleteRole: {
    method: "DELETE",
    path: `${org}/roles/{role_id}`,
    summary: "Delete an unused custom role",
    status: 204,
    errors: ["forbidden", "builtin_role", "role_in_use", "precondition_failed"],
  },

  // Teams
  listTeams: { method: "GET", path: `${org}/teams`, summary: "Teams", query: PageQuery, response: page(R.Team) },
  createTeam: {
    method: "POST",
    path: `${org}/teams`,
    summary: "Create a team",
    body: Q.TeamCreate,
    response: R.Team,
    status: 201,
    errors: ["forbidden", "already_exists", "team_limit_reached"],
  },
  getTeam: { method: "GET", path: `${org}/teams/{team_id}`, summary: "A team", response: R.Team, errors: ["not_found"] },
  updateTeam: {
    method: "PATCH",
    path: `${org}/teams/{team_id}`,
    summary: "Rename or describe a team",
    body: Q.TeamUpdate,
    response: R.Team,
    errors: ["forbidden", "already_exists", "precondition_failed"],
  },
  deleteTeam: {
    method: "DELETE",
    path: `${org}/teams/{team_id}`,
    summary: "Delete a team (its project grants go with it; members stay)",
    status: 204,
    errors: ["forbidden", "team_is_last_for_members", "precondition_failed"],
  },
  listTeamMembers: { method: "GET", path: `${org}/teams/{team_id}/members`, summary: "A team's members", query: PageQuery, response: page(R.TeamMembership) },
  putTeamMember: {
    method: "PUT",
    path: `${org}/teams/{team_id}/members/{member_id}`,
    summary: "Add a member to a team, or change their team role",
    body: Q.TeamMembershipPut,
    response: R.TeamMembership,
    creates: true,
    errors: ["forbidden", "not_an_organization_member"],
  },
  deleteTeamMember: {
    method: "DELETE",
    path: `${org}/teams/{team_id}/members/{member_id}`,
    summary: "Take a member out of a team",
    status: 204,
    errors: ["forbidden", "last_team"],
  },

  // Projects
  listProjects: { method: "GET", path: `${org}/projects`, summary: "Projects the caller can see", query: Q.ProjectListQuery, response: page(R.Project) },
  createProject: {
    method: "POST",
    path: `${org}/projects`,
    summary: "Create a project with its sandbox and live environments",
    body: Q.ProjectCreate,
    response: R.Project,
    status: 201,
    errors: ["forbidden", "already_exists"],
  },
  getProject: { method: "GET", path: project, summary: "A project", response: R.Project, errors: ["forbidden"] },
  updateProject: {
    method: "PATCH",
    path: project,
    summary: "Rename or describe a project",
    body: Q.ProjectUpdate,
    response: R.Project,
    errors: ["forbidden", "already_exists", "precondition_failed"],
  },
  deleteProject: {
    method: "DELETE",
    path: project,
    summary: "Delete a project with no access grants",
    status: 204,
    errors: ["forbidden", "project_has_access_grants", "precondition_failed"],
  },
  transferProject: {
    method: "POST",
    path: `${project}/transfer`,
    summary: "Move a project to another organization",
    body: Q.ProjectTransfer,
    response: R.Project,
    errors: ["forbidden", "not_found", "project_has_org_scoped_grants", "already_exists", "precondition_failed"],
  },
  listEnvironments: {
    method: "GET",
    path: `${project}/environments`,
    summary: "The project's environments",
    response: page(R.Environment),
    errors: ["forbidden"],
  },
  getEnvironment: { method: "GET", path: `${project}/environments/{env_id}`, summary: "An environment", response: R.Environment, errors: ["forbidden"] },

  // Project access
  listProjectAccess: {
    method: "GET",
    path: `${project}/access`,
    summary: "Access grants of a project",
    query: Q.ProjectAccessListQuery,
    response: page(R.ProjectAccess),
    errors: ["forbidden"],
  },
  getProjectAccess: {
    method: "GET",
    path: `${project}/access/{principal_type}/{principal_id}`,
    summary: "One grant",
    response: R.ProjectAccess,
    errors: ["forbidden"],
  },
  putProjectAccess: {
    method: "PUT",
    path: `${project}/access/{principal_type}/{principal_id}`,
    summary: "Grant or change access (201 created, 200 updated)",
    body: Q.ProjectAccessPut,
    response: R.ProjectAccess,
    creates: true,
    createOnly: true,
    errors: ["forbidden", "principal_not_in_organization", "account_not_found", "precondition_failed"],
  },
  findAccountForAccess: {
    method: "POST",
    path: `${project}/access:find-account`,
    summary:
      "Find an account by its exact email, to grant it access (project admins only; the email in the body keeps it out of URLs and logs). Writes nothing. 422 account_not_found when no account has it",
    body: Q.AccountFind,
    response: R.AccountMatch,
    errors: ["forbidden", "account_not_found"],
  },
  deleteProjectAccess: {
    method: "DELETE",
    path: `${project}/access/{principal_type}/{principal_id}`,
    summary: "Revoke a grant",
    status: 204,
    errors: ["forbidden", "precondition_failed"],
  },

  planProjectAccess: {
    method: "POST",
    path: `${project}/access:plan`,
    summary: "Plan the project's whole set of grants: what an apply of the same body would grant, change and revoke (writes nothing)",
    body: S.AccessSetRequest,
    response: S.AccessSetPlan,
    bodyLimit: S.SET_BODY_LIMIT,
    errors: ["forbidden", "principal_not_in_organization", "account_not_found", "too_many_removals"],
  },
  applyProjectAccess: {
    method: "POST",
    path: `${project}/access:apply`,
    summary: "Apply the project's whole set of grants in one transaction, if it is still at the plan's access_version (If-Match)",
    body: S.AccessSetRequest,
    response: S.AccessSetResult,
    bodyLimit: S.SET_BODY_LIMIT,
    errors: ["forbidden", "principal_not_in_organization", "account_not_found", "too_many_removals", "precondition_failed"],
  },

  // Audit
  listAuditEvents: {
    method: "GET",
    path: `${org}/audit-events`,
    summary: "Audit events, newest first",
    query: Q.AuditEventQuery,
    response: page(R.AuditEvent),
    errors: ["forbidden"],
  },
  getAuditEvent: {
    method: "GET",
    path: `${org}/audit-events/{event_id}`,
    summary: "One audit event",
    response: R.AuditEvent,
    errors: ["forbidden", "not_found"],
  },
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof routes;
export type OperationId = keyof Routes;

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
type In<T> = T extends z.ZodType ? z.input<T> : undefined;
export type ResponseOf<K extends OperationId> = Routes[K] extends { response: infer S } ? Out<S> : undefined;
export type BodyOf<K extends OperationId> = Routes[K] extends { body: infer S } ? In<S> : undefined;
export type ParsedBodyOf<K extends OperationId> = Routes[K] extends { body: infer S } ? Out<S> : undefined;
export type QueryOf<K extends OperationId> = Routes[K] extends { query: infer S } ? In<S> : undefined;
export type ParsedQueryOf<K extends OperationId> = Routes[K] extends { query: infer S } ? Out<S> : undefined;

/** `{org}` style path parameters of a path template, as a type. */
type ParamNames<P extends string> = P extends `${string}{${infer N}}${infer Rest}` ? N | ParamNames<Rest> : never;
export type ParamsOf<K extends OperationId> = { [N in ParamNames<Routes[K]["path"]>]: string };

export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}
