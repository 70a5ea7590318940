// The invitee's side: invitations addressed to me, accepting one; and the operator's outbox.
import type { Handlers } from "../context";
import { audit } from "../domain/audit";
import { decodeCursor, pageOf } from "../http/pages";
import { loadMember, memberStatus, toMember } from "../domain/members";
import { lockInvitationByTokenHash, selectInvitationsTo, selectMemberIdOfAccount } from "../store/members";
import { iso } from "../domain/rows";
import { fail } from "../errors";
import { requireUnrestrictedToken } from "../domain/access";
import { hashToken } from "../domain/ids";
import { selectOutboxPage } from "../store/outbox";
import { updateVersioned } from "../store/versioned";

export const invitationHandlers = {
  async acceptInvitation(ctx) {
    const inv = await lockInvitationByTokenHash(ctx.q, hashToken(ctx.body.token));
    // Unknown, revoked, re-sent (the old token) and used tokens all look the same.
    if (!inv) fail("not_found", "no pending invitation has this token: it may have been used, revoked or re-sent");
    requireUnrestrictedToken(ctx.caller, "join another organization");
    if (inv.email.toLowerCase() !== ctx.caller.email.toLowerCase()) {
      fail("email_mismatch", `this invitation is addressed to ${inv.email}, and you are signed in as ${ctx.caller.email}: sign in with that address`);
    }
    if (memberStatus(inv, ctx.now) === "expired") {
      fail("invitation_expired", `the invitation to ${inv.slug} expired on ${iso(inv.invitation_expires_at)}: ask an admin of ${inv.slug} to re-send it`);
    }
    if (inv.require_two_factor && !ctx.caller.twoFactorEnabled) {
      fail("two_factor_required", `${inv.slug} requires two-factor authentication: enrol (POST /v1/me/two-factor, or orgs 2fa:enroll), then accept again`);
    }
    const already = await selectMemberIdOfAccount(ctx.q, inv.organization_id, ctx.caller.accountId);
    if (already) fail("already_member", `you are already a member of ${inv.slug} (${already})`, { existing_id: already });
    await updateVersioned(ctx.q, "members", { id: inv.id }, { account_id: ctx.caller.accountId, joined_at: ctx.now, invitation_token_hash: null }, ctx.now);
    await audit(ctx, { organizationId: inv.organization_id, action: "invitation.accepted", target: { type: "member", id: inv.id, display_name: inv.email } });
    return toMember(await loadMember(ctx.q, inv.organization_id, inv.id), ctx.now);
  },

  async listMyInvitations(ctx) {
    const { limit = 30, cursor } = ctx.query;
    const after = decodeCursor(cursor);
    // A restricted token sees only its organizations, which it is a member of already: none.
    const rows = await selectInvitationsTo(ctx.q, ctx.caller.email, ctx.caller.tokenOrgIds, after, limit + 1);
    return pageOf(
      rows,
      limit,
      (r) => r.id,
      (r) => ({ ...toMember(r, ctx.now), organization_slug: r.organization_slug, organization_name: r.organization_name }),
    );
  },

  async listOutbox(ctx) {
    const { limit = 30, cursor, to } = ctx.query;
    const after = decodeCursor(cursor);
    // A token restricted to some organizations reads only their mail (org-api.md §1 API token):
    // not the sign-in links (which would sign it in as anyone) nor another organization's invitations.
    const rows = await selectOutboxPage(ctx.q, { to: to ?? null, orgIds: ctx.caller.tokenOrgIds }, after, limit + 1);
    return pageOf(
      rows,
      limit,
      (r) => r.id,
      (r) => ({ id: r.id, to: r.to_address, subject: r.subject, text: r.text, invitation_token: r.invitation_token, created_at: iso(r.created_at)! }),
    );
  },
} satisfies Partial<Handlers>;
