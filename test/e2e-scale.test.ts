// A 1,000-resource `pulumi up` (500 members, each with a grant) with the real Pulumi engine, while
// the org server is killed (-9) and restarted in the middle: the run rides it out on the client's
// retries or fails, and a second `up` converges, with no duplicate and nothing lost. The server is
// the orgs-server binary on PostgreSQL when ORGS_TEST_POSTGRES_URL is set, on PGlite otherwise.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrgsClient } from "../client";
import { engineStack, programDir, pulumiCli, type EngineStack } from "./support/pulumi";
import { printedToken, startServerProcess, tempDataDir, type ServerProcess } from "./support/process";
import { freshPostgresDatabase, postgresUrl } from "./support/server";

const cli = pulumiCli();
const missing = "missing" in cli ? cli.missing : undefined;
if (missing) process.stderr.write(`test/e2e-scale.test.ts: skipped: ${missing}\n`);

const MEMBERS = 500;
const MIN = 60_000;

describe.skipIf(!!missing)(missing ? `1,000 resources with the Pulumi CLI — skipped: ${missing}` : "1,000 resources with the Pulumi CLI", () => {
  let server: ServerProcess;
  let drop = async () => {};
  let env: Record<string, string>;
  const dataDir = tempDataDir();
  let client: OrgsClient;
  let e: EngineStack;
  let org: { id: string };
  let project: { id: string };

  beforeAll(async () => {
    env = { ORGS_INVITATION_QUOTA: "100000", ORGS_RATE_LIMIT: "0", ORGS_OPERATOR_TOKEN: "omt_scale_operator_token_0000000000" };
    if (postgresUrl()) {
      const db = await freshPostgresDatabase();
      env.DATABASE_URL = db.url;
      drop = db.drop;
    }
    server = await startServerProcess({ dataDir, env });
    expect(printedToken(server.output())).toBeNull();
    const signup = await new OrgsClient({ baseUrl: server.url }).call("createAccount", { body: { email: "owner@scale-e2e.test", name: "Owner" } });
    client = new OrgsClient({ baseUrl: server.url, token: signup.body.token.token, maxRetries: 30 });
    org = (await client.call("createOrganization", { body: { slug: "scale-e2e", name: "Scale", region: "eu" } })).body;
    project = (await client.call("createProject", { params: { org: org.id }, body: { name: "api" } })).body;
    e = await engineStack(programDir("test/programs/many"), "scale", {
      "orgs:apiUrl": server.url,
      "orgs:apiToken": { value: signup.body.token.token, secret: true },
      "orgs-e2e:organization": org.id,
      "orgs-e2e:project": project.id,
      "orgs-e2e:count": String(MEMBERS),
      "orgs-e2e:domain": "scale-e2e.test",
    });
  }, 5 * MIN);

  afterAll(async () => {
    await client?.close();
    await server?.stop("SIGKILL");
    await drop();
  });

  it(
    "rides out a server killed and restarted mid-run; a second up converges, nothing duplicated or lost",
    async () => {
      const first = e.stack.up(e.opts()).then(
        (r) => r.summary.result,
        (err: Error) => `failed: ${err.message.split("\n")[0]}`,
      );
      // Kill the server once a fifth of the members exist, and bring it back on the same port.
      const count = async () => (await client.listAll("listMembers", { params: { org: org.id } })).length;
      for (let n = 0; n < MEMBERS / 5; n = await count()) await sleep(200);
      expect(await server.stop("SIGKILL")).toBeNull();
      await sleep(1_500);
      server = await startServerProcess({ dataDir, port: server.port, env });
      const firstResult = await first;

      // Whatever the first run made of it, the second converges.
      const second = await e.stack.up(e.opts());
      expect(second.summary.result, `${firstResult}\n${e.output.at(-1)}`).toBe("succeeded");
      const members = await client.listAll("listMembers", { params: { org: org.id } });
      const emails = members.map((m) => m.email).filter((x) => x !== "owner@scale-e2e.test");
      expect(emails).toHaveLength(MEMBERS);
      expect(new Set(emails).size).toBe(MEMBERS);
      const grants = await client.listAll("listProjectAccess", { params: { project_id: project.id } });
      expect(grants).toHaveLength(MEMBERS);
      const byMember = new Map(members.map((m) => [m.id, m.email]));
      for (const g of grants) expect(byMember.has(g.principal_id), g.principal_id).toBe(true);
      const preview = await e.stack.preview(e.opts({ expectNoChanges: true }));
      expect(preview.changeSummary).toEqual({ same: 2 * MEMBERS + 1 });
    },
    20 * MIN,
  );
});
