// The outbox: mail the embedded mailer keeps instead of sending (server/mailer.ts), read by the
// operator at GET /v1/outbox.
import type { Mail } from "../mailer";
import { newId } from "../domain/ids";
import type { Queryable } from "./db";
import { Statement } from "./statement";

/**
 * The outbox row of `mail`, as a part of statement `s` (rows from `from` when given: a write that
 * folds its mail into its own statement, sending it only when its row was written).
 */
export function outboxInsert(s: Statement, mail: Mail, from?: string): string {
  const values = [newId("msg"), mail.organizationId, mail.to, mail.subject, mail.text, mail.invitationToken ?? null].map((v) => s.p(v));
  return `INSERT INTO outbox (id, organization_id, to_address, subject, text, invitation_token) SELECT ${values.join(", ")}${from ? ` FROM ${from}` : ""}`;
}

/** One mail into the outbox, in a statement of its own. */
export async function insertOutboxMail(q: Queryable, mail: Mail): Promise<void> {
  const s = new Statement();
  await q.query(outboxInsert(s, mail), s.values);
}

/** Outbox rows for the invitation mail (the outbox mailer's rows, in one statement). */
export async function insertOutbox(q: Queryable, mails: Mail[]): Promise<void> {
  if (!mails.length) return;
  await q.query(
    `INSERT INTO outbox (id, organization_id, to_address, subject, text, invitation_token)
     SELECT v.id, v.org, v.to_address, v.subject, v.text, v.token FROM jsonb_to_recordset($1::jsonb) AS v(id text, org text, to_address text, subject text, text text, token text)`,
    [
      JSON.stringify(
        mails.map((m) => ({ id: newId("msg"), org: m.organizationId, to_address: m.to, subject: m.subject, text: m.text, token: m.invitationToken ?? null })),
      ),
    ],
  );
}

export interface OutboxRow {
  id: string;
  to_address: string;
  subject: string;
  text: string;
  invitation_token: string | null;
  created_at: Date;
}

/**
 * A page of the outbox after the ID `after`, to `to` when given. `orgIds` (a restricted token's
 * organizations) keeps only those organizations' mail: no sign-in link, nothing of another one.
 */
export async function selectOutboxPage(
  q: Queryable,
  f: { to: string | null; orgIds: string[] | null },
  after: string | null,
  limit: number,
): Promise<OutboxRow[]> {
  return q.query<OutboxRow>(
    `SELECT id, to_address, subject, text, invitation_token, created_at FROM outbox
      WHERE ($1::text IS NULL OR lower(to_address) = lower($1)) AND ($2::text IS NULL OR id > $2)
        AND ($4::text[] IS NULL OR organization_id = ANY($4))
      ORDER BY id LIMIT $3`,
    [f.to, after, limit, f.orgIds],
  );
}
