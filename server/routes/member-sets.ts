// POST /v1/organizations/{org}/members:plan and :apply — the organization's whole membership as
// one set. The plan writes nothing; the apply runs the same plan in the request's one transaction,
// with the organization and its members locked, and writes the whole set in a few statements
// (server/store/member-sets.ts): all of it, or nothing.
import type { Ctx, Handlers } from "../context";
import { orgAccess } from "../domain/access";
import type { AuditInput } from "../domain/audit";
import { membershipVersion, planMembers } from "../domain/member-sets";
import { memberStatus, newInvitationToken, sendInvitation } from "../domain/members";
import { newId } from "../domain/ids";
import { fail } from "../errors";
import type { Mail, Mailer } from "../mailer";
import { auditMany } from "../store/audit-events";
import { countInvitations, QUOTA_WINDOW_MS } from "../store/invitation-sends";
import { insertOutbox } from "../store/outbox";
import { deleteMembers, insertMembers, invitationQuotaLeft, loadMemberSet, updateMembers, type NewMember } from "../store/member-sets";

/** Whether an If-Match header names this version (quoted or not, or `*`). */
const matches = (header: string, version: string) =>
  header.split(",").some((t) => {
    const v = t.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
    return v === "*" || v === version;
  });

/** 412 when the apply's If-Match names another version of the set than the current one. */
export function checkSetVersion(ctx: Pick<Ctx, "headers">, version: string, what: string): void {
  const h = ctx.headers["if-match"];
  if (h === undefined || matches(h, version)) return;
  fail("precondition_failed", `${what} changed since the plan (now at ${version}): plan again, review, and apply the new plan`, {
    current_etag: `"${version}"`,
  });
}

const memberTarget = (id: string, email: string) => ({ type: "member", id, display_name: email });

export const memberSetHandlers = {
  async planMembers(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    const state = await loadMemberSet(ctx.q, a.org.id, false);
    return planMembers(ctx.body, state, a, ctx.caller.accountId, ctx.now, await invitationQuotaLeft(ctx, a.org.id)).plan;
  },

  async applyMembers(ctx) {
    // The organization row is locked first: two applies to one organization run one after the other.
    const a = await orgAccess(ctx, ctx.params.org, { forUpdate: true });
    const state = await loadMemberSet(ctx.q, a.org.id, true);
    checkSetVersion(ctx, membershipVersion(state.members), `the membership of ${a.org.slug}`);
    const { plan, invites, updates, removals } = planMembers(ctx.body, state, a, ctx.caller.accountId, ctx.now, await invitationQuotaLeft(ctx, a.org.id));
    const events: AuditInput[] = [];
    const orgId = a.org.id;

    if (invites.length) {
      const expiresAt = new Date(ctx.now.getTime() + ctx.config.invitationTtlMs);
      // The outbox mailer's rows go in with one statement; an SMTP mailer sends after the commit, as for one invitation.
      const mails: Mail[] = [];
      const collecting: Mailer = ctx.mailer.kind === "outbox" ? { kind: "outbox", send: async (_q, mail) => void mails.push(mail) } : ctx.mailer;
      const rows: NewMember[] = [];
      for (const s of invites) {
        const { token, hash } = newInvitationToken();
        const id = newId("mem");
        const note = s.entry.note ?? null;
        rows.push({ id, email: s.entry.email, permissions: s.permissions, hash, note, role_ids: s.roleIds, team_ids: s.teamIds });
        await sendInvitation({ ...ctx, mailer: collecting }, a.org, s.entry.email, token, expiresAt, note);
        events.push({
          organizationId: orgId,
          action: "invitation.created",
          target: memberTarget(id, s.entry.email),
          changes: { role_ids: [null, s.roleIds], team_ids: [null, s.teamIds], permissions: [null, s.permissions] },
        });
      }
      const inserted = await insertMembers(ctx, orgId, expiresAt, rows);
      if (inserted.length !== rows.length) {
        const missed = rows.filter((r) => !inserted.includes(r.id)).map((r) => r.email);
        fail(
          "precondition_failed",
          `the membership of ${a.org.slug} changed since the plan: ${missed.slice(0, 5).join(", ")} was invited meanwhile: plan again`,
        );
      }
      await insertOutbox(ctx.q, mails);
    }

    if (updates.length) {
      await updateMembers(
        ctx,
        updates.map((s) => ({ id: s.member.id, role_ids: s.roleIds, team_ids: s.teamIds, permissions: s.permissions })),
      );
      for (const s of updates) {
        const onlyPermissions = s.permissions && !s.roleIds && !s.teamIds;
        events.push({
          organizationId: orgId,
          action: onlyPermissions ? "member.permissions_changed" : "member.updated",
          target: memberTarget(s.member.id, s.member.email),
          changes: s.changes,
        });
      }
    }

    if (removals.length) {
      const byId = new Map(removals.map((m) => [m.id, m]));
      const grants = await deleteMembers(
        ctx.q,
        orgId,
        removals.map((m) => m.id),
      );
      // Their direct project grants go with them, each with its own event (org-api.md §1 Member).
      for (const g of grants) {
        events.push({
          organizationId: orgId,
          action: "project_access.revoked",
          projectId: g.project_id,
          target: { type: "project_access", id: `${g.project_id}/members/${g.principal_id}`, display_name: byId.get(g.principal_id)?.email ?? null },
          changes: { role: [g.role, null] },
        });
      }
      for (const m of removals) {
        events.push({
          organizationId: orgId,
          action: m.joined_at ? "member.removed" : "invitation.revoked",
          target: memberTarget(m.id, m.email),
          changes: { role_ids: [m.role_ids, null], team_ids: [m.team_ids, null] },
        });
      }
    }
    await auditMany(ctx, events);

    // Counted last before the commit, as one invitation is: the quota row stays locked until then.
    if (invites.length) {
      const { sent, oldest } = await countInvitations(ctx.q, orgId, ctx.now, invites.length);
      if (sent > ctx.config.invitationQuota) {
        const left = Math.max(0, ctx.config.invitationQuota - (sent - invites.length));
        const retryAfter = Math.max(1, Math.ceil((new Date(oldest).getTime() + QUOTA_WINDOW_MS - ctx.now.getTime()) / 1000));
        fail(
          "invitation_quota_exceeded",
          `the plan sends ${invites.length} invitations and the organization's quota (${ctx.config.invitationQuota} per 24 hours) has ${left} left: ` +
            `nothing was applied; invite fewer at a time (the quota frees up from ${Math.ceil(retryAfter / 60)} minutes on), or ask the operator to raise ORGS_INVITATION_QUOTA`,
          { headers: { "retry-after": String(retryAfter) } },
        );
      }
    }

    const after = (invites.length || updates.length || removals.length ? await loadMemberSet(ctx.q, orgId, false) : state).members;
    return {
      ...plan,
      membership_version: membershipVersion(after),
      members: after.map((m) => ({
        email: m.email,
        id: m.id,
        status: memberStatus(m, ctx.now),
        role_ids: m.role_ids,
        team_ids: m.team_ids,
        permissions: m.permissions,
        is_owner: m.is_owner,
      })),
    };
  },
} satisfies Partial<Handlers>;
