// auth:*, token:* and 2fa:* — who you are, how you log in, and your API tokens.
import { OrgsApiError } from "../../client";
import { command, type CommandDef, type RunCtx } from "../command";
import { UsageError } from "../errors";
import { configPath, describeSource, noUrl, readConfig, removeConfig, writeConfig } from "../config";
import { ask, readStdin } from "../prompt";

const CODE_ARG = { name: "code", description: "The current 6-digit code from your authenticator app" };

/** "30d", "12h", "1y" or an RFC 3339 date, as an ISO timestamp. */
export function parseWhen(flag: string, v: string, direction: 1 | -1, now = Date.now()): string {
  const m = /^(\d+)\s*([smhdwy])$/.exec(v.trim());
  if (m) {
    const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3, y: 365 * 86400e3 }[m[2] as "s"];
    return new Date(now + direction * Number(m[1]) * unit).toISOString();
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`invalid --${flag} "${v}"`, "use a duration such as 30d, 12h, 1y, or a date such as 2025-06-01T00:00:00Z");
  return new Date(t).toISOString();
}

function apiUrlForLogin(ctx: RunCtx): string {
  if (!ctx.credentials.apiUrl) throw noUrl();
  return ctx.credentials.apiUrl;
}

/** After saving a token: says so when ORGS_API_TOKEN holds another one, which later commands would use instead. */
function warnIfOutranked(ctx: RunCtx, saved: string, email: string): void {
  const env = ctx.env.ORGS_API_TOKEN;
  if (!env || env === saved) return;
  ctx.out.note(
    `Note: ORGS_API_TOKEN is set and outranks the token just saved, so later commands still use it. Run \`unset ORGS_API_TOKEN\` to act as ${email}.`,
  );
}

/** When the token in use (from --token or ORGS_API_TOKEN) hides the one auth:login saved. */
function outranks(ctx: RunCtx): string | undefined {
  if (ctx.credentials.tokenSource === "config") return undefined;
  let saved: string | undefined;
  try {
    saved = readConfig(ctx.env).token;
  } catch {
    return undefined; // an unreadable file holds no token to hide
  }
  return saved && saved !== ctx.credentials.token ? `it outranks the token saved in ${configPath(ctx.env)}` : undefined;
}

