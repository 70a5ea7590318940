// The operator's path through the real binaries: orgs-server's first start on a fresh data
// directory, the token it prints, and the CLI commands an operator runs with it. The client checks
// every answer against the published schema, which the old default email (operator@localhost)
// failed: whoami, login and the member lists of the operator's organizations all broke.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite } from "../server/store/db";
import { cliRunner, type Cli } from "../test/support/cli";
import { printedToken, startServerProcess, tempDataDir, type ServerProcess } from "../test/support/process";

const OPERATOR = "operator@orgs.localhost";
const dataDir = tempDataDir();
let server: ServerProcess;
let cli: Cli;

beforeAll(async () => {
  server = await startServerProcess({ dataDir });
  cli = cliRunner(server.url, undefined);
});
afterAll(async () => {
  await server?.stop("SIGKILL");
});

describe("the operator, through the CLI", () => {
  it("logs in with the token printed on first start; whoami names the operator", async () => {
    const token = printedToken(server.output())!;
    const login = await cli(["auth:login", "--token", token]);
    expect(login.stderr).toContain(`as ${OPERATOR}`);
    expect(login.code).toBe(0);
    const who = await cli(["auth:whoami"]);
    expect(who.code).toBe(0);
    expect(who.stdout).toMatch(new RegExp(`email\\s+${OPERATOR}`));
    expect((await cli(["auth:whoami", "--format", "json"])).json.email).toBe(OPERATOR);
  });

  it("creates an organization, lists and reads its members and teams, invites, reads the mail and the audit log", async () => {
    expect((await cli(["organization:create", "ops", "--region", "eu"])).code).toBe(0);
    const list = await cli(["organization:user:list", "--org", "ops"]);
    expect(list.stderr).toBe("");
    expect(list.stdout).toMatch(new RegExp(`${OPERATOR}\\s+active\\s+owner, ADMIN`));
    const get = await cli(["organization:user:get", OPERATOR, "--org", "ops", "--format", "json"]);
    expect(get.json).toMatchObject({ email: OPERATOR, status: "active", is_owner: true });
    expect((await cli(["team:member:list", "My Team", "--org", "ops"])).stdout).toContain(OPERATOR);
    expect((await cli(["organization:user:add", "bob@example.com", "--org", "ops"])).code).toBe(0);
    expect((await cli(["outbox:list", "--to", "bob@example.com"])).stdout).toContain("You're invited to join ops");
    const audit = await cli(["audit:list", "--org", "ops"]);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(new RegExp(`invitation.created\\s+${OPERATOR}`));
  });

  it("a data directory from before the fix is migrated: its operator's email passes the API's rule", async () => {
    expect(await server.stop()).toBe(0);
    // What a server started before migration 004 left: the old default email, and no record of 004.
    const db = await openPglite(dataDir);
    await db.query("UPDATE accounts SET email = 'operator@localhost', email_normalized = 'operator@localhost' WHERE is_operator");
    await db.query(
      "UPDATE members SET email = 'operator@localhost', email_normalized = 'operator@localhost' WHERE account_id IN (SELECT id FROM accounts WHERE is_operator)",
    );
    await db.query("DELETE FROM schema_migrations WHERE name = '004_operator_email.sql'");
    await db.close();

    server = await startServerProcess({ dataDir });
    // The token auth:login saved before the restart still serves; the server's port is new.
    const who = await cli(["auth:whoami", "--format", "json"], { env: { ORGS_API_URL: server.url } });
    expect(who.stderr).toBe("");
    expect(who.json.email).toBe(OPERATOR);
    const list = await cli(["organization:user:list", "--org", "ops", "--format", "json"], { env: { ORGS_API_URL: server.url } });
    expect(list.code).toBe(0);
    expect(list.json.find((m: { is_owner: boolean }) => m.is_owner).email).toBe(OPERATOR);
  });
});
