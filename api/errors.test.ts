// The error catalogue is the single list of codes: each one is documented in the README with its
// status, and each one is raised somewhere in the server (no dead codes, no undocumented ones).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERRORS, ERROR_CODES } from "./errors";

const root = join(__dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith(".ts") && !p.endsWith(".test.ts") ? [readFileSync(p, "utf8")] : [];
  });
}
const server = sources(join(root, "server")).join("\n");

describe("error catalogue", () => {
  it.each(ERROR_CODES)("%s is in the README's error table with its status", (code) => {
    expect(readme).toMatch(new RegExp(`\\| \`${code}\` \\| ${ERRORS[code].status} \\|`));
  });

  it.each(ERROR_CODES)("%s is raised by the server", (code) => {
    expect(server).toMatch(new RegExp(`["'\`]${code}["'\`]`));
  });
});
