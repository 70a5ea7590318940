// The types the resource classes share. Generated from api/ by `npm run generate`: do not edit.
import type * as pulumi from "@pulumi/pulumi";

export interface AccessSetGrant {
  /** admin or viewer. */
  level: ProjectAccessLevel;
  /** Per-environment roles (admin, contributor, viewer or null); default derives from level. */
  environmentRoles?: EnvironmentRoles;
}

export interface AccessSetGrantArgs {
  /** admin or viewer. */
  level: pulumi.Input<ProjectAccessLevel>;
  /** Per-environment roles (admin, contributor, viewer or null); default derives from level. */
  environmentRoles?: pulumi.Input<EnvironmentRolesArgs>;
}

export type EnvironmentRole = "admin" | "contributor" | "viewer";

/** Per-environment roles (admin, contributor, viewer or null); default derives from level. */
export interface EnvironmentRoles {
  /** Role in the sandbox environment: admin, contributor, viewer, or null for none. */
  sandbox?: EnvironmentRole | null;
  /** Role in the live environment: admin, contributor, viewer, or null for none. */
  live?: EnvironmentRole | null;
}

/** Per-environment roles (admin, contributor, viewer or null); default derives from level. */
export interface EnvironmentRolesArgs {
  /** Role in the sandbox environment: admin, contributor, viewer, or null for none. */
  sandbox?: pulumi.Input<EnvironmentRole | null>;
  /** Role in the live environment: admin, contributor, viewer, or null for none. */
  live?: pulumi.Input<EnvironmentRole | null>;
}

export interface MembersEntry {
  /** Roles by ID (role_…) or name, case-insensitively; at least one. Left out: DEFAULT for an invitation, not managed for an existing member. */
  roles?: string[];
  /** Teams by ID (team_…) or name; at least one. Left out: the default team for an invitation, not managed for an existing member. */
  teams?: string[];
  /** Direct permissions: billing, plans, projects:create, members. Left out: not managed. */
  permissions?: Permission[];
  /** Added to the invitation mail (sent once). */
  note?: string;
  /** The member's ID (mem_…). */
  id: string;
  /** invited, active or expired. */
  status: MemberStatus;
}

export interface MembersEntryArgs {
  /** Roles by ID (role_…) or name, case-insensitively; at least one. Left out: DEFAULT for an invitation, not managed for an existing member. */
  roles?: pulumi.Input<pulumi.Input<string>[]>;
  /** Teams by ID (team_…) or name; at least one. Left out: the default team for an invitation, not managed for an existing member. */
  teams?: pulumi.Input<pulumi.Input<string>[]>;
  /** Direct permissions: billing, plans, projects:create, members. Left out: not managed. */
  permissions?: pulumi.Input<pulumi.Input<Permission>[]>;
  /** Added to the invitation mail (sent once). */
  note?: pulumi.Input<string>;
}

export type MemberStatus = "invited" | "active" | "expired";

export type Permission = "billing" | "plans" | "projects:create" | "members";

export type PrincipalType = "members" | "roles" | "teams" | "accounts";

export type ProjectAccessLevel = "admin" | "viewer";

export type Region = "us" | "eu";
