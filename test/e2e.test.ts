// End to end with the Pulumi CLI: the quickstart (Pulumi.yaml at the repository root) goes up
// against a real org server on loopback, previews clean, notices drift, and is destroyed. Runs
// wherever a `pulumi` binary is on PATH; elsewhere the suite is skipped and says why.
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/server";

const ROOT = join(__dirname, "..");
const SKIP_REASON = "pulumi CLI not on PATH; install it from https://www.pulumi.com/docs/install/ to run the end-to-end tests";

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return join(dir, bin);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const pulumiBin = onPath("pulumi");
if (!pulumiBin) process.stderr.write(`test/e2e.test.ts: skipped: ${SKIP_REASON}\n`);

describe.skipIf(!pulumiBin)(pulumiBin ? `quickstart with the Pulumi CLI (${pulumiBin})` : `quickstart with the Pulumi CLI — skipped: ${SKIP_REASON}`, () => {
  let server: TestServer;
  let stack: Stack;
  let tmp: string;
  let token: string;
  const stackName = `e2e${Date.now().toString(36)}`;
  const slug = `qs-${stackName}`;
  const log: string[] = [];
  const onOutput = (s: string) => log.push(s);
  const as = () => ({ onOutput });

  beforeAll(async () => {
    server = await startTestServer();
    // startTestServer answers through inject(); the engine's provider host needs a socket.
    const url = await server.app.listen({ host: "127.0.0.1", port: 0 });
    token = (await server.signup(`owner@${slug}.test`)).token;
    tmp = mkdtempSync(join(tmpdir(), "orgs-e2e-"));
    const pulumiCommand = await PulumiCommand.get();
    const ws = await LocalWorkspace.create({
      workDir: ROOT,
      pulumiHome: join(tmp, "home"),
      pulumiCommand,
      envVars: {
        PULUMI_BACKEND_URL: `file://${join(tmp, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "orgs-e2e",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        // The dynamic-provider host of the same @pulumi/pulumi the program uses.
        PATH: `${dirname(require.resolve("@pulumi/pulumi/package.json"))}${delimiter}${process.env.PATH}`,
      },
    });
    stack = await Stack.createOrSelect(stackName, ws);
    await stack.setAllConfig({
      "orgs:apiUrl": { value: url },
      "orgs:apiToken": { value: token, secret: true },
      "orgs-quickstart:slug": { value: slug },
      "orgs-quickstart:emailDomain": { value: `${slug}.test` },
    });
  }, 180_000);

  afterAll(async () => {
    if (stack) {
      await stack.destroy({ onOutput }).catch(() => undefined);
      await stack.workspace.removeStack(stackName).catch(() => undefined);
    }
    // The workspace wrote the stack's config file next to Pulumi.yaml.
    rmSync(join(ROOT, `Pulumi.${stackName}.yaml`), { force: true });
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    await server?.close();
  }, 300_000);

  const api = (method: string, url: string, body?: unknown) => server.call(token, method, url, body);

  it("pulumi up creates the organization and everything in it on the server", async () => {
    const up = await stack.up(as());
    expect(up.summary.result, log.join("")).toBe("succeeded");
    expect(up.summary.resourceChanges?.create).toBe(15); // 14 resources and the stack
    const org = await api("GET", `/v1/organizations/${slug}`);
    expect(org.statusCode).toBe(200);
    expect(up.outputs.organizationId!.value).toBe(org.json.id);
    const members = await api("GET", `/v1/organizations/${slug}/members?limit=100`);
    const emails = members.json.items.map((m: { email: string }) => m.email).sort();
    expect(emails).toEqual([`alice@${slug}.test`, `bob@${slug}.test`, `carol@${slug}.test`, `owner@${slug}.test`]);
    const grants = await api("GET", `/v1/projects/${up.outputs.projects!.value.api}/access`);
    expect(grants.json.items).toHaveLength(2);
  }, 600_000);

  it("keeps the API token out of the state", async () => {
    const state = JSON.stringify(await stack.exportStack());
    expect(state).not.toContain(token);
  }, 120_000);

  it("previews no changes, with and without refresh", async () => {
    const plain = await stack.preview({ ...as(), expectNoChanges: true });
    expect(plain.changeSummary.same).toBe(15);
    const refreshed = await stack.preview({ ...as(), expectNoChanges: true, refresh: true });
    expect(refreshed.changeSummary.same).toBe(15);
  }, 600_000);

  it("shows a change made outside Pulumi as drift, and up puts it back", async () => {
    const projects = (await stack.outputs()).projects!.value as { web: string };
    const changed = await api("PATCH", `/v1/projects/${projects.web}`, { description: "changed by hand" });
    expect(changed.statusCode).toBe(200);
    await expect(stack.preview({ ...as(), expectNoChanges: true, refresh: true })).rejects.toThrow();
    const up = await stack.up({ ...as(), refresh: true });
    expect(up.summary.resourceChanges?.update).toBe(1);
    expect((await api("GET", `/v1/projects/${projects.web}`)).json.description).toBe("Customer-facing web app");
  }, 600_000);

  it("pulumi destroy removes it all", async () => {
    const destroyed = await stack.destroy(as());
    expect(destroyed.summary.result).toBe("succeeded");
    expect((await api("GET", `/v1/organizations/${slug}`)).statusCode).toBe(404);
  }, 600_000);
});
