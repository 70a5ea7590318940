// A real browser for the admin page's tests: Debian's Chromium (apt-get install chromium; .ci/run
// installs it) driven by playwright-core through its executablePath: no browser is downloaded.
// One browser per test file; each person in a test gets a context of its own (its own cookies).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";

export const ROOT = join(__dirname, "..", "..");

/** Where Chromium is: ORGS_CHROMIUM, or Debian's package. */
export function chromiumPath(): string {
  const path = process.env.ORGS_CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(path)) throw new Error(`no Chromium at ${path}: apt-get install -y chromium (bash .ci/run does), or set ORGS_CHROMIUM`);
  return path;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in CI containers has no user namespaces for Chromium's sandbox; /dev/shm is small there.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}

const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core on the page as it is now: no violation of impact serious or critical (WCAG 2 A and AA
 * rules). Injected through the DevTools protocol, so the page's CSP (script-src 'self') is kept.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: any[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n: { target: unknown }) => n.target).slice(0, 3) }));
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, `${what}: axe-core found serious violations: ${JSON.stringify(serious)}`).toEqual([]);
}

/** A screenshot into docs/ (the README shows them). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(join(ROOT, "docs"), { recursive: true });
  await page.screenshot({ path: join(ROOT, "docs", `${name}.png`), fullPage: true });
}
