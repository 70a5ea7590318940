// Users can build on openapi.json: types generated from it by openapi-typescript, with openapi-fetch
// as the client, compile under tsc --strict (and refuse a request the document does not allow),
// then run a short scenario as a user's program would, in its own Node process, against the server.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/server";

const root = join(__dirname, "..");
// Under node_modules, so the program resolves openapi-fetch as a user's project would.
const dir = join(root, "node_modules", ".cache", `orgs-openapi-client-${process.pid}`);

const SCENARIO = `
import createClient from "openapi-fetch";
import type { paths } from "./api.js";

// The codes a problem can carry are the documented ones, not any string.
type Codes<E> = E extends { code: infer C } ? C : never;
type Documented<E> = string extends Codes<E> ? false : "precondition_failed" extends Codes<E> ? true : false;

const baseUrl = process.env.ORGS_URL!;
const steps: string[] = [];
const step = (name: string, r: { response: Response }) => steps.push(\`\${name} \${r.response.status}\`);

const anon = createClient<paths>({ baseUrl });
const signup = await anon.POST("/v1/accounts", { body: { email: "typed@client.test", name: "Typed" } });
step("signup", signup);
const client = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${signup.data!.token.token}\` } });

const body = { slug: "typed", name: "Typed", region: "eu" as const };
const created = await client.POST("/v1/organizations", { body, params: { header: { "Idempotency-Key": "typed-1" } } });
step("create", created);
const again = await client.POST("/v1/organizations", { body, params: { header: { "Idempotency-Key": "typed-1" } } });
steps.push(\`replayed \${again.response.headers.get("idempotent-replayed")} \${again.data?.id === created.data?.id}\`);

const org = created.data!.id;
const etag = created.response.headers.get("etag")!;
step("unchanged", await client.GET("/v1/organizations/{org}", { params: { path: { org }, header: { "If-None-Match": etag } } }));

const stale = await client.PATCH("/v1/organizations/{org}", { params: { path: { org }, header: { "If-Match": '"999"' } }, body: { name: "Renamed" } });
step("stale", stale);
const documented: Documented<typeof stale.error> = true;
if (documented && stale.error) steps.push(\`code \${stale.error.code}\`);

const invalid = await client.POST("/v1/organizations/{org}/teams", { params: { path: { org } }, body: { name: "" } });
step("invalid", invalid);
if (invalid.error?.code === "validation_failed") steps.push(\`field \${invalid.error.errors?.[0]?.field}\`);

const project = await client.POST("/v1/organizations/{org}/projects", { params: { path: { org } }, body: { name: "Web" } });
const me = await client.GET("/v1/me");
const member = me.data!.memberships[0]!.member_id;
const grant = { path: { project_id: project.data!.id, principal_type: "members", principal_id: member } };
step("grant", await client.PUT("/v1/projects/{project_id}/access/{principal_type}/{principal_id}", { params: grant, body: { role: "viewer" } }));
step("regrant", await client.PUT("/v1/projects/{project_id}/access/{principal_type}/{principal_id}", { params: grant, body: { role: "admin" } }));

const page = await client.GET("/v1/organizations/{org}/roles", { params: { path: { org }, query: { limit: 1 } } });
steps.push(\`page \${page.data!.items.length} \${page.response.headers.get("link") !== null}\`);
console.log(JSON.stringify(steps));
`;

// A request the document does not allow: the compiler must refuse it.
const MISUSE = `
import createClient from "openapi-fetch";
import type { paths } from "./api.js";
const client = createClient<paths>({ baseUrl: "http://127.0.0.1" });
await client.POST("/v1/organizations", { body: { slug: "x", name: "x", region: "mars" } });
`;

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.app.listen({ host: "127.0.0.1", port: 0 });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await s?.close();
});

const compile = (files: string[]) => {
  const program = ts.createProgram(files, {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    outDir: dir,
    skipLibCheck: true,
    noEmitOnError: true,
    types: ["node"],
    typeRoots: [join(root, "node_modules", "@types")],
  });
  const emitted = program.emit();
  return ts
    .getPreEmitDiagnostics(program)
    .concat(emitted.diagnostics)
    .map((d) => `${d.file?.fileName.split("/").pop()}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
};

it("a client generated by openapi-typescript compiles with openapi-fetch and runs against the server", async () => {
  const doc = JSON.parse(readFileSync(join(root, "openapi.json"), "utf8"));
  writeFileSync(join(dir, "api.ts"), astToString(await openapiTS(doc)));
  writeFileSync(join(dir, "scenario.ts"), SCENARIO);
  writeFileSync(join(dir, "misuse.ts"), MISUSE);

  expect(compile([join(dir, "scenario.ts")])).toEqual([]);
  expect(compile([join(dir, "misuse.ts")]).join("\n")).toMatch(/"mars"/);

  const url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  const { stdout } = await promisify(execFile)(process.execPath, [join(dir, "scenario.js")], { env: { ...process.env, ORGS_URL: url }, timeout: 30_000 });
  expect(JSON.parse(stdout)).toEqual([
    "signup 201",
    "create 201",
    "replayed true true",
    "unchanged 304",
    "stale 412",
    "code precondition_failed",
    "invalid 422",
    "field /name",
    "grant 201",
    "regrant 200",
    "page 1 true",
  ]);
}, 120_000);
