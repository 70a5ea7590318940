// The invitation quota at the turn of a minute, on PostgreSQL: each minute has its own counter
// row, so an invitation counted just after the turn must still wait for one counting just before
// it and see its count (server/store/invitation-sends.ts). Two transactions on two connections,
// held open by hand, stand for two parallel requests. PGlite has one connection, so nothing there
// runs side by side.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countInvitations } from "../server/store/invitation-sends";
import { postgresUrl, startTestServer, type TestServer } from "./support/server";

const pending = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), ms))]);

describe.skipIf(!postgresUrl())(
  postgresUrl()
    ? "the invitation quota at the turn of a minute"
    : "the quota at a minute's turn — skipped: ORGS_TEST_POSTGRES_URL is not set (.ci/run sets it)",
  () => {
    let server: TestServer;
    let orgId: string;
    beforeAll(async () => {
      server = await startTestServer({ postgres: true });
      ({
        org: { id: orgId },
      } = await server.orgWithOwner("quota-turn"));
    });
    afterAll(async () => server?.close());

    it("an invitation just past the turn waits for one still counting before it, and counts it", async () => {
      const turn = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000);
      const before = new Date(turn.getTime() - 500);
      const after = new Date(turn.getTime() + 500);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let counted!: (n: number) => void;
      const first = new Promise<number>((resolve) => (counted = resolve));
      const a = server.db.tx(async (q) => {
        const c = await countInvitations(q, orgId, before);
        counted(c.sent);
        await held;
        return c;
      });
      expect(await first).toBe(1);
      const b = server.db.tx((q) => countInvitations(q, orgId, after));
      // Without the previous minute's lock the second count answers at once, and says 1.
      expect(await pending(b, 400)).toBe(true);
      release();
      expect((await a).sent).toBe(1);
      const second = await b;
      expect(second.sent).toBe(2);
      expect(second.oldest).toEqual(new Date(turn.getTime() - 60_000));

      // A count rolled back (over the quota, say) leaves nothing counted, and a minute with no
      // invitation (the 0 row the lock wrote) is never the window's oldest.
      await expect(
        server.db.tx(async (q) => {
          await countInvitations(q, orgId, new Date(turn.getTime() + 120_500), 5);
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");
      const third = await server.db.tx((q) => countInvitations(q, orgId, new Date(turn.getTime() + 180_500)));
      expect(third).toEqual({ sent: 3, oldest: new Date(turn.getTime() - 60_000) });
    });

    it("parallel invitations across the turn pass the quota exactly (HTTP, the server's clock)", async () => {
      const quotaServer = await startTestServer({ postgres: true, config: { invitationQuota: 20 } });
      try {
        const { owner, org } = await quotaServer.orgWithOwner("quota-turn-http");
        // Put the server's clock 1.5 s before a minute's turn: the 40 requests straddle it. A race,
        // so a broken count shows here only sometimes; the test above is the one that always does.
        const now = quotaServer.clock.current().getTime();
        quotaServer.clock.advance(60_000 - (now % 60_000) - 1_500);
        const statuses = await Promise.all(
          Array.from({ length: 40 }, async (_, i) => {
            await new Promise((resolve) => setTimeout(resolve, (i % 20) * 150));
            return (await quotaServer.call(owner.token, "POST", `/v1/organizations/${org.id}/members`, { email: `turn${i}@quota.test` })).statusCode;
          }),
        );
        expect(statuses.filter((s) => s === 201)).toHaveLength(20);
        expect(statuses.filter((s) => s === 429)).toHaveLength(20);
        const members = await quotaServer.call(owner.token, "GET", `/v1/organizations/${org.id}/members?limit=100`);
        expect(members.json.items.filter((m: { email: string }) => m.email.startsWith("turn"))).toHaveLength(20);
      } finally {
        await quotaServer.close();
      }
    });
  },
);
