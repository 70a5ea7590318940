// Rows as SQL returns them (server/store/), mapped to the API's resources.
import type { Organization } from "../../api/resources";
import type { OrgRow } from "../store/organizations";

export const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

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
