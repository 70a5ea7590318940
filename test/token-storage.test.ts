// The README's step 3 ("Configure and run") as written, with no terminal, and where the API token
// ends up (issue 25, items 3 and 4), with the real Pulumi CLI in a project directory: without
// PULUMI_CONFIG_PASSPHRASE `pulumi stack init` stops; with the README's lines it runs to `up`. The
// token is then encrypted in the stack's config file and in the default provider's inputs and
// outputs in the state, and its plaintext is in no file anywhere.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/process";
import { installInto, pulumiCli } from "./support/pulumi";
import { engineSuite } from "./support/e2e";

const suite = engineSuite("test/token-storage.test.ts");
const { missing } = suite;
const run = promisify(execFile);
const MIN = 60_000;
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The README's "Use it in your Pulumi program" files, and its step 3's shell block. */
function readme(): { files: Record<string, string>; step3: string } {
  const files: Record<string, string> = {};
  for (const m of README.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)```/g)) files[m[1]!] = m[2]!;
  const step3 = /\*\*3\. Configure and run\.\*\*\s*```sh\n([\s\S]*?)```/.exec(README)?.[1];
  if (!step3) throw new Error("README: no step 3 block");
  return { files, step3 };
}

/** Every file under `dir` (node_modules and the Pulumi CLI's plugins left out) whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isSymbolicLink() || e.name === "node_modules" || e.name === "plugins") continue;
      if (e.isDirectory()) walk(p);
      else if (statSync(p).size < 64 << 20 && readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

describe.skipIf(!!missing)(missing ? `the README's step 3 with the Pulumi CLI — skipped: ${missing}` : "the README's step 3 with the Pulumi CLI", () => {
  it(
    "stack init without a terminal needs the passphrase; the README's lines run to up; the token is stored only encrypted",
    async () => {
      const cli = pulumiCli() as { dir: string };
      const { files, step3 } = readme();
      const dir = mkdtempSync(join(tmpdir(), "my-org-"));
      for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "my-org", version: "1.0.0" }));
      installInto(dir);
      const home = mkdtempSync(join(tmpdir(), "home-"));
      const { token } = await suite.server.signup("you@token-storage.test");
      const env = {
        ...process.env,
        HOME: home,
        PULUMI_HOME: join(home, ".pulumi-home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_CONFIG_PASSPHRASE: "",
        PATH: `${cli.dir}:${dirname(process.execPath)}:${process.env.PATH}`,
      };
      delete (env as Record<string, string | undefined>).PULUMI_CONFIG_PASSPHRASE;
      const bash = (script: string) => run("bash", ["-c", script], { cwd: dir, env, maxBuffer: 64 << 20 }).catch((e) => e);

      // No terminal, no passphrase: stack init stops, and says which variable it wants.
      // `pulumi login --local` is the file backend in the account's home directory (from the user
      // database, not $HOME): the test logs in to the same backend in a directory of its own.
      const login = `pulumi login file://${home}`;
      const bare = await bash(`${login} && pulumi stack init dev < /dev/null`);
      expect(bare.code).not.toBe(0);
      expect(bare.stderr).toMatch(/passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE/);

      // The README's lines, with its placeholders filled in; `up` gets --yes, as the README says without a terminal.
      expect(step3).toMatch(/export PULUMI_CONFIG_PASSPHRASE=…[^\n]*\npulumi stack init dev/);
      const script = step3
        .split("\n")
        .map((l) => l.replace(/\s+#.*$/, ""))
        .filter((l) => l && !/\btsc\b/.test(l))
        .map((l) =>
          l
            .replace("pulumi login --local", login)
            .replace("PULUMI_CONFIG_PASSPHRASE=…", "PULUMI_CONFIG_PASSPHRASE=step-3")
            .replace("http://127.0.0.1:8080", suite.url)
            .replace("omt_…", token)
            .replace(/^pulumi up$/, "pulumi up --yes"),
        )
        .join(" && \\\n");
      const ran = await bash(`set -e\n${script} < /dev/null`);
      expect(ran.code ?? 0, `${ran.stdout}\n${ran.stderr}`).toBe(0);
      expect(ran.stdout).toMatch(/\+ 6 created/);

      // Where the token is: encrypted in Pulumi.dev.yaml and in the default provider's inputs and outputs.
      expect(readFileSync(join(dir, "Pulumi.dev.yaml"), "utf8")).toMatch(/orgs:apiToken:\s+secure: v1:/);
      const state = JSON.parse(readFileSync(join(home, ".pulumi", "stacks", "my-org", "dev.json"), "utf8"));
      const provider = state.checkpoint.latest.resources.find((r: { urn: string }) => r.urn.endsWith("::pulumi:providers:pulumi-nodejs::default"));
      expect(README).toContain("`pulumi:providers:pulumi-nodejs::default`");
      for (const props of [provider.inputs, provider.outputs]) {
        expect(props["orgs:apiToken"]).toMatchObject({
          "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
          ciphertext: expect.any(String),
        });
        expect(props["orgs:apiUrl"]).toBe(suite.url);
      }
      // The plaintext: in no file of the backend, its history and backups, Pulumi's home and logs, or the project.
      expect(filesContaining(home, token)).toEqual([]);
      expect(filesContaining(dir, token)).toEqual([]);
      // Whoever can decrypt the stack's secrets can read it.
      const exported = await bash("PULUMI_CONFIG_PASSPHRASE=step-3 pulumi stack export --show-secrets");
      expect(exported.stdout).toContain(token);
      await bash("PULUMI_CONFIG_PASSPHRASE=step-3 pulumi destroy --yes --non-interactive");
    },
    5 * MIN,
  );
});
