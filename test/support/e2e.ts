// What every end-to-end file with the Pulumi CLI shares: the CLI (or why it is missing, which the
// file's describe names when it skips) and a real org server on a loopback socket for its tests,
// on PostgreSQL when ORGS_TEST_POSTGRES_URL is set, PGlite otherwise.
import { afterAll, beforeAll } from "vitest";
import { pulumiCli } from "./pulumi";
import { postgresUrl, startTestServer, type TestServer } from "./server";

export interface EngineSuite {
  /** Why the CLI cannot run here, when it cannot. */
  readonly missing: string | undefined;
  /** The server, once the file's beforeAll has run. */
  readonly server: TestServer;
  /** Its base URL on the loopback socket. */
  readonly url: string;
}

export function engineSuite(file: string): EngineSuite {
  const cli = pulumiCli();
  const missing = "missing" in cli ? cli.missing : undefined;
  if (missing) process.stderr.write(`${file}: skipped: ${missing}\n`);
  let server: TestServer | undefined;
  let url = "";
  beforeAll(async () => {
    if (missing) return;
    server = await startTestServer({ postgres: !!postgresUrl() });
    url = await server.app.listen({ host: "127.0.0.1", port: 0 });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });
  return {
    missing,
    get server() {
      if (!server) throw new Error(`${file}: the server is not started (the CLI is missing, or beforeAll has not run)`);
      return server;
    },
    get url() {
      return url;
    },
  };
}
