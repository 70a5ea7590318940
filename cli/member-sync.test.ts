// The real `orgs` binary: organization:user:sync, the membership from a YAML file without Pulumi.
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, type Cli } from "../test/support/cli";
import { startTestServer, type TestServer } from "../test/support/server";

let s: TestServer;
let cli: Cli;
let owner: { token: string; accountId: string; email: string };
let orgId: string;
const dir = mkdtempSync(join(tmpdir(), "orgs-sync-"));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const emails = async () =>
  ((await s.call(owner.token, "GET", `/v1/organizations/${orgId}/members`)).json.items as { email: string }[]).map((m) => m.email).sort();

beforeAll(async () => {
  s = await startTestServer();
  await s.app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  let org;
  ({ owner, org } = await s.orgWithOwner("sync"));
  orgId = org.id;
  cli = cliRunner(url, owner.token);
});
afterAll(() => s?.close());

describe("organization:user:sync", () => {
  const members = "members:\n  - email: ann@example.test\n    roles: [DEFAULT]\n    teams: [My Team]\n  - email: ben@example.test\n";

  it("--dry-run prints the plan as a table and changes nothing; --exit-code exits 1 on drift", async () => {
    const f = file("members.yaml", members);
    const r = await cli(["organization:user:sync", f, "--org", "sync", "--dry-run"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ACTION\s+EMAIL\s+CHANGES\n/);
    expect(r.stdout).toMatch(/invite\s+ann@example.test/);
    expect(r.stderr).toContain("2 to invite, 0 to update, 0 to remove");
    expect(await emails()).toEqual([owner.email]);
    const gate = await cli(["organization:user:sync", f, "--org", "sync", "--dry-run", "--exit-code"]);
    expect(gate.code).toBe(1);
    expect(gate.stderr).toContain("sync differs from");
  });

  it("applies the plan; a second run has nothing to do and --exit-code exits 0", async () => {
    const f = file("members.yaml", members);
    const r = await cli(["organization:user:sync", f, "--org", "sync"]);
    expect(r.code, r.stderr).toBe(0);
    expect(await emails()).toEqual(["ann@example.test", "ben@example.test", owner.email].sort());
    expect((await cli(["organization:user:sync", f, "--org", "sync", "--dry-run", "--exit-code"])).code).toBe(0);
  });

  it("a member invited by hand is drift; --prune removes it after confirmation, --max-removals refuses too many", async () => {
    await s.invite(owner.token, orgId, "hand@example.test");
    const f = file("members.yaml", members);
    const drift = await cli(["organization:user:sync", f, "--org", "sync", "--dry-run", "--exit-code"]);
    expect(drift.code).toBe(0); // unmanaged without --prune is listed, not a change
    expect(drift.stdout).toMatch(/unmanaged\s+hand@example.test/);
    const pruned = await cli(["organization:user:sync", f, "--org", "sync", "--prune", "--dry-run", "--exit-code"]);
    expect(pruned.code).toBe(1);
    expect(pruned.stdout).toMatch(/remove\s+hand@example.test/);
    const guard = await cli(["organization:user:sync", file("empty.yaml", "members: []\n"), "--org", "sync", "--prune", "--max-removals", "1", "--yes"]);
    expect(guard.code).toBe(1);
    expect(guard.stderr).toContain("too_many_removals (422)");
    expect(await emails()).toHaveLength(4);
    const noTty = await cli(["organization:user:sync", f, "--org", "sync", "--prune"]);
    expect(noTty.code).toBe(2);
    const yes = await cli(["organization:user:sync", f, "--org", "sync", "--prune", "--yes"]);
    expect(yes.code, yes.stderr).toBe(0);
    expect(await emails()).toEqual(["ann@example.test", "ben@example.test", owner.email].sort());
  });

  it("a bad file or flag is a usage error (exit 2) naming the place", async () => {
    const bad = await cli(["organization:user:sync", file("bad.yaml", "members:\n  - email: nope\n"), "--org", "sync"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/members\.0\.email/);
    expect((await cli(["organization:user:sync", join(dir, "members.yaml"), "--org", "sync", "--max-removals", "many"])).code).toBe(2);
    const role = await cli(["organization:user:sync", file("role.yaml", "members:\n  - email: x@example.test\n    roles: [Auditor]\n"), "--org", "sync"]);
    expect(role.code).toBe(1);
    expect(role.stderr).toContain('no role named "Auditor"');
  });
});
