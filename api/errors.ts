// The one catalogue of error codes. Server, client, provider and CLI all speak these codes;
// a test checks each is documented in the README and raised somewhere.

export const ERRORS = {
  // 400
  malformed_json: { status: 400, title: "The request body is not valid JSON" },
  invalid_query: { status: 400, title: "A query parameter is invalid" },
  invalid_header: { status: 400, title: "A request header is invalid" },
  malformed_request: { status: 400, title: "The HTTP request cannot be parsed" },
  // 401 / 403 / 404
  unauthenticated: { status: 401, title: "Authentication required" },
  forbidden: { status: 403, title: "You lack the permission for this action" },
  self_modification: { status: 403, title: "You cannot change your own roles or permissions" },
  privilege_escalation: { status: 403, title: "You cannot grant a permission you do not hold" },
  two_factor_required: { status: 403, title: "Two-factor authentication is required" },
  email_mismatch: { status: 403, title: "The invitation is addressed to another email" },
  not_found: { status: 404, title: "Not found" },
  deleted: { status: 404, title: "The organization or project was deleted" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  unsupported_media_type: { status: 415, title: "The request body must be application/json" },
  payload_too_large: { status: 413, title: "The request body is too large" },
  request_timeout: { status: 408, title: "The request did not arrive in time" },
  headers_too_large: { status: 431, title: "The request's headers are too large" },
  // 409
  already_exists: { status: 409, title: "Already exists" },
  already_member: { status: 409, title: "Already a member or invited" },
  cannot_remove_owner: { status: 409, title: "The owner cannot be removed or demoted" },
  organization_has_projects: { status: 409, title: "The organization still has projects" },
  project_has_access_grants: { status: 409, title: "The project still has access grants" },
  project_has_org_scoped_grants: { status: 409, title: "The project has role or team grants" },
  role_in_use: { status: 409, title: "The role is still in use" },
  team_is_last_for_members: { status: 409, title: "The team is the last team of some members" },
  last_team: { status: 409, title: "A member must keep at least one team" },
  target_not_active_member: { status: 409, title: "The new owner must be an active member" },
  invitation_expired: { status: 409, title: "The invitation has expired" },
  member_active: { status: 409, title: "The member has already accepted" },
  idempotency_key_in_use: { status: 409, title: "A request with this idempotency key is in flight" },
  // 412
  precondition_failed: { status: 412, title: "The resource changed since you read it" },
  // 422
  validation_failed: { status: 422, title: "Validation failed" },
  immutable_field: { status: 422, title: "The field cannot be changed after creation" },
  builtin_role: { status: 422, title: "Built-in roles cannot be changed" },
  owner_has_all_permissions: { status: 422, title: "The owner already has every permission" },
  last_role: { status: 422, title: "A member must keep at least one role" },
  not_an_organization_member: { status: 422, title: "Not a member of this organization" },
  principal_not_in_organization: { status: 422, title: "The principal does not belong to the project's organization" },
  account_not_found: { status: 422, title: "No such account" },
  idempotency_key_reused: { status: 422, title: "The idempotency key was used with another request" },
  invalid_two_factor_code: { status: 422, title: "The two-factor code is not valid" },
  team_limit_reached: { status: 422, title: "The organization has reached its team limit" },
  too_many_removals: { status: 422, title: "The plan removes more than max_removals allows" },
  // 429 / 5xx
  rate_limited: { status: 429, title: "Too many requests" },
  invitation_quota_exceeded: { status: 429, title: "Too many invitations sent" },
  internal: { status: 500, title: "Internal error" },
  unavailable: { status: 503, title: "Service unavailable" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export const problemType = (code: string) => `https://orgs.dev/problems/${code}`;
