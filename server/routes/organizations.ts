// Organizations, their billing sub-resources, subscriptions and ownership transfer.
import { PERMISSIONS } from "../../api/common";
import type { BillingAddress, BillingProfile } from "../../api/resources";
import type { Caller, Ctx, Handlers } from "../context";
import { authorize, orgAccess, requireUnrestrictedToken } from "../domain/access";
import { audit, diffFields, newValues } from "../domain/audit";
import { recordDeletion } from "../domain/deleted";
import { checkIfMatch } from "../http/etag";
import { decodeCursor, pageOf } from "../http/pages";
import { newId } from "../domain/ids";
import { iso, toOrganization } from "../domain/rows";
import { fail, invalid } from "../errors";
import { reply } from "../http/reply";
import { insertBillingAddress, insertBillingProfile, selectBilling, type BillingTable } from "../store/billing";
import type { Queryable } from "../store/db";
import { deleteMemberRoles, insertMemberRole, insertMemberRoles, insertOwnerMember, lockMemberAccount } from "../store/members";
import { nameHolder } from "../store/names";
import { deleteOrganization, insertOrganization, selectOrg, selectOrgPageOf } from "../store/organizations";
import { countProjects, selectProjectStarts } from "../store/projects";
import { insertBuiltinRoles, selectRoleIdsIn } from "../store/roles";
import { insertDefaultTeam, insertTeamMaintainer } from "../store/teams";
import { BILLING_ADDRESS_COLUMNS, BILLING_PROFILE_COLUMNS, updateVersioned } from "../store/versioned";

async function reload(q: Queryable, id: string) {
  return toOrganization((await selectOrg(q, id))!);
}

async function slugTaken(q: Queryable, slug: string, exceptId?: string) {
  return (await nameHolder(q, "organization", slug, { orgId: null, exceptId })) !== undefined;
}

