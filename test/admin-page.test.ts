// The Organization Admin page in a real browser (Debian's Chromium through playwright-core),
// against a real server on a loopback socket: signing in through the outbox link (and with TOTP),
// creating an organization, inviting a member who accepts in a second browser context, granting a
// project to a team and to an outside account, deleting a project only once nobody has access, a
// role, 2FA enforcement, ownership transfer, what a DEFAULT member sees, 412 and 409, keyboard use,
// and axe-core on every page. The tests run in order and share one browser and one server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startTestServer, type TestServer } from "./support/server";
import { expectAccessible, launchBrowser, screenshot } from "./support/browser";
import { totp } from "../server/domain/totp";

let s: TestServer;
let url: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  s = await startTestServer();
  url = await s.app.listen({ host: "127.0.0.1", port: 0 });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await s?.close();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

/** The last mail to `email` whose text matches `re`, from the outbox (read as the operator). */
async function lastMail(email: string, re: RegExp): Promise<RegExpExecArray> {
  const r = await s.call(s.operatorToken, "GET", `/v1/outbox?to=${encodeURIComponent(email)}&limit=100`);
  for (const m of [...r.json.items].reverse()) {
    const hit = re.exec(m.text);
    if (hit) return hit;
  }
  throw new Error(`no mail to ${email} matching ${re}`);
}

