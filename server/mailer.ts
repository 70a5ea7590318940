// Invitations leave through a mailer. The embedded default writes to the outbox table in the
// request's own transaction (readable by the operator at GET /v1/outbox); with ORGS_SMTP_URL set,
// messages go out over SMTP after the transaction commits.
import type { Queryable } from "./store/db";
import { insertOutboxMail } from "./store/outbox";

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

export const outboxMailer: Mailer = {
  kind: "outbox",
  async send(q, mail) {
    await insertOutboxMail(q, mail);
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
