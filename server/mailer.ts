// Invitations leave through a mailer. The embedded default writes to the outbox table in the
// request's own transaction (readable by the operator at GET /v1/outbox); with ORGS_SMTP_URL set,
// messages go out over SMTP after the transaction commits.
import type { Queryable } from "./store/db";
import { newId } from "./domain/ids";
import { Statement } from "./store/statement";

export interface Mail {
  organizationId: string | null;
  to: string;
  subject: string;
  text: string;
  /** The invitation token the message carries (kept in the outbox for scripted acceptance). */
  invitationToken?: string;
}

export interface Mailer {
  readonly kind: "outbox" | "smtp";
  send(q: Queryable, mail: Mail, afterCommit: (fn: () => Promise<void>) => void): Promise<void>;
}

/**
 * The outbox row of `mail`, as a part of statement `s` (rows from `from` when given: a write that
 * folds its mail into its own statement, sending it only when its row was written).
 */
export function outboxInsert(s: Statement, mail: Mail, from?: string): string {
  const values = [newId("msg"), mail.organizationId, mail.to, mail.subject, mail.text, mail.invitationToken ?? null].map((v) => s.p(v));
  return `INSERT INTO outbox (id, organization_id, to_address, subject, text, invitation_token) SELECT ${values.join(", ")}${from ? ` FROM ${from}` : ""}`;
}

export const outboxMailer: Mailer = {
  kind: "outbox",
  async send(q, mail) {
    const s = new Statement();
    await q.query(outboxInsert(s, mail), s.values);
  },
};

/**
 * SMTP, after the commit. A mail server that is down or slow must not hold the request: connecting
 * and each reply are bounded (nodemailer's defaults wait minutes), and a mail that cannot be sent
 * is reported on stderr whatever ORGS_LOG says, with what to do (the invitation itself is committed).
 */
export async function smtpMailer(
  url: string,
  from: string,
  report: (line: string) => void = (line) => void process.stderr.write(`orgs-server: ${line}\n`),
): Promise<Mailer> {
  const nodemailer = await import("nodemailer");
  const transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    kind: "smtp",
    async send(_q, mail, afterCommit) {
      afterCommit(async () => {
        try {
          await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
        } catch (err) {
          report(
            `mail to ${mail.to} ("${mail.subject}") was not sent: ${(err as Error).message}. The invitation is saved: re-send it once SMTP works (orgs invitation:resend <email>, or POST …/members/{member}/invitation)`,
          );
        }
      });
    },
  };
}