/** Signs in through the page: the email form, then the link from the outbox (its path, on this server). */
async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${url}/admin`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.locator("#email").fill(email);
  await page.getByRole("button", { name: "Send sign-in link" }).click();
  await page
    .getByRole("status")
    .getByText(/A sign-in link was mailed/)
    .waitFor();
  const link = await lastMail(email, /http:\/\/\S+(\/admin\/sign-in#token=\S+)/);
  await page.goto(`${url}${link[1]}`);
}

let owner: Page;
let ownerAccount: { token: string; accountId: string; email: string };
let bob: Page;
let org: { id: string; slug: string };

// Each step is seconds alone; a minute leaves room for a loaded CI machine.
describe("the Organization Admin page", { timeout: 60_000 }, () => {
  it("signs in through the outbox link and creates an organization with its region", async () => {
    ownerAccount = await s.signup("ada@admin.test", "Ada");
    owner = await newPage();
    await owner.goto(`${url}/admin`);
    await owner.getByRole("heading", { name: "Sign in" }).waitFor();
    await expectAccessible(owner, "sign-in page");
    await screenshot(owner, "admin-sign-in");
    await signIn(owner, "ada@admin.test");
    await owner.getByRole("heading", { name: "Welcome, Ada" }).waitFor();
    await expectAccessible(owner, "welcome page");

    await owner.getByRole("button", { name: "Create organization…" }).first().click();
    const d = owner.getByRole("dialog", { name: "Create organization" });
    await d.getByLabel("Name").fill("Acme");
    await d.getByLabel("Slug").fill("acme");
    await d.getByLabel("European Union (EU)").check();
    await expectAccessible(owner, "create organization dialog");
    await d.getByRole("button", { name: "Create organization" }).click();
    await owner.getByRole("heading", { name: "Acme", level: 1 }).waitFor();
    await expect(owner.locator("dl.facts").innerText()).resolves.toMatch(/Region\s+EU \(fixed at creation\)/);
    org = (await s.call(ownerAccount.token, "GET", "/v1/organizations/acme")).json;
    expect(org.id).toMatch(/^org_/);
    // The page wrote what the API writes: the same audit event, by the signed-in account.
    const events = (await s.call(ownerAccount.token, "GET", `/v1/organizations/acme/audit-events`)).json.items;
    expect(events.at(-1)).toMatchObject({ action: "organization.created", actor: { type: "account", email: "ada@admin.test" } });
  });

  it("invites a member, who signs up and accepts in a second browser context", async () => {
    await owner.getByRole("button", { name: "Create invite…" }).click();
    const d = owner.getByRole("dialog", { name: "Create invite" });
    await d.getByLabel("Email").fill("bob@admin.test");
    await d.getByLabel("Name", { exact: true }).fill("Bob Builder");
    await d.getByLabel("Note").fill("Welcome aboard");
    // At least one team: without one the form does not submit, and says why at the first box.
    await expect(d.getByLabel("My Team").isChecked()).resolves.toBe(true);
    await d.getByLabel("My Team").uncheck();
    await d.getByRole("button", { name: "Send invitation" }).click();
    await expect(d.getByLabel("My Team").evaluate((el: HTMLInputElement) => el.validationMessage)).resolves.toBe("Choose at least one team");
    await expect(d.isVisible()).resolves.toBe(true);
    await d.getByLabel("My Team").check();
    await expectAccessible(owner, "create invite dialog");
    await d.getByRole("button", { name: "Send invitation" }).click();
    await owner.getByRole("status").getByText("Invitation sent to bob@admin.test.").waitFor();
    const row = owner.locator('tr[data-member="bob@admin.test"]');
    await expect(row.innerText()).resolves.toMatch(/invited until \d{4}-\d\d-\d\d/);
    // The name and the note are the invitation's: shown with it, and in the mail.
    await expect(row.locator(".invitee").innerText()).resolves.toBe("Bob Builder");
    await expect(row.locator(".note").innerText()).resolves.toBe("Note: Welcome aboard");
    await lastMail("bob@admin.test", /^Hello Bob Builder,\n\n.*invited you to join the organization Acme[^]*\n\nWelcome aboard\n/);

    const accept = await lastMail("bob@admin.test", /http:\/\/\S+(\/admin\/accept#token=\S+)/);
    bob = await newPage();
    await bob.goto(`${url}${accept[1]}`);
    await bob.getByText("Sign in with the email your invitation was sent to").waitFor();
    await bob.locator("#signup-name").fill("Bob");
    await bob.locator("#signup-email").fill("bob@admin.test");
    await bob.getByRole("button", { name: "Create account" }).click();
    await bob
      .getByRole("status")
      .getByText(/Account created/)
      .waitFor();
    // The sign-up token the API answers with is revoked by the page: Bob holds no API token.
    const [account] = await s.db.query<{ id: string }>("SELECT id FROM accounts WHERE email = 'bob@admin.test'");
    expect(await s.db.query("SELECT 1 FROM api_tokens WHERE account_id = $1", [account!.id])).toEqual([]);
    const link = await lastMail("bob@admin.test", /http:\/\/\S+(\/admin\/sign-in#token=\S+)/);
    await bob.goto(`${url}${link[1]}`);
    await bob.getByRole("button", { name: "Accept invitation" }).click();
    await bob.getByRole("heading", { name: "Acme", level: 1 }).waitFor();
    await owner.reload();
    await expect(owner.locator('tr[data-member="bob@admin.test"]').innerText()).resolves.toMatch(/active/);
  });

  it("a DEFAULT member sees no admin controls", async () => {
    await bob.reload();
    await bob.getByRole("heading", { name: "Accounts and invites" }).waitFor();
    for (const name of ["Create invite…", "Create role…", "Create project…", "Create team…", "Edit settings…", "Change…", "Remove", "Transfer ownership…"]) {
      expect(await bob.getByRole("button", { name, exact: true }).count(), name).toBe(0);
    }
    expect(await bob.locator("#audit-link").count()).toBe(0);
    expect(await bob.getByRole("heading", { name: "Billing" }).count()).toBe(0);
    await expect(bob.getByRole("switch").isDisabled()).resolves.toBe(true);
    await expectAccessible(bob, "organization page as a DEFAULT member");
    await screenshot(bob, "admin-member-view");
  });

  it("grants a project to a team and to an outside account, labelled member and external in text and colour", async () => {
    const carol = await s.signup("carol@outside.test");
    await owner.getByRole("button", { name: "Create project…" }).click();
    let d = owner.getByRole("dialog", { name: "Create project" });
    await d.getByLabel("Name").fill("api");
    await d.getByRole("button", { name: "Save" }).click();
    await owner
      .getByRole("status")
      .getByText(/Project api created/)
      .waitFor();
    await owner.getByRole("button", { name: "Create team…" }).click();
    d = owner.getByRole("dialog", { name: "Create team" });
    await d.getByLabel("Name").fill("Platform");
    await d.getByRole("button", { name: "Save" }).click();
    await owner.locator('[data-team="Platform"]').waitFor();

    const project = owner.locator('[data-project="api"]');
    await project.getByLabel("Who gets access to api").selectOption({ label: "Team Platform" });
    await project.getByLabel("Access level on api").selectOption("admin");
    await project.getByRole("button", { name: "Grant" }).click();
    await owner.getByRole("status").getByText("Access to api granted.").waitFor();
    // An outside account is granted by its email: the page finds the account, then grants it.
    await project.getByLabel("Who gets access to api").selectOption({ label: "An account outside the organization (by email)…" });
    await project.getByLabel("Outside account email").fill("nobody@outside.test");
    await project.getByRole("button", { name: "Grant" }).click();
    await owner
      .getByRole("alert")
      .getByText(/no account has the email nobody@outside\.test: they sign up first/)
      .waitFor();
    await project.getByLabel("Outside account email").fill("Carol@Outside.test");
    await project.getByRole("button", { name: "Grant" }).click();
    await owner.getByRole("status").getByText("Access to api granted to carol (carol@outside.test), outside the organization.").waitFor();
    await owner.locator(`[data-principal="${carol.accountId}"]`).waitFor();

    const team = (await s.call(ownerAccount.token, "GET", "/v1/organizations/acme/teams")).json.items.find((t: { name: string }) => t.name === "Platform");
    const teamChip = owner.locator(`[data-principal="${team.id}"]`);
    const carolChip = owner.locator(`[data-principal="${carol.accountId}"]`);
    await expect(teamChip.innerText()).resolves.toMatch(/^MEMBER\s*Team Platform · admin\s*\(sandbox admin, live admin\)/i);
    await expect(carolChip.innerText()).resolves.toMatch(/^EXTERNAL\s*carol@outside\.test · viewer/i);
    const colour = (l: typeof teamChip) => l.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await colour(carolChip)).toBe("rgb(219, 234, 254)"); // blue: outside the organization
    expect(await colour(teamChip)).toBe("rgb(229, 231, 235)"); // grey: the organization's own
    await expectAccessible(owner, "organization page as the owner");
  });

  it("renames a team and makes a maintainer, who then manages that team's members and no other team", async () => {
    const platform = owner.locator('[data-team="Platform"]');
    await platform.getByRole("button", { name: "Rename team Platform" }).click();
    const d = owner.getByRole("dialog", { name: "Rename team Platform" });
    await d.getByLabel("Name").fill("Platform Ops");
    await d.getByLabel("Description").fill("Runs the platform");
    await expectAccessible(owner, "rename team dialog");
    await d.getByRole("button", { name: "Save" }).click();
    await owner.getByRole("status").getByText("Team Platform saved as Platform Ops.").waitFor();
    const team = owner.locator('[data-team="Platform Ops"]');
    await expect(team.locator("h3").innerText()).resolves.toMatch(/Platform Ops\s+Runs the platform/);
    // The grant made to the team follows it: the chip shows the new name.
    await owner.getByText(/Team Platform Ops · admin/).waitFor();

    // Bob joins the team as its maintainer.
    await team.getByLabel("Member to add to Platform Ops").selectOption({ label: "bob@admin.test" });
    await team.getByLabel("Team role in Platform Ops").selectOption("maintainer");
    await team.getByRole("button", { name: "Add" }).click();
    await owner.getByRole("status").getByText("bob@admin.test added to Platform Ops as maintainer.").waitFor();
    await expect(team.locator('tr[data-team-member="bob@admin.test"]').innerText()).resolves.toMatch(/maintainer/);
    await team.getByLabel("Member to add to Platform Ops").selectOption({ label: "ada@admin.test" });
    await team.getByRole("button", { name: "Add" }).click();
    await team.locator('tr[data-team-member="ada@admin.test"]').waitFor();

    // As maintainer, Bob manages Platform Ops' members, and nothing else (no rename, no other team).
    await bob.reload();
    const bobsTeam = bob.locator('[data-team="Platform Ops"]');
    await bobsTeam.getByText("you maintain this team").waitFor();
    await expect(bobsTeam.getByRole("button", { name: "Make member bob@admin.test in Platform Ops" }).count()).resolves.toBe(1);
    // The owner's teams are the owner's to change: Bob sees Ada in the team, with no control.
    await expect(bobsTeam.locator('tr[data-team-member="ada@admin.test"] button').count()).resolves.toBe(0);
    expect(await bob.getByRole("button", { name: /^Rename team/ }).count()).toBe(0);
    expect(await bob.locator('[data-team="My Team"] button').count()).toBe(0);
    await expectAccessible(bob, "organization page as a team maintainer");
    // Bob's only team would be taken: the button says why it is disabled.
    const takeOut = bobsTeam.getByRole("button", { name: "Take out bob@admin.test from Platform Ops" });
    await expect(takeOut.isDisabled()).resolves.toBe(false); // Bob is in My Team too
    await takeOut.click();
    await bob.getByRole("status").getByText("bob@admin.test is no longer in Platform Ops.").waitFor();
    // His row is gone: the focus goes to the team's heading, not to the top of the page.
    await expect(
      bob.evaluate(() => [document.activeElement?.tagName, document.activeElement?.closest("[data-team]")?.getAttribute("data-team")]),
    ).resolves.toEqual(["H3", "Platform Ops"]);
    const events = (await s.call(ownerAccount.token, "GET", "/v1/organizations/acme/audit-events?limit=10")).json.items;
    expect(events[0]).toMatchObject({ action: "team_membership.removed", actor: { type: "account", email: "bob@admin.test" } });
    expect(events.map((e: { action: string }) => e.action)).toContain("team.updated");
    await owner.reload();
    await owner.locator('[data-team="Platform Ops"]').waitFor();
    const only = owner.locator('[data-team="My Team"] tr[data-team-member="bob@admin.test"]').getByRole("button", { name: /^Take out bob/ });
    await expect(only.isDisabled()).resolves.toBe(true);
    await expect(only.locator("xpath=..").getAttribute("title")).resolves.toBe("My Team is the only team of bob@admin.test: add them to another team first.");
    await expectAccessible(owner, "organization page as the owner, with teams");
    await screenshot(owner, "admin-organization");
  });

  it("a project with access cannot be deleted (disabled, and the tooltip says why); after revoking, it can", async () => {
    const project = owner.locator('[data-project="api"]');
    const del = project.getByRole("button", { name: "Delete", exact: true });
    await expect(del.isDisabled()).resolves.toBe(true);
    await expect(project.locator("span[title]").first().getAttribute("title")).resolves.toBe(
      "Revoke its 2 access grants first: a project with access cannot be deleted.",
    );
    await project.getByRole("button", { name: /^Revoke Team Platform Ops's access/ }).click();
    await owner
      .getByRole("status")
      .getByText(/no longer has access/)
      .waitFor();
    await project.getByRole("button", { name: "Revoke carol@outside.test's access to api" }).click();
    await project.getByText("No role or account has access.").waitFor();
    await expect(del.isDisabled()).resolves.toBe(false);
    await del.click();
    await owner.getByRole("dialog", { name: "Delete project api?" }).getByRole("button", { name: "Delete project" }).click();
    await owner.getByRole("status").getByText("Project api deleted.").waitFor();
    expect(await owner.locator('[data-project="api"]').count()).toBe(0);
    expect((await s.call(ownerAccount.token, "GET", "/v1/organizations/acme/projects")).json.items).toEqual([]);
  });

  it("creates a role with its permissions", async () => {
    await owner.getByRole("button", { name: "Create role…" }).click();
    const d = owner.getByRole("dialog", { name: "Create role" });
    await d.getByLabel("Name").fill("Billing admin");
    await d.getByLabel("Manage billing (billing)").check();
    await d.getByLabel("Manage plans (plans)").check();
    await d.getByRole("button", { name: "Save" }).click();
    await expect(owner.locator('tr[data-role="Billing admin"]').innerText()).resolves.toMatch(/Manage billing, Manage plans/);
  });

  it("a 409 names the clash; a 412 offers a reload", async () => {
    await owner.getByRole("button", { name: "Create team…" }).click();
    const d = owner.getByRole("dialog", { name: "Create team" });
    await d.getByLabel("Name").fill("platform ops");
    await d.getByRole("button", { name: "Save" }).click();
    await owner
      .getByRole("alert")
      .getByText(/Conflict:.*platform ops/i)
      .waitFor();

    // Someone renames the organization after the page loaded it.
    expect((await s.call(ownerAccount.token, "PATCH", "/v1/organizations/acme", { website_url: "https://acme.example" })).statusCode).toBe(200);
    await owner.getByRole("button", { name: "Edit settings…" }).click();
    const e = owner.getByRole("dialog", { name: "Organization settings" });
    await e.getByLabel("Name").fill("Acme Corp");
    await e.getByRole("button", { name: "Save" }).click();
    const alert = owner.getByRole("alert");
    await alert.getByText("Someone changed this meanwhile.").waitFor();
    await alert.getByRole("button", { name: "Reload" }).click();
    await owner.getByRole("link", { name: "https://acme.example" }).waitFor();
    expect((await s.call(ownerAccount.token, "GET", "/v1/organizations/acme")).json.name).toBe("Acme");
  });

  it("works from the keyboard: skip link, buttons, dialogs that Escape closes and that return focus", async () => {
    await owner.reload();
    await owner.getByRole("heading", { name: "Acme", level: 1 }).waitFor();
    // Every section rendered and no request pending: a section that renders late replaces the element that has the focus.
    await owner.getByRole("button", { name: "Create role…" }).waitFor();
    await owner.waitForLoadState("networkidle");
    await owner.keyboard.press("Tab");
    await expect(owner.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Skip to content");
    const requests: string[] = [];
    const record = (r: { url(): string }) => requests.push(r.url());
    owner.on("request", record);
    await owner.keyboard.press("Enter");
    await expect(owner.evaluate(() => document.activeElement?.id)).resolves.toBe("main");
    // Tab to "Create role…" and open it with Enter, fill it with the keyboard, Escape cancels.
    for (let i = 0; i < 60; i++) {
      await owner.keyboard.press("Tab");
      if ((await owner.evaluate(() => document.activeElement?.textContent)) === "Create role…") break;
    }
    await expect(owner.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Create role…");
    // The skip link moved the focus and did nothing else: rendering the page again under it would
    // have taken the focus from wherever the user had tabbed to.
    owner.off("request", record);
    expect(requests).toEqual([]);
    await owner.keyboard.press("Enter");
    const d = owner.getByRole("dialog", { name: "Create role" });
    await d.waitFor();
    await owner.keyboard.type("Keyboard");
    await expect(d.getByLabel("Name").inputValue()).resolves.toBe("Keyboard");
    await owner.keyboard.press("Escape");
    await d.waitFor({ state: "detached" });
    await expect(owner.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Create role…");
    // Enter again, and submit with Enter from the name field.
    await owner.keyboard.press("Enter");
    await owner.keyboard.type("Keyboard");
    await owner.keyboard.press("Enter");
    await owner.locator('tr[data-role="Keyboard"]').waitFor();
    // The page rendered again with the new role, and the focus is where it was, not at the top.
    await expect(owner.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Create role…");
  });

  it("the 2FA switch refuses with the server's message until the owner has 2FA; then it enforces it", async () => {
    const sw = owner.getByRole("switch", { name: /Require two-factor authentication/ });
    await sw.click();
    await owner
      .getByRole("alert")
      .getByText(/enable two-factor authentication on your own account first/)
      .waitFor();
    await expect(sw.getAttribute("aria-checked")).resolves.toBe("false");

    const e = await s.call(ownerAccount.token, "POST", "/v1/me/two-factor");
    await s.call(ownerAccount.token, "POST", "/v1/me/two-factor/confirm", { code: totp(e.json.secret, s.clock.current()) });
    s.clock.advance(31_000);
    await sw.click();
    await owner.getByRole("status").getByText("Two-factor authentication is now required for every member.").waitFor();
    await expect(owner.getByRole("switch").getAttribute("aria-checked")).resolves.toBe("true");
    expect((await s.call(ownerAccount.token, "GET", "/v1/organizations/acme")).json.require_two_factor).toBe(true);
    // Bob has no 2FA: the page says what the API says.
    await bob.reload();
    await bob
      .getByRole("alert")
      .getByText(/requires two-factor authentication/)
      .waitFor();

    // Signing in again now takes the authenticator's code.
    const again = await newPage();
    await signIn(again, "ada@admin.test");
    await again.getByRole("heading", { name: "Two-factor authentication" }).waitFor();
    await expectAccessible(again, "two-factor page");
    await screenshot(again, "admin-two-factor");
    await again.getByLabel("Code").fill(totp(e.json.secret, s.clock.current()));
    await again.getByRole("button", { name: "Verify" }).click();
    await again.getByRole("heading", { name: "Acme", level: 1 }).waitFor();
    // Back to no requirement, so Bob can take ownership below.
    await sw.click();
    await owner.getByRole("status").getByText("Two-factor authentication is no longer required.").waitFor();
  });

  it("transfers ownership after a confirmation that names the new owner", async () => {
    await owner.reload();
    await owner.getByLabel("New owner").selectOption({ label: "bob@admin.test" });
    await owner.getByRole("button", { name: "Transfer ownership…" }).click();
    const d = owner.getByRole("dialog", { name: "Transfer ownership?" });
    await d.getByText("bob@admin.test becomes the owner of Acme.").waitFor();
    await d.getByRole("button", { name: "Make bob@admin.test the owner" }).click();
    await owner.getByRole("status").getByText("Ownership transferred: bob@admin.test is now the owner of Acme.").waitFor();
    expect(await owner.getByRole("heading", { name: "Transfer ownership" }).count()).toBe(0);
    const o = (await s.call(ownerAccount.token, "GET", "/v1/organizations/acme")).json;
    const [bobAccount] = await s.db.query<{ id: string }>("SELECT id FROM accounts WHERE email = 'bob@admin.test'");
    expect(o.owner_account_id).toBe(bobAccount!.id);
    await expect(owner.locator('tr[data-member="ada@admin.test"] td.roles').innerText()).resolves.toBe("ADMIN");
  });

  it("the audit log filters and pages", async () => {
    await owner.getByRole("link", { name: "Audit log" }).click();
    await owner.getByRole("heading", { name: "Audit log" }).waitFor();
    await expect(owner.locator("tbody tr").first().innerText()).resolves.toMatch(/ownership\.transferred/);
    await expectAccessible(owner, "audit log");
    await screenshot(owner, "admin-audit");
    await owner.getByLabel("Action (e.g. member.added)").fill("role.created");
    await owner.getByRole("button", { name: "Filter" }).click();
    await owner.waitForURL(/action=role\.created/);
    // The filtered page replaces the whole table once its answer arrives.
    await expect.poll(() => owner.locator("tbody tr").count()).toBe(2);
    const rows = await owner.locator("tbody tr").allInnerTexts();
    expect(rows.every((r) => r.includes("role.created"))).toBe(true);
    await owner.goto(`${url}/admin/audit?org=acme&limit=3`);
    await owner.locator("#audit-next").click();
    await owner.waitForURL(/cursor=/);
    await owner.getByRole("heading", { name: "Audit log" }).waitFor();
    await expect.poll(() => owner.locator("tbody tr").count()).toBe(3);
  });

  it("switches organizations and moves a project to another one", async () => {
    await owner.goto(`${url}/admin?org=acme`);
    await owner.getByRole("button", { name: "Create organization…" }).click();
    const d = owner.getByRole("dialog", { name: "Create organization" });
    await d.getByLabel("Name").fill("Beta");
    await d.getByLabel("Slug").fill("beta");
    await d.getByLabel("United States (US)").check();
    await d.getByRole("button", { name: "Create organization" }).click();
    await owner.getByRole("heading", { name: "Beta", level: 1 }).waitFor();
    await owner.getByLabel("Organization", { exact: true }).selectOption("acme");
    await owner.getByRole("heading", { name: "Acme", level: 1 }).waitFor();
    await owner.getByRole("button", { name: "Create project…" }).click();
    const p = owner.getByRole("dialog", { name: "Create project" });
    await p.getByLabel("Name").fill("web");
    await p.getByRole("button", { name: "Save" }).click();
    const project = owner.locator('[data-project="web"]');
    await project.getByLabel("Organization to move web to").selectOption({ label: "beta" });
    await project.getByRole("button", { name: "Transfer project…" }).click();
    await owner.getByRole("dialog", { name: "Transfer web?" }).getByRole("button", { name: "Transfer to beta" }).click();
    await owner.getByRole("status").getByText("web moved to beta.").waitFor();
    await owner.getByLabel("Organization", { exact: true }).selectOption("beta");
    await owner.locator('[data-project="web"]').waitFor();
  });

  it("signs out", async () => {
    await owner.getByRole("button", { name: "Sign out" }).click();
    await owner.getByRole("heading", { name: "Sign in" }).waitFor();
    await owner.goto(`${url}/admin?org=acme`);
    await owner.getByRole("heading", { name: "Sign in" }).waitFor();
  });
});
