// The loop the product exists for, with the real Pulumi CLI and a real browser: a program manages
// an organization; someone changes a member's role by hand on the admin page; `pulumi preview
// --refresh --expect-no-changes` fails and names the member and its roles; `pulumi up --refresh`
// puts it back; the page shows it back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { engineStack, programDir, type EngineStack } from "./support/pulumi";
import { engineSuite } from "./support/e2e";
import { launchBrowser, screenshot } from "./support/browser";

const suite = engineSuite("test/admin-loop.test.ts");
const { missing } = suite;
const MIN = 60_000;

describe.skipIf(!!missing)(missing ? `the admin page and pulumi — skipped: ${missing}` : "the admin page and pulumi", () => {
  let e: EngineStack;
  let browser: Browser;
  let page: Page;
  let token: string;

  beforeAll(async () => {
    token = (await suite.server.signup("owner@loop.test", "Owner")).token;
    e = await engineStack(programDir("test/programs/admin-loop"), "dev", {
      "orgs:apiUrl": suite.url,
      "orgs:apiToken": { value: token, secret: true },
      "orgs-e2e:slug": "loop",
    });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
  }, 2 * MIN);
  afterAll(async () => {
    await browser?.close();
  });

  it(
    "a role changed on the page is drift that preview --refresh --expect-no-changes names, and up puts back where the page shows it",
    async () => {
      const up = await e.stack.up(e.opts());
      expect(up.summary.result).toBe("succeeded");

      // The owner signs in on the page and gives Alice the DEFAULT role instead of Developer.
      expect((await suite.server.call(null, "POST", "/v1/sessions/sign-in-link", { email: "owner@loop.test" })).statusCode).toBe(202);
      const mail = (await suite.server.call(suite.server.operatorToken, "GET", "/v1/outbox?to=owner@loop.test")).json.items.at(-1);
      await page.goto(`${suite.url}${/\/admin\/sign-in#token=\S+/.exec(mail.text)![0]}`);
      const row = page.locator('tr[data-member="alice@loop.test"]');
      await expect(row.locator("td.roles").innerText()).resolves.toBe("Developer");
      await row.getByRole("button", { name: "Change…" }).click();
      const d = page.getByRole("dialog", { name: "Change alice@loop.test" });
      await d.getByLabel("Developer").uncheck();
      await d.getByLabel("DEFAULT").check();
      await d.getByRole("button", { name: "Save" }).click();
      await page.getByRole("status").getByText("alice@loop.test changed.").waitFor();
      await expect(row.locator("td.roles").innerText()).resolves.toBe("DEFAULT");

      // The drift gate fails and says what changed.
      const drift = await e.stack.preview(e.opts({ refresh: true, expectNoChanges: true, diff: true })).catch((err: unknown) => err);
      expect(drift).toBeInstanceOf(Error);
      const shown = e.output.at(-1) ?? "";
      expect(shown).toMatch(/Member: \(update\)[\s\S]*?urn=.*Member::alice\][\s\S]*?~ roles/);
      expect(shown).toMatch(/"DEFAULT"/);

      // up --refresh puts it back (a plain up compares with the state, which the preview did not
      // refresh), and the page shows it back.
      const back = await e.stack.up(e.opts({ refresh: true }));
      expect(back.summary.result).toBe("succeeded");
      expect(back.summary.resourceChanges).toMatchObject({ update: 1 });
      await page.reload();
      await expect(row.locator("td.roles").innerText()).resolves.toBe("Developer");
      await screenshot(page, "admin-loop");
      expect((await e.stack.preview(e.opts({ refresh: true, expectNoChanges: true }))).changeSummary).toMatchObject({ same: 4 });
    },
    6 * MIN,
  );
});
