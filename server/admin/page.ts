// The Organization Admin page at /admin: one HTML shell, one script and one stylesheet, read once
// at start and served from memory. The script is a client of the public API (/v1, with the
// session cookie and its CSRF token): every action is an API call, so it meets the same
// authorization matrix and writes the same audit events as the CLI and the provider. Nothing is
// fetched from elsewhere; the Content-Security-Policy says so to the browser.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance, FastifyReply } from "fastify";

const PUBLIC_DIR = join(__dirname, "public");

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

const ASSETS: Record<string, string> = { "admin.js": "text/javascript; charset=utf-8", "admin.css": "text/css; charset=utf-8" };

/** The page's views; each is the same shell, the script renders the view of its path. */
export const ADMIN_VIEWS = ["/admin", "/admin/", "/admin/sign-in", "/admin/accept", "/admin/audit"];

export async function adminPage(app: FastifyInstance): Promise<void> {
  const html = readFileSync(join(PUBLIC_DIR, "index.html"), "utf8");
  const assets = Object.fromEntries(Object.keys(ASSETS).map((name) => [name, readFileSync(join(PUBLIC_DIR, name), "utf8")]));
  const secure = (res: FastifyReply) =>
    res
      .header("content-security-policy", CSP)
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "no-referrer")
      .header("x-frame-options", "DENY");
  for (const url of ADMIN_VIEWS) {
    app.get(url, async (_req, res) => secure(res).header("cache-control", "no-cache").type("text/html; charset=utf-8").send(html));
  }
  for (const [name, type] of Object.entries(ASSETS)) {
    app.get(`/admin/assets/${name}`, async (_req, res) => secure(res).header("cache-control", "no-cache").type(type).send(assets[name]));
  }
}
