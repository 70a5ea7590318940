// How the sources depend on each other: no import cycles anywhere, a Pulumi program that loads the
// SDK loads neither the HTTP client nor the schemas (they load in the provider's host), and the
// server's layers point one way: http/ and routes/ → domain/ (the rules) → store/ (the SQL).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/process";

const SOURCES = ["api", "client", "provider", "sdk", "server", "cli"];

describe("imports", () => {
  it("have no cycles", () => {
    const files = SOURCES.flatMap((d) => (readdirSync(join(ROOT, d), { recursive: true, encoding: "utf8" }) as string[]).map((f) => join(d, f))).filter(
      (f) => f.endsWith(".ts") && !f.endsWith(".test.ts"),
    );
    const imports = new Map<string, string[]>();
    for (const f of files) {
      const text = readFileSync(join(ROOT, f), "utf8");
      const local = [...text.matchAll(/^(?:import|export)[^;]*?(?:from|require\()\s*"(\.[^"]+)"/gm)]
        // A type-only import loads nothing at run time.
        .filter((m) => !/^(?:import|export) type /.test(m[0]))
        .map((m) => relative(ROOT, resolve(dirname(join(ROOT, f)), m[1]!)));
      imports.set(
        f,
        local.flatMap((p) => [`${p}.ts`, `${p}/index.ts`].filter((c) => files.includes(c))),
      );
    }
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === "done") return;
      if (state.get(f) === "open") return void cycles.push([...path.slice(path.indexOf(f)), f].join(" → "));
      state.set(f, "open");
      for (const d of imports.get(f) ?? []) visit(d, [...path, f]);
      state.set(f, "done");
    };
    for (const f of files) visit(f, []);
    expect(imports.size).toBeGreaterThan(100);
    expect(cycles).toEqual([]);
  });

  it("of the SDK load neither undici nor zod nor the API's schemas", () => {
    const loaded = JSON.parse(
      execFileSync(
        process.execPath,
        [
          "-e",
          `
      require(${JSON.stringify(join(ROOT, "dist", "sdk", "index.js"))});
      process.stdout.write(JSON.stringify(Object.keys(require.cache)));
    `,
        ],
        { encoding: "utf8" },
      ),
    ) as string[];
    const ours = loaded
      .filter((p) => p.startsWith(join(ROOT, "dist")))
      .map((p) => relative(join(ROOT, "dist"), p))
      .sort();
    // api/node-version.js, the Node check's text, imports nothing.
    expect(ours.filter((p) => !(p.startsWith("sdk/") || p.startsWith("provider/shell") || p.startsWith("api/node-version.")))).toEqual([]);
    expect(loaded.filter((p) => /node_modules\/(undici|zod)\//.test(p))).toEqual([]);
  });
});

/** Every import of a server source (type-only ones too), as paths relative to the repository. */
function serverImports(): Map<string, { path: string; typeOnly: boolean }[]> {
  const files = (readdirSync(join(ROOT, "server"), { recursive: true, encoding: "utf8" }) as string[])
    .map((f) => join("server", f))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
  return new Map(
    files.map((f) => [
      f,
      [...readFileSync(join(ROOT, f), "utf8").matchAll(/^(?:import|export)[^;]*?from\s*"(\.[^"]+)"/gm)].map((m) => ({
        path: relative(ROOT, resolve(dirname(join(ROOT, f)), m[1]!)),
        typeOnly: /^(?:import|export) type /.test(m[0]),
      })),
    ]),
  );
}

/** Whether a source holds an SQL statement in a string (comments left out). */
const holdsSql = (text: string) =>
  text
    .split("\n")
    .filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l))
    .some((l) => /\b(SELECT|INSERT INTO|DELETE FROM|UPDATE [a-z_]+ (AS [a-z]+ )?SET|SAVEPOINT|pg_(try_)?advisory_xact_lock)\b/.test(l));

describe("the server's layers", () => {
  it("point one way: domain/ and store/ import nothing from http/, routes/ or admin/; store/ takes from domain/ only types and ids.ts", () => {
    const wrong: string[] = [];
    for (const [f, imports] of serverImports()) {
      const layer = f.split("/")[1];
      for (const i of imports) {
        const to = i.path.split("/");
        if (to[0] !== "server") continue;
        if ((layer === "domain" || layer === "store") && ["http", "routes", "admin"].includes(to[1]!)) wrong.push(`${f} → ${i.path}`);
        // IDs and secret hashes are pure functions the store needs for the rows it writes.
        if (layer === "store" && to[1] === "domain" && !i.typeOnly && i.path !== "server/domain/ids") wrong.push(`${f} → ${i.path}`);
      }
    }
    expect(serverImports().size).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });

  it("keep SQL in server/store/, a function per statement: no other server source holds any", () => {
    // Migrations are SQL too: .sql files in server/store/migrations/, applied by server/store/db.ts.
    const withSql = [...serverImports().keys()].filter((f) => !f.startsWith("server/store/") && holdsSql(readFileSync(join(ROOT, f), "utf8"))).sort();
    expect(withSql).toEqual([]);
    // The heuristic finds SQL where it is: in the store, for every resource.
    for (const f of ["members", "organizations", "projects", "sessions", "idempotency-keys"]) {
      expect(holdsSql(readFileSync(join(ROOT, `server/store/${f}.ts`), "utf8")), f).toBe(true);
    }
  });
});
