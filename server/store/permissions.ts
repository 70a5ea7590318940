// What a member holds through its roles, written once for every query that reads a member's
// standing: a Member (store/members.ts), the caller in an organization (store/organizations.ts)
// and a member's project access (store/members.ts's selectMemberStanding). Each is an SQL
// expression on the member row aliased `m`.

/** The distinct permissions member `m` holds through its roles (NULL when none). */
export const ROLE_PERMISSIONS_OF_M =
  "(SELECT array_agg(DISTINCT p) FROM member_roles mr JOIN roles r ON r.id = mr.role_id, unnest(r.permissions) p WHERE mr.member_id = m.id)";

/** Whether member `m` holds the built-in ADMIN role (every permission, the admin page, admin on every project). */
export const HOLDS_ADMIN_ROLE_OF_M =
  // An aggregate, not EXISTS: PostgreSQL may run an EXISTS as a hashed subplan over every member's
  // roles (a scan of member_roles per list page, seen at data scale); this one reads the member's own.
  "COALESCE((SELECT bool_or(r.builtin = 'ADMIN') FROM member_roles mr JOIN roles r ON r.id = mr.role_id WHERE mr.member_id = m.id), false)";

/** The distinct permissions the roles with the IDs `ids` (an SQL text[] expression) hold (NULL when none): a member's, before its roles are written. */
export const ROLE_PERMISSIONS_OF_IDS = (ids: string) => `(SELECT array_agg(DISTINCT p) FROM roles r, unnest(r.permissions) p WHERE r.id = ANY(${ids}))`;

/** Whether the roles with the IDs `ids` include the built-in ADMIN role. */
export const HOLDS_ADMIN_ROLE_OF_IDS = (ids: string) => `EXISTS (SELECT 1 FROM roles r WHERE r.id = ANY(${ids}) AND r.builtin = 'ADMIN')`;
