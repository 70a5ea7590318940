// The Python and Go programs of the generated SDKs (test/programs/python-inline,
// test/programs/go-inline), the YAML one (test/programs/yaml) and what each goes through against a
// real org server: the same program (an organization, a team, a member, a project and a grant, and
// a second team through an explicit orgs.Provider with a token of its own) in three languages, each run one step
// per process as a user runs one `pulumi` command after another, with the provider plugin
// pulumi-resource-orgs found on PATH. test/e2e-python.test.ts, test/e2e-go.test.ts and test/e2e-yaml.test.ts start them.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect, it } from "vitest";
import type { EngineSuite } from "./e2e";
import { pulumiCli } from "./pulumi";
import { ROOT } from "./process";
import { sh } from "./sh";

export type Step = "preview" | "preview-clean" | "preview-refresh" | "up" | "up-refresh" | "destroy";

/** The JSON line a program prints for one step (the same fields in both languages). */
export interface StepResult {
  step: Step;
  change_summary?: Record<string, number>;
  result?: string;
  resource_changes?: Record<string, number>;
  outputs?: Record<string, string>;
  /** What the engine printed. */
  output: string;
}

/** Runs one step of a program: the command and its arguments, given the step (and directories to put first on PATH). */
export type ProgramCommand = (step: Step) => { cmd: string; args: string[]; env?: Record<string, string>; path?: string[] };

const MIN = 60_000;

/**
 * A directory holding only `pulumi-resource-orgs` (this checkout's bin/ script, which runs the
 * compiled plugin in dist/), to put first on PATH: the engine finds a plugin there, as a user's
 * would after `npm install` or with the checkout's bin/ on PATH. Fails, saying what to do, when the
 * checkout has no plugin.
 */
export function pluginOnPath(): string {
  const script = join(ROOT, "bin", "pulumi-resource-orgs");
  const main = join(ROOT, "dist", "provider", "plugin", "main.js");
  if (!existsSync(script) || !existsSync(main)) throw new Error(`the provider plugin is missing (${script}, ${main}): run npm run build`);
  const dir = mkdtempSync(join(tmpdir(), "orgs-plugin-path-"));
  symlinkSync(script, join(dir, "pulumi-resource-orgs"));
  return dir;
}

/**
 * Runs `command` for each step in a stack directory of its own (a file backend and PULUMI_HOME
 * inside), configured with the server's URL and `token` (as orgs:apiUrl and a secret
 * orgs:apiToken); returns a function running one step and parsing its JSON line.
 */
export function programRunner(command: ProgramCommand, opts: { url: string; token: string; explicitToken: string; slug: string }) {
  const cli = pulumiCli();
  if (!("dir" in cli)) throw new Error(cli.missing);
  const work = mkdtempSync(join(tmpdir(), "orgs-sdk-program-"));
  mkdirSync(work, { recursive: true });
  const env: Record<string, string> = {
    ORGS_E2E_DIR: work,
    ORGS_E2E_PULUMI_ROOT: dirname(cli.dir),
    ORGS_E2E_SLUG: opts.slug,
    ORGS_API_URL: opts.url,
    ORGS_API_TOKEN: opts.token,
    ORGS_E2E_EXPLICIT_TOKEN: opts.explicitToken,
    // The plugin's wrapper runs Node ≥ 22: this one.
    ORGS_NODE: process.execPath,
    PATH: [pluginOnPath(), cli.dir, process.env.PATH].join(":"),
  };
  const run = async (step: Step): Promise<StepResult> => {
    const c = command(step);
    const { stdout } = await sh(c.cmd, [...c.args], work, { ...env, ...c.env, PATH: [...(c.path ?? []), env.PATH].join(":") });
    const line = stdout.trim().split("\n").at(-1) ?? "";
    try {
      return JSON.parse(line) as StepResult;
    } catch {
      throw new Error(`${c.cmd} ${step} printed no JSON line:\n${stdout}`);
    }
  };
  return { run, work, stateFile: (project: string) => join(work, "state", ".pulumi", "stacks", project, "dev.json") };
}

/**
 * What each program goes through, as `it`s of the caller's describe: preview, up, a clean
 * preview, changes made by hand through the API that `preview --refresh` shows by property, up
 * putting them back, and destroy. `start` gives the step runner once the server is up.
 */