export const organizationHandlers = {
  async createOrganization(ctx) {
    const b = ctx.body;
    // The new organization would be outside the token's own: only an unrestricted token creates one.
    requireUnrestrictedToken(ctx.caller, "create an organization");
    if (b.require_two_factor) requireOwnTwoFactor(ctx.caller);
    if (await slugTaken(ctx.q, b.slug))
      fail("already_exists", `organization slug ${b.slug} is taken`, { errors: [{ field: "/slug", code: "already_exists", message: "is taken" }] });
    const id = newId("org");
    const [defaultRole, adminRole, team, member] = [newId("role"), newId("role"), newId("team"), newId("mem")];
    const caller = ctx.caller;
    await insertOrganization(
      ctx.q,
      {
        id,
        slug: b.slug,
        name: b.name,
        websiteUrl: b.website_url ?? null,
        region: b.region,
        plan: b.plan ?? "free",
        requireTwoFactor: b.require_two_factor ?? false,
        ownerAccountId: caller.accountId,
      },
      ctx.now,
    );
    await insertBuiltinRoles(ctx.q, id, { defaultRole, adminRole }, PERMISSIONS, ctx.now);
    await insertDefaultTeam(ctx.q, team, id, ctx.now);
    await insertOwnerMember(ctx.q, { id: member, orgId: id, email: caller.email, accountId: caller.accountId }, ctx.now);
    await insertMemberRole(ctx.q, member, adminRole);
    await insertTeamMaintainer(ctx.q, team, member, ctx.now);
    await insertBillingAddress(ctx.q, id);
    await insertBillingProfile(ctx.q, id);
    await audit(ctx, { organizationId: id, action: "organization.created", target: { type: "organization", id, display_name: b.slug } });
    const org = await reload(ctx.q, id);
    return reply({ status: 201, body: org, headers: { location: `/v1/organizations/${id}` } });
  },

  async listOrganizations(ctx) {
    const limit = ctx.query.limit ?? 30;
    const after = decodeCursor(ctx.query.cursor);
    const rows = await selectOrgPageOf(ctx.q, ctx.caller.accountId, { slug: ctx.query.slug ?? null, orgIds: ctx.caller.tokenOrgIds }, after, limit + 1);
    return pageOf(rows, limit, (r) => r.id, toOrganization);
  },

  async getOrganization(ctx) {
    return toOrganization((await orgAccess(ctx, ctx.params.org)).org);
  },

  async updateOrganization(ctx) {
    const a = await orgAccess(ctx, ctx.params.org, { forUpdate: true });
    const { region, ...b } = ctx.body;
    // Authorize on what was asked, not on what would change: a no-op PATCH
    // from a member without the permission is still a 403.
    const asked = Object.keys(ctx.body).filter((k) => (ctx.body as Record<string, unknown>)[k] !== undefined);
    if (asked.length === 0 || asked.some((k) => k !== "plan")) authorize(a, "admin");
    if (asked.includes("plan")) authorize(a, "admin", "plans");
    if (region !== undefined && region !== a.org.region) {
      invalid("/region", `region is ${a.org.region} and cannot be changed after creation`, "immutable_field", "immutable");
    }
    const changes = diffFields(a.org as unknown as Record<string, unknown>, b);
    const { plan, ...settings } = changes;
    if (changes.require_two_factor?.[1] === true) requireOwnTwoFactor(ctx.caller);
    checkIfMatch(ctx, a.org.version, `organization ${a.org.slug}`);
    if (!Object.keys(changes).length) return toOrganization(a.org);
    if (b.slug && changes.slug && (await slugTaken(ctx.q, b.slug, a.org.id))) {
      fail("already_exists", `organization slug ${b.slug} is taken`, { errors: [{ field: "/slug", code: "already_exists", message: "is taken" }] });
    }
    await updateVersioned(ctx.q, "organizations", { id: a.org.id }, newValues(changes), ctx.now);
    const target = { type: "organization", id: a.org.id, display_name: b.slug ?? a.org.slug };
    if (Object.keys(settings).length) await audit(ctx, { organizationId: a.org.id, action: "organization.updated", target, changes: settings });
    if (plan) await audit(ctx, { organizationId: a.org.id, action: "plan.changed", target, changes: { plan } });
    return reload(ctx.q, a.org.id);
  },

  async deleteOrganization(ctx) {
    const a = await orgAccess(ctx, ctx.params.org, { forUpdate: true });
    authorize(a, "owner");
    checkIfMatch(ctx, a.org.version, `organization ${a.org.slug}`);
    const n = await countProjects(ctx.q, a.org.id);
    if (n > 0) fail("organization_has_projects", `organization ${a.org.slug} still has ${n} project(s): delete or transfer them first`, { project_count: n });
    await audit(ctx, { organizationId: a.org.id, action: "organization.deleted", target: { type: "organization", id: a.org.id, display_name: a.org.slug } });
    await recordDeletion(ctx, a.org.id, a.org.id);
    await deleteOrganization(ctx.q, a.org.id);
  },

  async transferOwnership(ctx) {
    const a = await orgAccess(ctx, ctx.params.org, { forUpdate: true });
    authorize(a, "owner");
    const target = await lockMemberAccount(ctx.q, a.org.id, ctx.body.new_owner_member_id);
    if (!target || !target.account_id) {
      fail(
        "target_not_active_member",
        `member ${ctx.body.new_owner_member_id} is not an active member of ${a.org.slug}: only members who accepted their invitation can become owner`,
      );
    }
    if (target.account_id === a.org.owner_account_id) return toOrganization(a.org);
    const roleIds = ctx.body.previous_owner_role_ids ?? [a.org.admin_role_id];
    const found = await selectRoleIdsIn(ctx.q, a.org.id, roleIds);
    const missing = roleIds.filter((r) => !found.some((f) => f.id === r));
    if (missing.length) invalid("/previous_owner_role_ids", `role ${missing[0]} is not a role of ${a.org.slug}`);
    await updateVersioned(ctx.q, "organizations", { id: a.org.id }, { owner_account_id: target.account_id }, ctx.now);
    await deleteMemberRoles(ctx.q, a.org.owner_member_id);
    await insertMemberRoles(ctx.q, a.org.owner_member_id, roleIds);
    // The owner holds every permission implicitly and may not hold explicit ones.
    await updateVersioned(ctx.q, "members", { id: target.id }, { permissions: [] }, ctx.now);
    await updateVersioned(ctx.q, "members", { id: a.org.owner_member_id }, {}, ctx.now);
    await audit(ctx, {
      organizationId: a.org.id,
      action: "ownership.transferred",
      target: { type: "member", id: target.id, display_name: target.email },
      changes: { owner_account_id: [a.org.owner_account_id, target.account_id] },
    });
    return reload(ctx.q, a.org.id);
  },

  async getBillingAddress(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin", "billing");
    return selectBilling<BillingAddress>(ctx.q, "billing_addresses", a.org.id);
  },

  async putBillingAddress(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin", "billing");
    // PUT replaces: fields left out become null.
    return writeBilling<BillingAddress>(ctx, a.org, "billing_addresses", "billing.address_updated", () =>
      Object.fromEntries(BILLING_ADDRESS_COLUMNS.map((f) => [f, ctx.body[f] ?? null])),
    );
  },

  async getBillingProfile(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin", "billing");
    return selectBilling<BillingProfile>(ctx.q, "billing_profiles", a.org.id);
  },

  async updateBillingProfile(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin", "billing");
    // PATCH merges: fields left out keep their value.
    return writeBilling<BillingProfile>(ctx, a.org, "billing_profiles", "billing.profile_updated", (prev) => ({
      ...Object.fromEntries(BILLING_PROFILE_COLUMNS.map((f) => [f, prev[f]])),
      ...ctx.body,
    }));
  },

  async listSubscriptions(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin", "billing", "plans");
    // The organization's plan, then one subscription per project.
    const projects = await selectProjectStarts(ctx.q, a.org.id);
    const all = [
      { id: `sub_${a.org.id.slice(4)}`, plan: a.org.plan, status: "active" as const, project_id: null, started_at: iso(a.org.created_at)! },
      ...projects.map((p) => ({ id: `sub_${p.id.slice(4)}`, plan: a.org.plan, status: "active" as const, project_id: p.id, started_at: iso(p.created_at)! })),
    ];
    const limit = ctx.query.limit ?? 30;
    const after = decodeCursor(ctx.query.cursor);
    const rest = after ? all.filter((s) => s.id > after) : all;
    return pageOf(
      rest.slice(0, limit + 1),
      limit,
      (s) => s.id,
      (s) => s,
    );
  },
} satisfies Partial<Handlers>;

