// Row shapes as SQL returns them, and their mapping to the API's resources.
import type { Organization } from "../../api/resources";

export const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export interface OrgRow {
  id: string;
  slug: string;
  name: string;
  website_url: string | null;
  region: "us" | "eu";
  plan: string;
  require_two_factor: boolean;
  owner_account_id: string;
  owner_member_id: string;
  default_team_id: string;
  default_role_id: string;
  admin_role_id: string;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const ORG_COLUMNS = `o.id, o.slug, o.name, o.website_url, o.region, o.plan, o.require_two_factor, o.owner_account_id,
  (SELECT m.id FROM members m WHERE m.organization_id = o.id AND m.account_id = o.owner_account_id) AS owner_member_id,
  (SELECT t.id FROM teams t WHERE t.organization_id = o.id AND t.is_default) AS default_team_id,
  (SELECT r.id FROM roles r WHERE r.organization_id = o.id AND r.builtin = 'DEFAULT') AS default_role_id,
  (SELECT r.id FROM roles r WHERE r.organization_id = o.id AND r.builtin = 'ADMIN') AS admin_role_id,
  o.created_at, o.updated_at, o.version`;

export function toOrganization(r: OrgRow): Organization {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    website_url: r.website_url,
    region: r.region,
    plan: r.plan,
    require_two_factor: r.require_two_factor,
    owner_account_id: r.owner_account_id,
    owner_member_id: r.owner_member_id,
    default_team_id: r.default_team_id,
    default_role_id: r.default_role_id,
    admin_role_id: r.admin_role_id,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    version: r.version,
  };
}
