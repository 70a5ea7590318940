// Install benchmark: what a Pulumi program pays to install orgs (issue 25). In a new directory
// each time, as a user would (`npm init -y`, then the README's `npm install @pulumi/pulumi
// <orgs tarball>`, the registry reachable), it measures the install's wall time, the size of
// node_modules (bytes of the files) and the packages in it, beside a floor measured in the same
// run: `npm install @pulumi/pulumi` alone, which every Pulumi program pays anyway.
//
//   npm run bench:install                      the orgs package packed from this checkout
//   npm run bench:install -- a.tgz b.tgz       these tarballs instead (e.g. an older version's)
//
// Each case runs BENCH_RUNS times (3), alternating with the others so the machine's load falls on
// all of them alike, with a cold npm cache (a new --cache directory: every tarball downloaded) and
// with a warm one (the same cache again: what a second program on the machine pays). Medians.
import { execFileSync, spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { ROOT, privateTmpdir } from "../test/support/process";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PULUMI = JSON.parse(readFileSync(join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version as string;

interface Sample {
  seconds: number;
  bytes: number;
  packages: number;
}

/** Bytes of every file under `dir` (symlinks not followed), and the package.json files of packages in it. */
function measureTree(dir: string): { bytes: number; packages: number } {
  let bytes = 0;
  let packages = 0;
  const walk = (d: string, inModules: boolean) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) {
        if (inModules && !e.name.startsWith("@") && !e.name.startsWith(".")) packages++;
        walk(p, e.name === "node_modules" || (inModules && e.name.startsWith("@")));
      } else bytes += lstatSync(p).size;
    }
  };
  walk(join(dir, "node_modules"), true);
  return { bytes, packages };
}

function install(specs: string[], cache: string): Sample {
  const dir = mkdtempSync(join(tmpdir(), "program-"));
  execFileSync("npm", ["init", "-y"], { cwd: dir, stdio: "ignore" });
  const t0 = performance.now();
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--cache", cache, ...specs], { cwd: dir, encoding: "utf8" });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`npm install ${specs.join(" ")} failed:\n${r.stderr}`);
  return { seconds, ...measureTree(dir) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function main() {
  const cleanup = privateTmpdir("orgs-bench-install-");
  try {
    let tarballs = process.argv.slice(2).map((t) => resolve(t));
    if (tarballs.length === 0) {
      const out = mkdtempSync(join(tmpdir(), "pack-"));
      const stdout = execFileSync("npm", ["pack", "--json", "--pack-destination", out, "--loglevel=error"], { cwd: ROOT, encoding: "utf8" });
      tarballs = [join(out, JSON.parse(stdout.slice(stdout.indexOf("[")))[0].filename)];
    }
    const cases = [
      { name: `floor: @pulumi/pulumi@${PULUMI} alone`, specs: [`@pulumi/pulumi@${PULUMI}`] },
      ...tarballs.map((t) => ({ name: `@pulumi/pulumi + ${basename(t)}`, specs: [`@pulumi/pulumi@${PULUMI}`, t] })),
    ];
    const samples = new Map<string, { cold: Sample[]; warm: Sample[] }>(cases.map((c) => [c.name, { cold: [], warm: [] }]));
    for (let i = 0; i < RUNS; i++) {
      for (const c of cases) {
        const cache = mkdtempSync(join(tmpdir(), "npm-cache-"));
        const cold = install(c.specs, cache);
        const warm = install(c.specs, cache);
        samples.get(c.name)!.cold.push(cold);
        samples.get(c.name)!.warm.push(warm);
        process.stderr.write(
          `  run ${i + 1}/${RUNS} ${c.name}: cold ${cold.seconds.toFixed(1)} s, warm ${warm.seconds.toFixed(1)} s, ${(cold.bytes / 1e6).toFixed(1)} MB\n`,
        );
      }
    }
    const floor = samples.get(cases[0]!.name)!;
    const rows = [["install", "node_modules MB", "packages", "cold s (median)", "warm s (median)", "MB ÷ floor", "cold ÷ floor", "warm ÷ floor"]];
    for (const c of cases) {
      const s = samples.get(c.name)!;
      const mb = median(s.cold.map((x) => x.bytes)) / 1e6;
      const cold = median(s.cold.map((x) => x.seconds));
      const warm = median(s.warm.map((x) => x.seconds));
      const f = {
        mb: median(floor.cold.map((x) => x.bytes)) / 1e6,
        cold: median(floor.cold.map((x) => x.seconds)),
        warm: median(floor.warm.map((x) => x.seconds)),
      };
      rows.push([
        c.name,
        mb.toFixed(1),
        String(median(s.cold.map((x) => x.packages))),
        cold.toFixed(1),
        warm.toFixed(1),
        (mb / f.mb).toFixed(2),
        (cold / f.cold).toFixed(2),
        (warm / f.warm).toFixed(2),
      ]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    process.stdout.write(`\n${RUNS} runs per case, npm ${execFileSync("npm", ["-v"], { encoding: "utf8" }).trim()}, Node ${process.versions.node}\n`);
    for (const r of rows) process.stdout.write(r.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join("  ") + "\n");
  } finally {
    cleanup();
  }
}

main();
