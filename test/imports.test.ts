// How the sources depend on each other: no import cycles anywhere, and a Pulumi program that
// loads the SDK loads neither the HTTP client nor the schemas (they load in the provider's host).
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