export const accountCommands: CommandDef[] = [
  command({
    name: "auth:login",
    summary: "Verify an API token and save it for later commands",
    description:
      "The token comes from --token, or from stdin when piped (echo $TOKEN | orgs auth:login), or is asked for. " +
      "It is checked with GET /v1/me, then saved with the API URL in $XDG_CONFIG_HOME/orgs/config.json (or ~/.config/orgs/config.json), readable only by you. " +
      "Later commands use, in order: --api-url/--token, then ORGS_API_URL/ORGS_API_TOKEN, then this file.",
    noAuth: true,
    noFormat: true,
    examples: ["orgs auth:login --api-url https://orgs.example.com --token omt_…", 'echo "$TOKEN" | orgs auth:login --api-url https://orgs.example.com'],
    async run(ctx) {
      const apiUrl = apiUrlForLogin(ctx);
      let token = ctx.flags.token;
      if (!token) token = ctx.io.stdin.isTTY ? await ask("API token: ", ctx.io) : await readStdin(ctx.io.stdin);
      token = token.trim();
      if (!token) throw new UsageError("no token given", "pass --token, pipe it on stdin, or paste it when asked");
      const client = ctx.clientFor(apiUrl, token);
      const me = (await client.call("getMe")).body;
      const path = writeConfig(ctx.env, { ...readConfig(ctx.env), api_url: apiUrl, token });
      ctx.out.note(`Logged in to ${apiUrl} as ${me.email} (${me.id}). Saved to ${path}.`);
      warnIfOutranked(ctx, token, me.email);
    },
  }),
  command({
    name: "auth:logout",
    summary: "Forget the saved token (it stays valid: revoke it with token:revoke)",
    examples: ["orgs auth:logout"],
    noAuth: true,
    noFormat: true,
    async run(ctx) {
      const removed = removeConfig(ctx.env);
      ctx.out.note(removed ? `Removed ${configPath(ctx.env)}.` : "You were not logged in (no saved token).");
      if (ctx.env.ORGS_API_TOKEN) ctx.out.note("Note: ORGS_API_TOKEN is still set in your environment.");
    },
  }),
  command({
    name: "auth:whoami",
    summary: "Show your account, your organizations and where your credentials come from",
    examples: ["orgs auth:whoami", "orgs auth:whoami --format json"],
    description:
      "The token used is the first found of: --token, ORGS_API_TOKEN, the file orgs auth:login saved. The table says which; " +
      "with --format json, a note on stderr says so when the token used hides the saved one.",
    async run(ctx) {
      const me = (await ctx.client().call("getMe")).body;
      const cred = ctx.credentials;
      const hidden = outranks(ctx);
      const source = `from ${describeSource(cred.tokenSource, "token", ctx.env)}${hidden ? ` (${hidden})` : ""}`;
      if (ctx.out.format === "json") {
        if (hidden) ctx.out.note(`Token ${source}.`);
        return ctx.out.json(me);
      }
      ctx.out.item(me, [
        ["id", "id"],
        ["email", "email"],
        ["name", "name"],
        ["two_factor_enabled", "two_factor_enabled"],
        ["organizations", () => me.memberships.map((m) => (m.is_owner ? `${m.organization_slug} (owner)` : m.organization_slug))],
        ["api_url", () => `${cred.apiUrl} (from ${describeSource(cred.apiUrlSource, "url", ctx.env)})`],
        ["token", () => source],
      ]);
    },
  }),
  command({
    name: "auth:signup",
    summary: "Create an account (POST /v1/accounts); prints its first API token",
    examples: ['orgs auth:signup ada@example.com --name "Ada Lovelace" --login --api-url http://127.0.0.1:8080'],
    noAuth: true,
    args: [{ name: "email", description: "Your email" }],
    flags: {
      name: { type: "string", description: "Your name (default: the part before @)" },
      login: { type: "boolean", description: "Save the new token as with auth:login" },
    },
    async run(ctx) {
      const email = ctx.args.email;
      const apiUrl = apiUrlForLogin(ctx);
      const { body } = await ctx.clientFor(apiUrl).call("createAccount", { body: { email, name: ctx.flags.name ?? email.split("@")[0]! } });
      if (ctx.flags.login) {
        const path = writeConfig(ctx.env, { ...readConfig(ctx.env), api_url: apiUrl, token: body.token.token });
        ctx.out.note(`Created account ${body.account.email} and logged in (saved to ${path}).`);
        warnIfOutranked(ctx, body.token.token, body.account.email);
        // Saved, so not printed: a secret on the screen stays in scrollback and screenshots.
        const { token: _secret, ...token } = body.token;
        if (ctx.out.format === "json") return ctx.out.json({ ...body, token });
        return ctx.out.item({ ...body.account, token_expires_at: token.expires_at });
      }
      ctx.out.note(`Created account ${body.account.email}. Copy the token now, it is not shown again; log in with orgs auth:login --token <token>.`);
      if (ctx.out.format === "json") return ctx.out.json(body);
      ctx.out.item({ ...body.account, token: body.token.token, token_expires_at: body.token.expires_at });
    },
  }),
  command({
    name: "token:create",
    summary: "Create an API token; the secret is shown once",
    examples: ["orgs token:create ci --expires-in 30d --orgs acme", "orgs token:create deploy --expires-at 2027-01-01T00:00:00Z --format json"],
    args: [{ name: "name", description: "A name to recognise the token by" }],
    flags: {
      "expires-in": { type: "string", description: "Lifetime such as 30d, 12h, 1y (default 90d, at most 1y)", placeholder: "duration" },
      "expires-at": { type: "string", description: "Expiry as an RFC 3339 date (instead of --expires-in)", placeholder: "date" },
      orgs: { type: "string", multiple: true, description: "Limit the token to these organizations (slugs or IDs); default: all yours", placeholder: "list" },
    },
    async run(ctx) {
      const at = ctx.flags["expires-at"];
      const expires_at = at ? parseWhen("expires-at", at, 1) : parseWhen("expires-in", ctx.flags["expires-in"] ?? "90d", 1);
      const c = ctx.client();
      const refs = ctx.flags.orgs;
      const organization_ids =
        refs && (await Promise.all(refs.map(async (r) => (r.startsWith("org_") ? r : (await c.call("getOrganization", { params: { org: r } })).body.id))));
      const { body } = await c.call("createToken", { body: { name: ctx.args.name, expires_at, organization_ids } });
      ctx.out.changed("Copy the token now: it is not shown again.", body);
    },
  }),
  command({
    name: "token:list",
    summary: "List your API tokens (never their secrets)",
    examples: ["orgs token:list"],
    async run(ctx) {
      const tokens = await ctx.fetchAll("Fetching tokens", "listTokens", {});
      ctx.out.list(tokens, [
        ["ID", "id"],
        ["Name", "name"],
        ["Last4", "last4"],
        ["Organizations", (t) => t.organization_ids ?? "all"],
        ["Expires", "expires_at"],
        ["Last used", "last_used_at"],
      ]);
    },
  }),
  command({
    name: "token:revoke",
    summary: "Revoke one of your API tokens",
    examples: ["orgs token:revoke ci", "orgs token:revoke tok_… --yes"],
    destructive: true,
    args: [{ name: "token", description: "Token ID (tok_…) or its name" }],
    async run(ctx) {
      const ref = ctx.args.token;
      const c = ctx.client();
      const tokens = await c.listAll("listTokens");
      const named = tokens.filter((t) => t.name === ref);
      if (!ref.startsWith("tok_") && named.length !== 1) {
        throw new OrgsApiError(
          404,
          "not_found",
          named.length ? `${named.length} tokens are named ${ref}: revoke one by ID (see orgs token:list)` : `no token named ${ref}: see orgs token:list`,
        );
      }
      // An ID not among yours is left for the API to refuse.
      const token = ref.startsWith("tok_") ? tokens.find((t) => t.id === ref) : named[0];
      const id = token?.id ?? ref;
      const label = token ? `${token.name} (${token.id})` : ref;
      await ctx.confirm(`Revoke token ${label}? Anything using it stops working`);
      await c.call("deleteToken", { params: { token_id: id } });
      ctx.out.removed(`Revoked token ${label}.`, token ?? { id });
    },
  }),
  command({
    name: "2fa:enroll",
    summary: "Start two-factor enrolment: prints the secret for your authenticator app",
    examples: ["orgs 2fa:enroll"],
    async run(ctx) {
      const { body } = await ctx.client().call("enrollTwoFactor");
      ctx.out.changed("Add this secret to your authenticator app, then run orgs 2fa:confirm <code>.", body);
    },
  }),
  command({
    name: "2fa:confirm",
    summary: "Finish enrolment with a current code; turns two-factor on",
    examples: ["orgs 2fa:confirm 123456"],
    args: [CODE_ARG],
    async run(ctx) {
      const { body } = await ctx.client().call("confirmTwoFactor", { body: { code: ctx.args.code } });
      ctx.out.changed("Two-factor authentication is on.", body);
    },
  }),
  command({
    name: "2fa:disable",
    summary: "Turn two-factor off (needs a current code)",
    examples: ["orgs 2fa:disable 123456"],
    noFormat: true,
    args: [CODE_ARG],
    async run(ctx) {
      await ctx.client().call("disableTwoFactor", { body: { code: ctx.args.code } });
      ctx.out.note("Two-factor authentication is off. Organizations that require it will refuse your calls.");
    },
  }),
];
