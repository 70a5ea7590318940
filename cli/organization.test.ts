// The real `orgs` binary against a real server on a socket: meta commands, usage errors, credentials,
// and the organization:* commands of the product docs.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS } from "../api/common";
import { cliRunner, ORGS_BIN, type Cli } from "../test/support/cli";
import { startTestServer, type TestServer } from "../test/support/server";
import { COMMANDS } from "./commands";

let s: TestServer;
let url: string;
let owner: { token: string; accountId: string; email: string };
let cli: Cli;
const CLOSED_PORT = "http://127.0.0.1:1";

beforeAll(async () => {
  s = await startTestServer();
  await s.app.listen({ port: 0, host: "127.0.0.1" });
  url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  ({ owner } = await s.orgWithOwner("acme"));
  cli = cliRunner(url, owner.token);
});
afterAll(() => s?.close());

describe("list, help, completion", () => {
  it("orgs list names every command of the table, grouped, with the exit codes", async () => {
    const r = await cli(["list"]);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.name);
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 error, 2 usage/);
    expect((await cli([])).stdout).toBe(r.stdout);
  });

  it("orgs help <command> explains arguments, flags with allowed values, and examples", async () => {
    const r = await cli(["help", "organization:user:add"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: orgs organization:user:add <email> [--org <slug>]");
    expect(r.stdout).toContain(`--permission <${PERMISSIONS.join("|")}>`);
    expect(r.stdout).toContain("Examples:");
    expect((await cli(["organization:delete", "--help"])).stdout).toContain("without a terminal on stdin it refuses unless --yes");
    expect((await cli(["help", "nope"])).code).toBe(2);
  });

  it("prints the version", async () => {
    const r = await cli(["--version"]);
    expect(r.stdout).toMatch(/^orgs \d+\.\d+\.\d+/);
  });

  it("bash completion completes commands (colons included) and flag values", async () => {
    const script = (await cli(["completion", "bash"])).stdout;
    expect(script).toContain("complete -F _orgs_complete orgs");
    const complete = (line: string) =>
      execFileSync(
        "bash",
        ["-c", `eval "$(cat)"; COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}; COMP_WORDBREAKS=":= "; _orgs_complete; echo "\${COMPREPLY[@]}"`],
        { input: script },
      )
        .toString()
        .trim();
    expect(complete("orgs organization:user:a")).toBe("add");
    expect(complete("orgs organization:user:add x --perm")).toBe("--permission");
    expect(complete("orgs organization:create x --region ").split(" ").sort()).toEqual(["eu", "us"]);
    expect(complete("orgs role:list --format j")).toBe("json");
  });

  it("zsh completion defines the commands with their summaries and the flags", async () => {
    const r = await cli(["completion", "zsh"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#compdef orgs/);
    expect(r.stdout).toContain("'organization\\:user\\:add:Invite a person");
    expect(r.stdout).toContain("'--permission:Permissions");
    expect(r.stdout).toContain("compdef _orgs orgs");
    expect((await cli(["completion", "fish"])).code).toBe(2);
  });
});

describe("usage errors exit 2 before any call", () => {
  // The API URL points at a closed port: a call would fail with exit 1, so exit 2 proves none was made.
  const offline = { env: { ORGS_API_URL: CLOSED_PORT } };

  it("an older Node than 22 is named, instead of a crash inside the HTTP client", async () => {
    // Node's own version cannot be changed here, so a preload makes this Node report 20.
    const dir = mkdtempSync(join(tmpdir(), "orgs-old-node-"));
    const preload = join(dir, "old-node.js");
    writeFileSync(preload, 'Object.defineProperty(process, "versions", { value: { ...process.versions, node: "20.11.1" } });\n');
    const r = await cli(["organization:list"], { env: { ...offline.env, NODE_OPTIONS: `--require ${preload}` } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^orgs: needs Node 22 or newer; this is Node 20\.11\.1\. Get it with nvm \(`nvm install 22`.*an official installer \(https:\/\/nodejs\.org\/en\/download\).*npx -y node@22.*; or run \.\/dev orgs from a checkout, which fetches one\.\n$/,
    );
  });

  it("unknown command, with a suggestion", async () => {
    const r = await cli(["organization:lst"], offline);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "organization:lst"');
    expect((await cli(["org:list"])).code).toBe(0); // the product's short form
  });

  it("unknown flag", async () => {
    const r = await cli(["organization:list", "--frobnicate"], offline);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown flag '--frobnicate'");
  });

  it("wrong guesses get the hint that fits them", async () => {
    const hint = async (args: string[]) => {
      const r = await cli(args, offline);
      expect(r.code).toBe(2);
      return r.stderr;
    };
    // A near spelling of a flag.
    expect(await hint(["organization:user:add", "bob@x.test", "--org", "acme", "--permissions", "members"])).toBe(
      "orgs: unknown flag '--permissions'\n  did you mean --permission?\n",
    );
    expect(await hint(["organization:user:update", "bob@x.test", "--org", "acme", "--roles", "ADMIN"])).toContain("did you mean --role?");
    expect(await hint(["organization:list", "--org", "acme"])).toContain("organization:list takes no --org");
    // The organization given as an argument; a value with a space; an extra argument after an email.
    expect(await hint(["organization:delete", "acme"])).toBe(
      'orgs: unexpected argument "acme"\n  give the organization with --org: orgs organization:delete --org acme\n',
    );
    expect(await hint(["team:create", "My", "Team", "--org", "acme"])).toBe(
      'orgs: unexpected argument "Team"\n  quote a value that contains spaces: "My Team"\n',
    );
    expect(await hint(["organization:user:get", "bob@x.test", "acme"])).toContain(
      "give the organization with --org: orgs organization:user:get bob@x.test --org acme\n",
    );
    expect(await hint(["organization:list", "acme"])).not.toContain("quote");
    // Commands: another word for the verb, a typo, a namespace, words joined by a space.
    expect(await hint(["organization:user:invite", "bob@x.test"])).toContain("did you mean organization:user:add?");
    expect(await hint(["organization:users:list"])).toContain("did you mean organization:user:list?");
    expect(await hint(["project:access:add"])).toContain("did you mean project:access:grant");
    expect(await hint(["organization"])).toBe('orgs: "organization" is a namespace, not a command\n  its commands: orgs list organization\n');
    expect(await hint(["organization", "list"])).toContain('did you mean orgs organization:list? A command\'s words are joined by ":"');
    expect(await hint(["list", "organisation"])).toContain("did you mean organization?");
  });

  it("orgs list organization lists a namespace, as the product documents do; -o is --org", async () => {
    const r = await cli(["list", "organization"], offline);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe('Available commands for the "organization" namespace:');
    const listed = r.stdout
      .split("\n")
      .map((l) => /^ {2}(\S+)\s/.exec(l)?.[1])
      .filter(Boolean);
    expect(listed).toEqual(COMMANDS.map((c) => c.name).filter((n) => n.startsWith("organization:")));
    expect((await cli(["help", "organization"], offline)).stdout).toBe(r.stdout);
    expect((await cli(["list", "org"], offline)).stdout).toBe(r.stdout);
    expect((await cli(["organization:info", "-o", "acme", "slug"])).stdout).toBe("acme\n");
  });

  it("missing argument", async () => {
    const r = await cli(["organization:user:get", "--org", "acme"], offline);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing argument <email>");
  });

  it("invalid permission name, naming the allowed ones", async () => {
    const r = await cli(["organization:user:add", "bob@x.test", "--org", "acme", "--permission=members,root"], offline);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid value "root" for --permission');
    expect(r.stderr).toContain(PERMISSIONS.join(", "));
  });

  it("invalid --format and flag values, extra arguments, no organization", async () => {
    expect((await cli(["organization:list", "--format", "xml"], offline)).stderr).toContain("allowed: table, json, csv");
    expect((await cli(["organization:create", "x", "--region", "mars"], offline)).code).toBe(2);
    expect((await cli(["organization:info", "--org", "acme", "name", "a", "b"], offline)).code).toBe(2);
    const r = await cli(["organization:info"], { env: { ORGS_API_URL: CLOSED_PORT, ORGS_ORG: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("pass --org");
  });

  it("no credentials: says how to log in", async () => {
    const r = await cli(["organization:list"], { token: null });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("orgs auth:login");
  });
});

describe("API and network errors exit 1 with the server's code on stderr", () => {
  it("a bad token is 401 unauthenticated", async () => {
    const r = await cli(["organization:list"], { token: "omt_nope" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unauthenticated \(401\)/);
    expect(r.stdout).toBe("");
  });

  it("a 401's hint names where the refused token came from: --token, ORGS_API_TOKEN or the saved file", async () => {
    const flag = await cli(["organization:list", "--token", "omt_nope"], { token: null });
    expect(flag.stderr).toContain("the token given with --token is wrong, expired or revoked");
    expect(flag.stderr).not.toContain("ORGS_API_TOKEN");
    const env = await cli(["organization:list"], { token: "omt_nope" });
    expect(env.stderr).toContain("the token in ORGS_API_TOKEN is wrong, expired or revoked");
    const c = cliRunner(url);
    const file = join(c.configDir, "orgs", "config.json");
    expect((await c(["auth:login", "--token", owner.token])).code).toBe(0);
    writeFileSync(file, JSON.stringify({ api_url: url, token: "omt_revoked" }));
    const saved = await c(["organization:list"]);
    expect(saved.stderr).toContain(`the token saved in ${file} is wrong, expired or revoked: run orgs auth:login again`);
    expect(saved.stderr).not.toContain("ORGS_API_TOKEN");
  });

  it("an unreachable server: the reason and where the URL came from, and no status, since there was no answer", async () => {
    const r = await cli(["organization:list"], { env: { ORGS_API_URL: CLOSED_PORT } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^orgs: cannot reach the org API at ${CLOSED_PORT}: .*ECONNREFUSED`));
    expect(r.stderr).not.toContain("(0)");
    expect(r.stderr).toContain("is orgs-server running there? The URL came from ORGS_API_URL");
    const flag = await cli(["organization:list", "--api-url", CLOSED_PORT]);
    expect(flag.stderr).toContain("The URL came from --api-url");
  });

  it("field errors print in the same line", async () => {
    const r = await cli(["organization:create", "Bad_Slug", "--region", "eu"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^orgs: validation_failed \(422\): .*slug: /m);
    // The field error the detail already names is not repeated.
    expect(r.stderr.match(/slug: /g)).toHaveLength(1);
  });
});

describe("credentials: flags > env > auth:login config", () => {
  it("auth:login verifies the token, then saves it 0600 in a 0700 dir", async () => {
    const c = cliRunner(url);
    const bad = await c(["auth:login", "--token", "omt_wrong"]);
    expect(bad.code).toBe(1);
    expect(existsSync(join(c.configDir, "orgs", "config.json"))).toBe(false);

    const r = await c(["auth:login", "--token", owner.token]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`as ${owner.email}`);
    const file = join(c.configDir, "orgs", "config.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(c.configDir, "orgs")).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ api_url: url, token: owner.token });

    // Saved URL and token serve later commands with no env at all.
    const who = await c(["auth:whoami", "--format", "json"], { env: { ORGS_API_URL: undefined } });
    expect(who.code).toBe(0);
    expect(who.json).toMatchObject({ id: owner.accountId, email: owner.email });
  });

  it("reads the token from stdin when piped; env beats the file, flags beat env", async () => {
    const c = cliRunner(url);
    const other = await s.signup("other@example.test");
    expect((await c(["auth:login"], { input: `${owner.token}\n` })).code).toBe(0);
    const whoami = async (opts: Parameters<Cli>[1], args: string[] = []) => (await c(["auth:whoami", "--format", "json", ...args], opts)).json.email;
    expect(await whoami({})).toBe(owner.email);
    expect(await whoami({ token: other.token })).toBe(other.email);
    expect(await whoami({ token: owner.token }, ["--token", other.token])).toBe(other.email);
    expect(await whoami({ env: { ORGS_API_URL: CLOSED_PORT } }, ["--api-url", url])).toBe(owner.email);
    const table = await c(["auth:whoami"], { token: other.token });
    expect(table.stdout).toMatch(/token\s+from ORGS_API_TOKEN/);
  });

  it("auth:signup --login under ORGS_API_TOKEN says the variable outranks the new token; whoami says which it uses", async () => {
    const c = cliRunner(url);
    const asOwner = { env: { ORGS_API_TOKEN: owner.token } };
    const r = await c(["auth:signup", "hedy@example.test", "--login"], asOwner);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "Note: ORGS_API_TOKEN is set and outranks the token just saved, so later commands still use it. Run `unset ORGS_API_TOKEN` to act as hedy@example.test.",
    );
    const file = join(c.configDir, "orgs", "config.json");
    const who = await c(["auth:whoami"], asOwner);
    expect(who.stdout).toMatch(new RegExp(`\nemail\\s+${owner.email}\n`));
    expect(who.stdout).toContain(`from ORGS_API_TOKEN (it outranks the token saved in ${file})`);
    const json = await c(["auth:whoami", "--format", "json"], asOwner);
    expect(json.json.email).toBe(owner.email);
    expect(json.stderr).toBe(`Token from ORGS_API_TOKEN (it outranks the token saved in ${file}).\n`);
    const mine = await c(["auth:whoami"]);
    expect(mine.stdout).toMatch(/\nemail\s+hedy@example.test\n/);
    expect(mine.stdout).toMatch(new RegExp(`\ntoken\\s+from ${file}\n`));
    expect((await c(["auth:whoami", "--format", "json"])).stderr).toBe("");
  });

  it("auth:logout forgets the saved token", async () => {
    const c = cliRunner(url);
    await c(["auth:login", "--token", owner.token]);
    const r = await c(["auth:logout"]);
    expect(r.code).toBe(0);
    expect(existsSync(join(c.configDir, "orgs", "config.json"))).toBe(false);
    expect((await c(["auth:whoami"])).code).toBe(2);
  });

  it("auth:signup creates an account and, with --login, logs in without printing the token it saved", async () => {
    const c = cliRunner(url);
    const r = await c(["auth:signup", "grace@example.test", "--name", "Grace", "--login", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.json.account).toMatchObject({ email: "grace@example.test", name: "Grace" });
    const saved = JSON.parse(readFileSync(join(c.configDir, "orgs", "config.json"), "utf8")).token;
    expect(saved).toMatch(/^omt_/);
    expect(r.json.token).toMatchObject({ name: "sign-up", last4: saved.slice(-4) });
    expect(r.json.token.token).toBeUndefined();
    expect(r.stdout + r.stderr).not.toContain(saved);
    const table = await cliRunner(url)(["auth:signup", "ida@example.test", "--login"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/\ntoken_expires_at\s+\d{4}-/);
    expect(table.stdout + table.stderr).not.toMatch(/omt_/);
    // Without --login the token is saved nowhere, so it is printed, once.
    expect((await cliRunner(url)(["auth:signup", "joan@example.test"])).stdout).toMatch(/\ntoken\s+omt_/);
    expect((await c(["auth:whoami", "--format", "json"])).json.email).toBe("grace@example.test");
    const dup = await c(["auth:signup", "GRACE@example.test"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("already_exists (409)");
  });
});

describe("organization commands", () => {
  it("organization:list: table, json and csv", async () => {
    const t = await cli(["organization:list"]);
    expect(t.code).toBe(0);
    expect(t.stdout.split("\n")[0]).toMatch(/^ID\s+SLUG\s+NAME\s+REGION\s+PLAN\s+CREATED$/);
    expect(t.stdout).toMatch(/org_\w+\s+acme\s+acme\s+eu\s+free/);
    const j = await cli(["organization:list", "--format", "json"]);
    expect(j.json).toHaveLength(1);
    expect(j.json[0]).toMatchObject({ slug: "acme", region: "eu", owner_account_id: owner.accountId });
    const c = await cli(["organization:list", "--format", "csv"]);
    expect(c.stdout.split("\n")[0]).toBe("id,slug,name,region,plan,created");
    expect(c.stdout.split("\n")[1]).toMatch(/^org_\w+,acme,acme,eu,free,/);
  });

  it("organization:info shows every property, one property, and changes one (PATCH)", async () => {
    const all = await cli(["organization:info", "--org", "acme"]);
    expect(all.stdout).toMatch(/^PROPERTY\s+VALUE/);
    expect(all.stdout).toMatch(/\nregion\s+eu\n/);
    // The owner and the default team by name, beside their IDs.
    expect(all.stdout).toMatch(new RegExp(`\nowner\\s+${owner.email}\nowner_account_id\\s+${owner.accountId}\n`));
    expect(all.stdout).toMatch(/\ndefault_team\s+My Team\ndefault_team_id\s+team_\w+\n/);
    expect((await cli(["organization:info", "--org", "acme", "region"])).stdout).toBe("eu\n");

    const set = await cli(["organization:info", "--org", "acme", "name", "Acme Corp"]);
    expect(set.code).toBe(0);
    expect(set.stderr).toContain('Changed name of acme: "acme" → "Acme Corp"');
    expect((await s.call(owner.token, "GET", "/v1/organizations/acme")).json.name).toBe("Acme Corp");

    const j = await cli(["organization:info", "--org", "acme", "require_two_factor", "false", "--format", "json"]);
    expect(j.json).toMatchObject({ slug: "acme", require_two_factor: false });
    expect((await cli(["organization:info", "--org", "acme", "name", "--format", "json"])).json).toBe("Acme Corp");
  });

  it("organization:info: unknown or read-only properties and bad values are usage errors; server refusals exit 1", async () => {
    expect((await cli(["organization:info", "--org", "acme", "colour"])).code).toBe(2);
    const ro = await cli(["organization:info", "--org", "acme", "owner_account_id", "acct_x"]);
    expect(ro.code).toBe(2);
    expect(ro.stderr).toContain("read-only");
    // region is fixed at creation, so it is not offered as writable, and changing it is refused before any call.
    expect(ro.stderr).toContain("writable: slug, name, website_url, plan, require_two_factor\n");
    const bool = await cli(["organization:info", "--org", "acme", "require_two_factor", "maybe"]);
    expect(bool.code).toBe(2);
    expect(bool.stderr).toContain("must be true or false");
    const region = await cli(["organization:info", "--org", "acme", "region", "us"], { env: { ORGS_API_URL: CLOSED_PORT } });
    expect(region.code).toBe(2);
    expect(region.stderr).toContain("orgs: region is fixed when the organization is created\n  writable: slug, name, website_url, plan, require_two_factor\n");
    const missing = await cli(["organization:info", "--org", "nosuchorg"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("not_found (404)");
  });

  it("ORGS_ORG is the default organization", async () => {
    const r = await cli(["organization:info", "slug"], { env: { ORGS_ORG: "acme" } });
    expect(r.stdout).toBe("acme\n");
  });

  it("organization:create, and a taken slug exits 1 with already_exists", async () => {
    const r = await cli(["organization:create", "globex", "--name", "Globex", "--region", "us", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ slug: "globex", name: "Globex", region: "us", owner_account_id: owner.accountId });
    const dup = await cli(["organization:create", "globex", "--region", "us"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("already_exists (409)");
    expect(dup.stderr).toContain("[slug: is taken]");
  });

  it("organization:billing:address changes named properties and keeps the rest", async () => {
    await cli(["organization:billing:address", "--org", "acme", "country", "FR", "locality", "Paris"]);
    const r = await cli(["organization:billing:address", "--org", "acme", "postal_code", "75001", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ country: "FR", locality: "Paris", postal_code: "75001" });
    const view = await cli(["organization:billing:address", "--org", "acme"]);
    expect(view.stdout).toMatch(/\nlocality\s+Paris\n/);
    expect((await cli(["organization:billing:address", "--org", "acme", "country"])).code).toBe(2);
    expect((await cli(["organization:billing:address", "--org", "acme", "planet", "Mars"])).code).toBe(2);
    const long = await cli(["organization:billing:address", "--org", "acme", "country", "France"]);
    expect(long.code).toBe(2);
  });

  it("organization:billing:profile and organization:subscription:list", async () => {
    const p = await cli(["organization:billing:profile", "--org", "acme", "company_name", "Acme SAS", "vat_number", "FR123", "--format", "json"]);
    expect(p.json).toMatchObject({ company_name: "Acme SAS", vat_number: "FR123" });
    const cleared = await cli(["organization:billing:profile", "--org", "acme", "vat_number", "null", "--format", "json"]);
    expect(cleared.json.vat_number).toBeNull();
    const subs = await cli(["organization:subscription:list", "--org", "acme"]);
    expect(subs.code).toBe(0);
    expect(subs.stdout).toMatch(/^ID\s+PLAN\s+STATUS\s+PROJECT\s+STARTED\n/);
    expect((await cli(["organization:subscription:list", "--org", "acme", "--format", "json"])).json[0]).toMatchObject({ plan: "free", status: "active" });
  });

  it("organization:delete refuses without --yes on a non-terminal stdin, then deletes with --yes", async () => {
    await cli(["organization:create", "doomed", "--region", "eu"]);
    const refused = await cli(["organization:delete", "--org", "doomed"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("pass --yes");
    expect((await s.call(owner.token, "GET", "/v1/organizations/doomed")).statusCode).toBe(200);
    const r = await cli(["organization:delete", "--org", "doomed", "-y", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ slug: "doomed", deleted: true });
    expect((await s.call(owner.token, "GET", "/v1/organizations/doomed")).statusCode).toBe(404);
  });

  it("the binary starts with a node shebang", () => {
    expect(readFileSync(ORGS_BIN, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});
