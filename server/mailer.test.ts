// The SMTP mailer when the mail server is down: the request's after-commit step ends (it does not
// throw into the request, nor wait minutes), and the operator is told which mail was not sent and
// what to do, whatever the request log says.
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { smtpMailer } from "./mailer";

describe("smtpMailer", () => {
  it("reports a mail it cannot send (SMTP down) and lets the request finish", async () => {
    // A port with nothing listening: the kernel's pick, released.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));

    const lines: string[] = [];
    const mailer = await smtpMailer(`smtp://127.0.0.1:${port}`, "orgs <no-reply@localhost>", (l) => lines.push(l));
    const after: (() => Promise<void>)[] = [];
    await mailer.send({ query: async () => [] }, { organizationId: null, to: "ada@example.test", subject: "You are invited", text: "…" }, (fn) =>
      after.push(fn),
    );
    expect(after).toHaveLength(1);
    await expect(after[0]!()).resolves.toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^mail to ada@example\.test \("You are invited"\) was not sent: .*ECONNREFUSED.*re-send it once SMTP works \(orgs invitation:resend <email>/,
    );
  });
});
