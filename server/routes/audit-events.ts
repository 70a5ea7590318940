// The audit log, read-only: newest first, filtered, cursor-paged. Events are written by every
// change in its own transaction (server/domain/audit.ts) and kept for the life of the server.
import type { AuditEvent } from "../../api/resources";
import type { Handlers } from "../context";
import { authorize, orgAccess } from "../domain/access";
import { decodeCursor, pageOf } from "../http/pages";
import { iso } from "../domain/rows";
import { fail } from "../errors";

interface EventRow {
  id: string;
  organization_id: string;
  occurred_at: Date;
  action: string;
  actor: AuditEvent["actor"];
  source_ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  target: AuditEvent["target"];
  project_id: string | null;
  changes: AuditEvent["changes"];
}
const COLUMNS = "id, organization_id, occurred_at, action, actor, source_ip, user_agent, request_id, target, project_id, changes";
const toEvent = (r: EventRow): AuditEvent => ({ ...r, occurred_at: iso(r.occurred_at)! });

export const auditHandlers = {
  async listAuditEvents(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin");
    const { limit = 30, cursor, since, until, action, actor_id, target_type, target_id, project_id, after } = ctx.query;
    // `action` matches a name (member.added) or a family (member, member.*).
    const family = action?.replace(/\.\*$/, "");
    const rows = await ctx.q.query<EventRow>(
      `SELECT ${COLUMNS} FROM audit_events
        WHERE organization_id = $1 AND ($2::text IS NULL OR id < $2) AND ($3::text IS NULL OR id > $3)
          AND ($4::timestamptz IS NULL OR occurred_at >= $4) AND ($5::timestamptz IS NULL OR occurred_at < $5)
          AND ($6::text IS NULL OR action = $6 OR action LIKE $6 || '.%')
          AND ($7::text IS NULL OR actor->>'account_id' = $7)
          AND ($8::text IS NULL OR target->>'type' = $8) AND ($9::text IS NULL OR target->>'id' = $9)
          AND ($10::text IS NULL OR project_id = $10)
        ORDER BY id DESC LIMIT $11`,
      [
        a.org.id,
        decodeCursor(cursor),
        after ?? null,
        since ?? null,
        until ?? null,
        family ?? null,
        actor_id ?? null,
        target_type ?? null,
        target_id ?? null,
        project_id ?? null,
        limit + 1,
      ],
    );
    return pageOf(rows, limit, (r) => r.id, toEvent);
  },

  async getAuditEvent(ctx) {
    const a = await orgAccess(ctx, ctx.params.org);
    authorize(a, "admin");
    const [row] = await ctx.q.query<EventRow>(`SELECT ${COLUMNS} FROM audit_events WHERE organization_id = $1 AND id = $2`, [a.org.id, ctx.params.event_id]);
    if (!row) fail("not_found", `audit event ${ctx.params.event_id} not found in ${a.org.slug}`);
    return toEvent(row);
  },
} satisfies Partial<Handlers>;
