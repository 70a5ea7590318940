// The audit log, read-only: newest first, filtered, cursor-paged. Events are written by every
// change in its own transaction (server/domain/audit.ts) and kept for the life of the server.
import type { AuditEvent } from "../../api/resources";
import type { Handlers } from "../context";
import { authorize, orgAccess } from "../domain/access";
import { decodeCursor, pageOf } from "../http/pages";
import { iso } from "../domain/rows";
import { fail } from "../errors";
import { selectAuditEvent, selectAuditEventPage, type EventRow } from "../store/audit-events";

const toEvent = (r: EventRow): AuditEvent => ({ ...r, occurred_at: iso(r.occurred_at)! });

export const auditHandlers = {
  async listAuditEvents(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin");
    const { limit = 30, cursor, since, until, action, actor_id, target_type, target_id, project_id, after } = ctx.query;
    // `action` matches a name (member.added) or a family (member, member.*).
    const family = action?.replace(/\.\*$/, "");
    const rows = await selectAuditEventPage(
      ctx.q,
      a.org.id,
      {
        before: decodeCursor(cursor),
        after: after ?? null,
        since: since ?? null,
        until: until ?? null,
        action: family ?? null,
        actorId: actor_id ?? null,
        targetType: target_type ?? null,
        targetId: target_id ?? null,
        projectId: project_id ?? null,
      },
      limit + 1,
    );
    return pageOf(rows, limit, (r) => r.id, toEvent);
  },

  async getAuditEvent(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin");
    const row = await selectAuditEvent(ctx.q, a.org.id, ctx.params.event_id);
    if (!row) fail("not_found", `audit event ${ctx.params.event_id} not found in ${a.org.slug}`);
    return toEvent(row);
  },
} satisfies Partial<Handlers>;