// Turning the requirement on without 2FA of one's own would lock the caller out (GitHub refuses too).
function requireOwnTwoFactor(caller: Caller): void {
  if (!caller.twoFactorEnabled) {
    fail("two_factor_required", "enable two-factor authentication on your own account first (POST /v1/me/two-factor), or requiring it would lock you out", {
      errors: [{ field: "/require_two_factor", code: "invalid", message: "needs two-factor authentication on your own account" }],
    });
  }
}

/**
 * Writes an organization's billing address or profile under If-Match: `next` is the whole record
 * from the previous one; nothing changed is no write and no event.
 */
async function writeBilling<T extends { version: number }>(
  ctx: Pick<Ctx, "q" | "now" | "headers" | "caller" | "requestId" | "ip" | "userAgent">,
  org: { id: string; slug: string },
  table: BillingTable,
  action: "billing.address_updated" | "billing.profile_updated",
  next: (prev: T) => Record<string, unknown>,
): Promise<T> {
  const prev = await selectBilling<T>(ctx.q, table, org.id, true);
  checkIfMatch(ctx, prev.version, table === "billing_addresses" ? "the billing address" : "the billing profile");
  const record = next(prev);
  const changes = diffFields(prev as Record<string, unknown>, record);
  if (!Object.keys(changes).length) return prev;
  await updateVersioned(ctx.q, table, { organization_id: org.id }, record, ctx.now);
  await audit(ctx, { organizationId: org.id, action, target: { type: "organization", id: org.id, display_name: org.slug }, changes });
  return selectBilling<T>(ctx.q, table, org.id);
}