export function programScenario(suite: EngineSuite, opts: { slug: string; project: string; command: () => Promise<ProgramCommand> }) {
  let runner: ReturnType<typeof programRunner>;
  let token: string;
  /** The explicit provider's: another token of the owner, unused until the provider calls with it. */
  let explicit: { id: string; token: string };
  let outputs: Record<string, string>;
  const api = (method: string, path: string, body?: unknown) => suite.server.call(token, method, path, body);

  it(
    "previews six resources and an explicit provider, and up creates them on the server",
    async () => {
      token = (await suite.server.signup(`owner@${opts.slug}.test`)).token;
      const made = await api("POST", "/v1/me/tokens", { name: "explicit provider", expires_at: new Date(Date.now() + 86_400_000).toISOString() });
      expect(made.statusCode, made.body).toBe(201);
      explicit = { id: made.json.id, token: made.json.token };
      runner = programRunner(await opts.command(), { url: suite.url, token, explicitToken: explicit.token, slug: opts.slug });
      const preview = await runner.run("preview");
      expect(preview.change_summary, preview.output).toEqual({ create: 8 }); // six resources, the explicit provider and the stack
      expect(preview.output).toMatch(/\+ orgs:index:ProjectAccess: \(create\)/);
      expect((await api("GET", `/v1/organizations/${opts.slug}`)).statusCode).toBe(404);

      const up = await runner.run("up");
      expect(up.result, up.output).toBe("succeeded");
      expect(up.resource_changes).toEqual({ create: 8 });
      outputs = up.outputs!;
      const org = (await api("GET", `/v1/organizations/${opts.slug}`)).json;
      expect(outputs.organizationId).toBe(org.id);
      expect(org).toMatchObject({ name: expect.stringMatching(/ Co$/), region: "eu" });
      const team = (await api("GET", `/v1/organizations/${org.id}/teams/${outputs.teamId}`)).json;
      expect(team).toMatchObject({ name: "Platform", description: "Runs the API" });
      const ada = (await api("GET", `/v1/organizations/${org.id}/members/${outputs.memberId}`)).json;
      expect(ada).toMatchObject({ email: `ada@${opts.slug}.test`, status: "invited", team_ids: [outputs.teamId] });
      expect((await api("GET", `/v1/projects/${outputs.projectId}`)).json).toMatchObject({ name: "api", description: "Public API" });
      expect((await api("GET", `/v1/projects/${outputs.projectId}/access/teams/${outputs.teamId}`)).json.role).toBe("admin");
      // The team of the explicit provider, made with that provider's token (its first use).
      expect((await api("GET", `/v1/organizations/${org.id}/teams/${outputs.explicitTeamId}`)).json.name).toBe("Release");
      const tokens = (await api("GET", "/v1/me/tokens")).json.items as { id: string; last_used_at: string | null }[];
      expect(tokens.find((t) => t.id === explicit.id)?.last_used_at).toEqual(expect.any(String));
    },
    5 * MIN,
  );

  it(
    "previews no change afterwards, and keeps neither token in clear nor a provider in the state",
    async () => {
      const clean = await runner.run("preview-clean");
      expect(clean.change_summary, clean.output).toEqual({ same: 8 });
      const state = readFileSync(runner.stateFile(opts.project), "utf8");
      expect(state).not.toContain(token);
      expect(state).not.toContain(explicit.token);
      const resources = JSON.parse(state).checkpoint.latest.resources as { urn: string; type: string; provider?: string; inputs?: Record<string, unknown> }[];
      const types = resources.map((r) => r.type).filter((t) => t.startsWith("orgs:index:"));
      expect(types.sort()).toEqual([
        "orgs:index:Member",
        "orgs:index:Organization",
        "orgs:index:Project",
        "orgs:index:ProjectAccess",
        "orgs:index:Team",
        "orgs:index:Team",
      ]);
      for (const r of resources) expect(r.inputs ?? {}, r.type).not.toHaveProperty("__provider");
      // The explicit provider keeps its token as the stack's ciphertext, and the team it made names it.
      const provider = resources.find((r) => r.type === "pulumi:providers:orgs" && r.urn.endsWith("::explicit"));
      expect(provider?.inputs).toMatchObject({
        apiUrl: suite.url,
        apiToken: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) },
      });
      const release = resources.find((r) => r.urn.endsWith("orgs:index:Team::release"));
      expect(release?.provider).toMatch(new RegExp(`^${provider!.urn.replace(/[$]/g, "\\$")}::`));
    },
    2 * MIN,
  );

  it(
    "shows changes made by hand with preview --refresh, naming each property, and up --refresh puts them back",
    async () => {
      const org = outputs.organizationId;
      const name = (await api("GET", `/v1/organizations/${org}`)).json.name;
      expect((await api("PATCH", `/v1/organizations/${org}`, { name: "Renamed by hand" })).statusCode).toBe(200);
      expect((await api("PATCH", `/v1/organizations/${org}/teams/${outputs.teamId}`, { description: "Changed by hand" })).statusCode).toBe(200);
      expect((await api("PUT", `/v1/projects/${outputs.projectId}/access/teams/${outputs.teamId}`, { role: "viewer" })).statusCode).toBe(200);

      const drift = await runner.run("preview-refresh");
      expect(drift.change_summary, drift.output).toEqual({ update: 3, same: 5 });
      expect(drift.output).toMatch(new RegExp(`orgs:index:Organization: \\(update\\)[\\s\\S]*?~ name\\s*: "Renamed by hand" => "${name}"`));
      expect(drift.output).toMatch(/orgs:index:Team: \(update\)[\s\S]*?~ description\s*: "Changed by hand" => "Runs the API"/);
      expect(drift.output).toMatch(/orgs:index:ProjectAccess: \(update\)[\s\S]*?~ level\s*: "viewer" => "admin"/);

      const up = await runner.run("up-refresh");
      expect(up.result, up.output).toBe("succeeded");
      expect(up.resource_changes).toMatchObject({ update: 3 });
      expect((await api("GET", `/v1/organizations/${org}`)).json.name).toBe(name);
      expect((await api("GET", `/v1/organizations/${org}/teams/${outputs.teamId}`)).json.description).toBe("Runs the API");
      expect((await api("GET", `/v1/projects/${outputs.projectId}/access/teams/${outputs.teamId}`)).json.role).toBe("admin");
      expect((await runner.run("preview-clean")).change_summary).toEqual({ same: 8 });
    },
    5 * MIN,
  );

  it(
    "destroy removes everything it made",
    async () => {
      const destroy = await runner.run("destroy");
      expect(destroy.result, destroy.output).toBe("succeeded");
      expect(destroy.resource_changes).toEqual({ delete: 8 });
      const gone = await api("GET", `/v1/organizations/${outputs.organizationId}`);
      expect(gone.statusCode).toBe(404);
      expect(gone.json.code).toBe("deleted");
    },
    3 * MIN,
  );
}

/** Runs `go build` for a program directory into `out`, with the CLI's flags (shared build cache). */
export async function goBuild(programDir: string, out: string): Promise<void> {
  await sh("go", ["build", "-trimpath", "-o", out, "."], join(ROOT, programDir), { CGO_ENABLED: "0" });
}
