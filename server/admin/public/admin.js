// The Organization Admin page: a client of the public API (/v1) with the session cookie. Every
// change is one API call, so the server's rules, the authorization matrix and the audit log apply
// as they do to the CLI. What the signed-in account may do is read from its own member record
// (is_owner, role_ids, effective_permissions) and mapped to the matrix of org-api.md §4 in `can`
// below: a control the account may not use is left out (or shown disabled with the reason), never
// offered and then refused.

const PERMISSIONS = [
  ["members", "Manage users"],
  ["billing", "Manage billing"],
  ["plans", "Manage plans"],
  ["projects:create", "Create projects"],
];
const PERMISSION_LABEL = Object.fromEntries(PERMISSIONS);
let csrf = null;
let session = null;

// ---------------------------------------------------------------------------------------------
// DOM and API helpers

/** h("button", {onclick, class: "x"}, "text", child…): an element, children as text nodes or elements. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "value") el.value = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

class Problem extends Error {
  constructor(status, body) {
    super(body?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
  }
}

async function api(method, path, body, opts = {}) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrf) headers["x-csrf-token"] = csrf;
  if (opts.version !== undefined) headers["if-match"] = `"${opts.version}"`;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) throw new Problem(res.status, json);
  return json;
}

/** Every item of a cursor-paged list. */
async function all(path) {
  const items = [];
  let url = path + (path.includes("?") ? "&" : "?") + "limit=100";
  for (;;) {
    const page = await api("GET", url);
    items.push(...page.items);
    if (!page.next_cursor) return items;
    url = path + (path.includes("?") ? "&" : "?") + "limit=100&cursor=" + encodeURIComponent(page.next_cursor);
  }
}

const notice = () => document.getElementById("notice");
const status = () => document.getElementById("status");

function say(message) {
  notice().replaceChildren();
  status().replaceChildren(message);
}

/** Shows an API refusal: a 412 offers a reload, a 409 names the clash, field errors are listed. */
function showError(err, reload) {
  status().replaceChildren();
  const el = notice();
  if (!(err instanceof Problem)) {
    el.replaceChildren(`Something went wrong: ${err.message}`);
    return;
  }
  const b = err.body;
  const fields = (b.errors ?? []).map((e) => h("li", {}, `${e.field || "body"}: ${e.message}`));
  if (err.status === 412) {
    el.replaceChildren(
      h("strong", {}, "Someone changed this meanwhile. "),
      `${b.detail ?? ""} `,
      h("button", { type: "button", onclick: () => (reload ? reload() : location.reload()) }, "Reload"),
    );
  } else if (err.status === 409) {
    el.replaceChildren(h("strong", {}, "Conflict: "), b.detail ?? b.title, fields.length ? h("ul", {}, fields) : null);
  } else {
    el.replaceChildren(h("strong", {}, `${b.title ?? "Error"}: `), b.detail ?? "", fields.length ? h("ul", {}, fields) : null);
  }
  el.focus?.();
}

/** A modal form: resolves with the form's FormData on submit, null on cancel (Esc or the button). */
function dialog(title, body, submitLabel = "Save", { danger = false } = {}) {
  return new Promise((resolve) => {
    const form = h(
      "form",
      { method: "dialog" },
      h("h2", { id: "dialog-title" }, title),
      body,
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", value: "cancel", onclick: () => close(null) }, "Cancel"),
        h("button", { type: "submit", class: danger ? "danger" : "primary" }, submitLabel),
      ),
    );
    const d = h("dialog", { "aria-labelledby": "dialog-title" }, form);
    const opener = document.activeElement;
    const place = focusPlace();
    let done = false;
    const close = (v) => {
      if (done) return;
      done = true;
      d.close();
      d.remove();
      // A render while the dialog was open replaced its opener: focus what took its place.
      if (opener?.isConnected) opener.focus();
      else refocus(place);
      resolve(v);
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      close(new FormData(form));
    });
    d.addEventListener("cancel", () => close(null));
    document.body.append(d);
    d.showModal();
  });
}

let fieldIds = 0;
/** A labelled input; a hint describes it (aria-describedby) without being part of its name. */
function field(label, input, hint) {
  input.id ||= `field-${++fieldIds}`;
  if (hint) input.setAttribute("aria-describedby", `${input.id}-hint`);
  return h("div", { class: "field" }, h("label", { for: input.id }, label), input, hint ? h("div", { class: "hint", id: `${input.id}-hint` }, hint) : null);
}
const checkbox = (name, value, label, { checked = false, disabled = false, title } = {}) =>
  h("label", { class: "inline", title }, h("input", { type: "checkbox", name, value, checked, disabled }), label);
const date = (iso) => (iso ? new Date(iso).toISOString().slice(0, 10) : "");
const when = (iso) => (iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "");

/** Runs an action, then re-renders; refusals are shown, never swallowed. */
async function act(fn, done, reload) {
  try {
    const message = await fn();
    await reload();
    if (message) say(message);
  } catch (err) {
    showError(err, reload);
  } finally {
    done?.();
  }
}

// ---------------------------------------------------------------------------------------------
// The header: the organization switcher, create organization, who is signed in, sign-out

function renderHeader(me, currentSlug) {
  const nav = document.getElementById("account");
  if (!me) return nav.replaceChildren();
  const orgs = me.memberships;
  const switcher = orgs.length
    ? h(
        "span",
        { class: "row" },
        h("label", { for: "org-switcher" }, "Organization"),
        h(
          "select",
          { id: "org-switcher", onchange: (e) => navigate(`/admin?org=${encodeURIComponent(e.target.value)}`) },
          orgs.map((m) => h("option", { value: m.organization_slug, selected: m.organization_slug === currentSlug }, m.organization_slug)),
        ),
      )
    : null;
  nav.replaceChildren(
    switcher ?? "",
    h("button", { type: "button", onclick: createOrganization }, "Create organization…"),
    h("span", { class: "muted" }, me.email),
    h("button", { type: "button", onclick: signOut }, "Sign out"),
  );
}

async function signOut() {
  try {
    await api("DELETE", "/v1/session");
  } catch (err) {
    if (!(err instanceof Problem && err.status === 401)) return showError(err);
  }
  csrf = null;
  session = null;
  navigate("/admin/sign-in");
}

async function createOrganization() {
  const data = await dialog(
    "Create organization",
    [
      field("Name", h("input", { name: "name", required: true, maxlength: 64 })),
      field(
        "Slug",
        h("input", { name: "slug", required: true, pattern: "[a-z0-9]([a-z0-9-]{0,37}[a-z0-9])?" }),
        "The URL name: lowercase letters, digits, hyphens.",
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, "Region"),
        h("label", { class: "inline" }, h("input", { type: "radio", name: "region", value: "eu", required: true }), "European Union (EU)"),
        h("label", { class: "inline" }, h("input", { type: "radio", name: "region", value: "us" }), "United States (US)"),
        h("div", { class: "hint" }, "Where the data center stores the organization's data. It cannot be changed after the organization is created."),
      ),
      field("Website URL", h("input", { name: "website_url", type: "url", placeholder: "https://…" })),
    ],
    "Create organization",
  );
  if (!data) return;
  const body = { name: data.get("name"), slug: data.get("slug"), region: data.get("region") };
  if (data.get("website_url")) body.website_url = data.get("website_url");
  try {
    const org = await api("POST", "/v1/organizations", body);
    navigate(`/admin?org=${encodeURIComponent(org.slug)}`);
    say(`Organization ${org.name} created in region ${org.region.toUpperCase()}.`);
  } catch (err) {
    showError(err);
  }
}

// ---------------------------------------------------------------------------------------------
// Signing in: email link, then the TOTP code when the account has 2FA

function renderSignIn(message) {
  renderHeader(null);
  document.title = "Sign in · orgs";
  const email = h("input", { id: "email", name: "email", type: "email", required: true, autocomplete: "email" });
  const form = h(
    "form",
    {
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          const r = await api("POST", "/v1/sessions/sign-in-link", { email: email.value });
          say(`A sign-in link was mailed to ${r.email}. It works once, until ${when(r.link_expires_at)}.`);
        } catch (err) {
          showError(err);
        }
      },
    },
    field("Email", email),
    h("button", { type: "submit", class: "primary" }, "Send sign-in link"),
  );
  const name = h("input", { id: "signup-name", name: "name", required: true, autocomplete: "name" });
  const signupEmail = h("input", { id: "signup-email", name: "email", type: "email", required: true, autocomplete: "email" });
  const signup = h(
    "form",
    {
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          // Sign-up answers with an API token; the page needs none, so it revokes it at once.
          const r = await api("POST", "/v1/accounts", { email: signupEmail.value, name: name.value });
          await fetch(`/v1/me/tokens/${r.token.id}`, { method: "DELETE", headers: { authorization: `Bearer ${r.token.token}` } });
          const sent = await api("POST", "/v1/sessions/sign-in-link", { email: signupEmail.value });
          say(`Account created. A sign-in link was mailed to ${sent.email}.`);
        } catch (err) {
          showError(err);
        }
      },
    },
    field("Name", name),
    field("Email", signupEmail),
    h("button", { type: "submit" }, "Create account"),
  );
  main(
    h("h1", {}, "Sign in"),
    message ? h("p", {}, message) : null,
    h("p", {}, "We mail you a link that signs you in once. If your account has two-factor authentication, you then give your authenticator's code."),
    form,
    h("p", { class: "hint" }, "Without SMTP the mail goes to the server's outbox: the operator reads it with ", h("code", {}, "orgs outbox:list"), "."),
    h("h2", {}, "No account yet?"),
    signup,
  );
}

async function openSessionFromLink(token) {
  history.replaceState(null, "", "/admin/sign-in");
  try {
    session = await api("POST", "/v1/sessions", { token });
    csrf = session.csrf_token;
  } catch (err) {
    renderSignIn();
    return showError(err);
  }
  if (session.two_factor === "pending") return renderTwoFactor();
  afterSignIn();
}

function afterSignIn() {
  const next = sessionStorage.getItem("orgs.next");
  sessionStorage.removeItem("orgs.next");
  navigate(next || "/admin");
}

function renderTwoFactor() {
  document.title = "Two-factor code · orgs";
  const code = h("input", { id: "code", name: "code", inputmode: "numeric", pattern: "[0-9]{6}", required: true, autocomplete: "one-time-code", maxlength: 6 });
  main(
    h("h1", {}, "Two-factor authentication"),
    h("p", {}, `Signing in as ${session.account.email}. Give the 6-digit code your authenticator app shows now.`),
    h(
      "form",
      {
        onsubmit: async (e) => {
          e.preventDefault();
          try {
            session = await api("POST", "/v1/session/two-factor", { code: code.value });
            csrf = session.csrf_token;
            afterSignIn();
          } catch (err) {
            if (err instanceof Problem && err.status === 401) {
              renderSignIn();
            }
            showError(err);
          }
        },
      },
      field("Code", code),
      h("button", { type: "submit", class: "primary" }, "Verify"),
    ),
  );
  code.focus();
}

// ---------------------------------------------------------------------------------------------
// Accepting an invitation (the link in the invitation mail)

async function renderAccept(me) {
  const token = new URLSearchParams(location.hash.slice(1)).get("token") ?? sessionStorage.getItem("orgs.invitation");
  if (!token) return main(h("h1", {}, "Accept invitation"), h("p", {}, "This link carries no invitation. Open the link of your invitation mail."));
  sessionStorage.setItem("orgs.invitation", token);
  history.replaceState(null, "", "/admin/accept");
  document.title = "Accept invitation · orgs";
  main(
    h("h1", {}, "Accept invitation"),
    h("p", {}, `You are signed in as ${me.email}. The invitation must be addressed to this email.`),
    h(
      "button",
      {
        type: "button",
        class: "primary",
        onclick: async () => {
          try {
            const member = await api("POST", "/v1/invitations/accept", { token });
            sessionStorage.removeItem("orgs.invitation");
            const me2 = await api("GET", "/v1/me");
            const m = me2.memberships.find((x) => x.member_id === member.id);
            navigate(`/admin?org=${encodeURIComponent(m?.organization_slug ?? member.organization_id)}`);
            say("Invitation accepted: you are now a member.");
          } catch (err) {
            showError(err);
          }
        },
      },
      "Accept invitation",
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// What the signed-in account may do here: the authorization matrix of org-api.md §4, read from
// its member record. The server enforces all of it again; this only decides what to offer.

function capabilities(org, mine, projectAccess) {
  const owner = mine.is_owner;
  const admin = owner || mine.role_ids.includes(org.admin_role_id);
  const has = (p) => admin || mine.effective_permissions.includes(p);
  const adminOf = new Set(projectAccess.filter((a) => a.role === "admin").map((a) => a.project_id));
  return {
    owner,
    admin,
    has,
    editOrg: admin,
    changePlan: has("plans"),
    billing: has("billing"),
    transferOwnership: owner,
    readAudit: admin,
    manageRoles: admin,
    manageTeams: has("members"),
    createProject: has("projects:create"),
    manageProject: (p) => admin || adminOf.has(p.id),
    transferProjectOut: admin || has("billing"),
    invite: has("members"),
    /** Whether the account may change or remove this member (notes 1 and 2 of the matrix). */
    actOn: (m, isAdminMember) => {
      if (m.is_owner || m.id === mine.id) return false;
      if (admin) return true;
      return has("members") && !isAdminMember;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The organization page

async function renderOrganization(me, slug) {
  const membership = me.memberships.find((m) => m.organization_slug === slug || m.organization_id === slug) ?? me.memberships[0];
  if (!membership) return renderWelcome(me);
  slug = membership.organization_slug;
  renderHeader(me, slug);
  const base = `/v1/organizations/${encodeURIComponent(membership.organization_id)}`;
  const [org, mine, roles, teams, members, projects, myAccess] = await Promise.all([
    api("GET", base),
    api("GET", `${base}/members/${membership.member_id}`),
    all(`${base}/roles`),
    all(`${base}/teams`),
    all(`${base}/members`),
    all(`${base}/projects`),
    api("GET", `${base}/members/${membership.member_id}/project-access?limit=100`).then((p) => p.items),
  ]);
  const can = capabilities(org, mine, myAccess);
  const [grants, teamMembers, billing, targets] = await Promise.all([
    Promise.all(projects.map((p) => all(`/v1/projects/${p.id}/access`).catch(() => []))),
    Promise.all(teams.map((t) => all(`${base}/teams/${t.id}/members`))),
    can.billing ? Promise.all([api("GET", `${base}/billing/address`), api("GET", `${base}/billing/profile`)]) : null,
    can.transferProjectOut ? transferTargets(me, org) : [],
  ]);
  const reload = () => renderOrganization(me, org.slug).catch((err) => showError(err));
  const ctx = { me, org, mine, roles, teams, teamMembers, members, projects, grants, can, base, reload, billing, targets };
  document.title = `${org.name} · Organization Admin`;
  main(
    topSection(ctx),
    projectsSection(ctx),
    rolesSection(ctx),
    membersSection(ctx),
    teamsSection(ctx),
    billing ? billingSection(ctx) : null,
    can.transferOwnership ? ownershipSection(ctx) : null,
  );
}

/** The other organizations a project may move to: those where the account may move one in (owner, ADMIN, projects:create). */
async function transferTargets(me, org) {
  const others = me.memberships.filter((m) => m.organization_id !== org.id);
  const members = await Promise.all(
    others.map((m) =>
      Promise.all([api("GET", `/v1/organizations/${m.organization_id}`), api("GET", `/v1/organizations/${m.organization_id}/members/${m.member_id}`)]).catch(
        () => null,
      ),
    ),
  );
  return members
    .filter(Boolean)
    .filter(([o, mem]) => mem.is_owner || mem.role_ids.includes(o.admin_role_id) || mem.effective_permissions.includes("projects:create"))
    .map(([o]) => o);
}

function renderWelcome(me) {
  renderHeader(me, null);
  document.title = "Organization Admin · orgs";
  main(
    h("h1", {}, `Welcome, ${me.name}`),
    h("p", {}, "You belong to no organization yet. Create one, or accept an invitation from its mail."),
    h("button", { type: "button", class: "primary", onclick: createOrganization }, "Create organization…"),
  );
}

function topSection({ org, can, base, reload, members }) {
  const lacking = members.filter((m) => m.status === "active" && !m.two_factor_enabled).length;
  const toggle = async (e) => {
    const btn = e.currentTarget;
    btn.disabled = true;
    await act(
      async () => {
        const next = await api("PATCH", base, { require_two_factor: !org.require_two_factor }, { version: org.version });
        return next.require_two_factor ? "Two-factor authentication is now required for every member." : "Two-factor authentication is no longer required.";
      },
      () => (btn.disabled = false),
      reload,
    );
  };
  const edit = async () => {
    const data = await dialog("Organization settings", [
      field("Name", h("input", { name: "name", required: true, value: org.name, maxlength: 64 })),
      field("Slug", h("input", { name: "slug", required: true, value: org.slug })),
      field("Website URL", h("input", { name: "website_url", type: "url", value: org.website_url ?? "" })),
    ]);
    if (!data) return;
    await act(
      async () => {
        const next = await api(
          "PATCH",
          base,
          { name: data.get("name"), slug: data.get("slug"), website_url: data.get("website_url") || null },
          { version: org.version },
        );
        history.replaceState(null, "", `/admin?org=${encodeURIComponent(next.slug)}`);
        return "Organization settings saved.";
      },
      null,
      () => rerender(),
    );
  };
  const plan = async () => {
    const data = await dialog("Change plan", field("Plan", h("input", { name: "plan", required: true, value: org.plan })));
    if (!data) return;
    await act(async () => (await api("PATCH", base, { plan: data.get("plan") }, { version: org.version }), "Plan changed."), null, reload);
  };
  return h(
    "section",
    { "aria-labelledby": "org-title" },
    h("h1", { id: "org-title" }, org.name),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Slug"),
      h("dd", {}, org.slug),
      h("dt", {}, "Website"),
      h("dd", {}, org.website_url ? h("a", { href: org.website_url, rel: "noopener noreferrer" }, org.website_url) : h("span", { class: "muted" }, "none")),
      h("dt", {}, "Region"),
      h("dd", {}, org.region.toUpperCase(), " ", h("span", { class: "muted" }, "(fixed at creation)")),
      h("dt", {}, "Plan"),
      h("dd", {}, org.plan, " ", can.changePlan ? h("button", { type: "button", class: "link", onclick: plan }, "Change plan") : null),
    ),
    h(
      "div",
      { class: "row" },
      can.editOrg ? h("button", { type: "button", onclick: edit }, "Edit settings…") : null,
      can.readAudit ? h("a", { href: `/admin/audit?org=${encodeURIComponent(org.slug)}`, id: "audit-link" }, "Audit log") : null,
    ),
    h(
      "div",
      { class: "switch card" },
      h(
        "button",
        {
          type: "button",
          role: "switch",
          id: "require-2fa",
          "aria-checked": String(org.require_two_factor),
          "aria-labelledby": "require-2fa-label",
          disabled: !can.editOrg,
          onclick: toggle,
        },
        "",
      ),
      h(
        "span",
        { id: "require-2fa-label" },
        "Require two-factor authentication for every member",
        lacking ? h("span", { class: "muted" }, ` (${lacking} active member${lacking === 1 ? "" : "s"} without 2FA)`) : null,
      ),
    ),
  );
}

function principalName(g, { members, roles, teams }) {
  if (g.principal_type === "members") return members.find((m) => m.id === g.principal_id)?.email ?? g.principal_id;
  if (g.principal_type === "roles") return `Role ${roles.find((r) => r.id === g.principal_id)?.name ?? g.principal_id}`;
  if (g.principal_type === "teams") return `Team ${teams.find((t) => t.id === g.principal_id)?.name ?? g.principal_id}`;
  // An account's email is answered to the project's admins (the grant's `account`); others see its ID.
  return g.account ? g.account.email : `Account ${g.principal_id}`;
}

function projectsSection(ctx) {
  const { org, projects, grants, can, base, reload, members, roles, teams, targets } = ctx;
  const create = async () => {
    const data = await dialog("Create project", [
      field("Name", h("input", { name: "name", required: true, maxlength: 64 })),
      field("Description", h("input", { name: "description" })),
    ]);
    if (!data) return;
    await act(
      async () => {
        const p = await api("POST", `${base}/projects`, { name: data.get("name"), description: data.get("description") || undefined });
        return `Project ${p.name} created with its sandbox and live environments.`;
      },
      null,
      reload,
    );
  };
  const rows = projects.map((p, i) => {
    const list = grants[i];
    const manage = can.manageProject(p);
    const chips = list.map((g) => {
      const external = g.principal_type === "accounts" && g.external;
      const name = principalName(g, ctx);
      return h(
        "span",
        { class: `chip ${external ? "external" : "member"}`, "data-principal": g.principal_id },
        h("span", { class: "kind" }, external ? "external" : "member"),
        `${name} · ${g.role}`,
        h("span", { class: "envs" }, ` (sandbox ${g.environment_roles.sandbox ?? "none"}, live ${g.environment_roles.live ?? "none"})`),
        manage
          ? h(
              "button",
              {
                type: "button",
                "aria-label": `Revoke ${name}'s access to ${p.name}`,
                onclick: () =>
                  act(
                    async () => (
                      await api("DELETE", `/v1/projects/${p.id}/access/${g.principal_type}/${g.principal_id}`, undefined, { version: g.version }),
                      `${name} no longer has access to ${p.name}.`
                    ),
                    null,
                    reload,
                  ),
              },
              "×",
            )
          : null,
      );
    });
    const reason = list.length ? `Revoke its ${list.length} access grant${list.length === 1 ? "" : "s"} first: a project with access cannot be deleted.` : null;
    const del = manage
      ? h(
          "span",
          { title: reason ?? `Delete ${p.name} permanently` },
          h(
            "button",
            {
              type: "button",
              class: "danger",
              disabled: Boolean(reason),
              "aria-describedby": reason ? `del-why-${p.id}` : undefined,
              onclick: async () => {
                const ok = await dialog(`Delete project ${p.name}?`, h("p", {}, `${p.name} and its environments are removed permanently.`), "Delete project", {
                  danger: true,
                });
                if (ok)
                  await act(
                    async () => (await api("DELETE", `/v1/projects/${p.id}`, undefined, { version: p.version }), `Project ${p.name} deleted.`),
                    null,
                    reload,
                  );
              },
            },
            "Delete",
          ),
          reason ? h("span", { id: `del-why-${p.id}`, class: "hint" }, " ", reason) : null,
        )
      : null;
    return h(
      "div",
      { class: "card project", "data-project": p.name },
      h("h3", {}, p.name, " ", h("span", { class: "muted" }, p.description)),
      h("div", { class: "hint" }, `Environments: ${p.environments.map((e) => e.type).join(", ")}`),
      h("div", {}, chips.length ? chips : h("span", { class: "muted" }, "No role or account has access.")),
      manage ? grantForm(p, { members, roles, teams, reload }) : null,
      h("div", { class: "row" }, del, can.transferProjectOut && targets.length ? transferForm(p, targets, reload) : null),
    );
  });
  return h(
    "section",
    { "aria-labelledby": "projects-title" },
    h("h2", { id: "projects-title" }, "Projects", can.createProject ? h("button", { type: "button", onclick: create }, "Create project…") : null),
    h(
      "p",
      { class: "hint" },
      "Access is shown per project. ",
      h("span", { class: "chip external" }, h("span", { class: "kind" }, "external"), "blue"),
      " accounts outside the organization, ",
      h("span", { class: "chip member" }, h("span", { class: "kind" }, "member"), "grey"),
      " members, roles and teams of the organization.",
    ),
    rows.length ? rows : h("p", { class: "muted" }, "No projects yet."),
    h("p", { class: "muted" }, org.name, " has ", String(projects.length), " project", projects.length === 1 ? "" : "s", " you can see."),
  );
}

function grantForm(p, { members, roles, teams, reload }) {
  const principal = h(
    "select",
    { name: "principal", "aria-label": `Who gets access to ${p.name}`, required: true },
    h("option", { value: "" }, "Grant access to…"),
    h(
      "optgroup",
      { label: "Teams" },
      teams.map((t) => h("option", { value: `teams/${t.id}` }, `Team ${t.name}`)),
    ),
    h(
      "optgroup",
      { label: "Roles" },
      roles.map((r) => h("option", { value: `roles/${r.id}` }, `Role ${r.name}`)),
    ),
    h(
      "optgroup",
      { label: "Members" },
      members.map((m) => h("option", { value: `members/${m.id}` }, m.email)),
    ),
    h("option", { value: "accounts" }, "An account outside the organization (by email)…"),
  );
  const account = h("input", { name: "account", type: "email", placeholder: "name@example.com", "aria-label": "Outside account email", hidden: true });
  principal.addEventListener("change", () => {
    account.hidden = principal.value !== "accounts";
    account.required = !account.hidden;
  });
  const level = h(
    "select",
    { name: "role", "aria-label": `Access level on ${p.name}` },
    h("option", { value: "viewer" }, "viewer"),
    h("option", { value: "admin" }, "admin"),
  );
  return h(
    "form",
    {
      class: "row grant",
      onsubmit: (e) => {
        e.preventDefault();
        act(
          async () => {
            if (principal.value !== "accounts") {
              await api("PUT", `/v1/projects/${p.id}/access/${principal.value}`, { role: level.value });
              return `Access to ${p.name} granted.`;
            }
            // The account is found by its exact email (project admins may); a member is granted as the member.
            const found = await api("POST", `/v1/projects/${p.id}/access:find-account`, { email: account.value.trim() });
            const target = found.member_id ? `members/${found.member_id}` : `accounts/${found.id}`;
            await api("PUT", `/v1/projects/${p.id}/access/${target}`, { role: level.value });
            return found.member_id
              ? `${found.email} is a member of the organization: access to ${p.name} granted to the member.`
              : `Access to ${p.name} granted to ${found.name} (${found.email}), outside the organization.`;
          },
          null,
          reload,
        );
      },
    },
    principal,
    account,
    level,
    h("button", { type: "submit" }, "Grant"),
  );
}

function transferForm(p, targets, reload) {
  const target = h(
    "select",
    { "aria-label": `Organization to move ${p.name} to` },
    targets.map((o) => h("option", { value: o.id }, o.slug)),
  );
  return h(
    "span",
    { class: "row" },
    target,
    h(
      "button",
      {
        type: "button",
        onclick: async () => {
          const name = target.selectedOptions[0].textContent;
          const ok = await dialog(
            `Transfer ${p.name}?`,
            h("p", {}, `${p.name} moves to ${name}, with its environments and account grants.`),
            `Transfer to ${name}`,
          );
          if (ok)
            await act(
              async () => (await api("POST", `/v1/projects/${p.id}/transfer`, { target_organization_id: target.value }), `${p.name} moved to ${name}.`),
              null,
              reload,
            );
        },
      },
      "Transfer project…",
    ),
  );
}

function rolesSection({ roles, can, base, reload }) {
  const create = async () => {
    const data = await dialog("Create role", [
      field("Name", h("input", { name: "name", required: true, maxlength: 64 })),
      field("Description", h("input", { name: "description" })),
      h(
        "fieldset",
        {},
        h("legend", {}, "Permissions"),
        PERMISSIONS.map(([p, label]) => checkbox("permissions", p, `${label} (${p})`)),
      ),
    ]);
    if (!data) return;
    await act(
      async () => {
        const r = await api("POST", `${base}/roles`, {
          name: data.get("name"),
          description: data.get("description") || undefined,
          permissions: data.getAll("permissions"),
        });
        return `Role ${r.name} created.`;
      },
      null,
      reload,
    );
  };
  return h(
    "section",
    { "aria-labelledby": "roles-title" },
    h("h2", { id: "roles-title" }, "Roles", can.manageRoles ? h("button", { type: "button", onclick: create }, "Create role…") : null),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h("tr", {}, h("th", { scope: "col" }, "Role"), h("th", { scope: "col" }, "Permissions"), can.manageRoles ? h("th", { scope: "col" }, "Actions") : null),
      ),
      h(
        "tbody",
        {},
        roles.map((r) =>
          h(
            "tr",
            { "data-role": r.name },
            h(
              "td",
              {},
              r.name,
              r.builtin ? h("span", { class: "muted" }, " (built-in)") : null,
              r.description ? h("div", { class: "hint" }, r.description) : null,
            ),
            h(
              "td",
              {},
              r.admin_page ? "Everything, and this page" : r.permissions.map((p) => PERMISSION_LABEL[p]).join(", ") || h("span", { class: "muted" }, "none"),
            ),
            can.manageRoles
              ? h(
                  "td",
                  {},
                  r.builtin
                    ? null
                    : h(
                        "button",
                        {
                          type: "button",
                          class: "danger",
                          onclick: () =>
                            act(
                              async () => (await api("DELETE", `${base}/roles/${r.id}`, undefined, { version: r.version }), `Role ${r.name} deleted.`),
                              null,
                              reload,
                            ),
                        },
                        `Delete ${r.name}`,
                      ),
                )
              : null,
          ),
        ),
      ),
    ),
  );
}

function memberStatus(m) {
  if (m.status === "active") return h("span", { class: "badge ok" }, "active");
  const until = m.invitation ? ` ${m.status === "expired" ? "on" : "until"} ${date(m.invitation.expires_at)}` : "";
  return h("span", { class: `badge ${m.status === "expired" ? "bad" : "warn"}` }, `${m.status}${m.status === "expired" ? " (expired" + until + ")" : until}`);
}

function membersSection({ org, mine, members, roles, teams, can, base, reload }) {
  const name = (list, id) => list.find((x) => x.id === id)?.name ?? id;
  const isAdminMember = (m) => m.role_ids.includes(org.admin_role_id);
  const invite = async () => {
    const teamChoice = h(
      "fieldset",
      {},
      h("legend", {}, "Teams (at least one)"),
      teams.map((t) => checkbox("team_ids", t.id, t.name, { checked: t.is_default })),
    );
    // At least one team: the form does not submit without one, and says so at the first box.
    const boxes = [...teamChoice.querySelectorAll("input")];
    const needTeam = () => boxes[0]?.setCustomValidity(boxes.some((b) => b.checked) ? "" : "Choose at least one team");
    for (const b of boxes) b.addEventListener("change", needTeam);
    needTeam();
    const data = await dialog(
      "Create invite",
      [
        field("Email", h("input", { name: "email", type: "email", required: true })),
        field(
          "Name",
          h("input", { name: "name", maxlength: 64, autocomplete: "off" }),
          "How the invitation names them until they accept; then their account's name applies.",
        ),
        teamChoice,
        h(
          "fieldset",
          {},
          h("legend", {}, "Roles"),
          roles.map((r) =>
            checkbox("role_ids", r.id, r.name, {
              checked: r.builtin && !r.admin_page,
              disabled: r.admin_page && !can.admin,
              title: r.admin_page && !can.admin ? "Only the owner and admins give the ADMIN role" : undefined,
            }),
          ),
        ),
        h(
          "fieldset",
          {},
          h("legend", {}, "Permissions"),
          PERMISSIONS.map(([p, label]) =>
            checkbox("permissions", p, label, {
              disabled: !can.has(p) || !mine.effective_permissions.includes(p),
              title: !can.has(p) ? "You do not hold it" : undefined,
            }),
          ),
        ),
        field("Note", h("textarea", { name: "note", rows: 3, maxlength: 1000 }), "Added to the invitation mail, and shown with the invitation."),
      ],
      "Send invitation",
    );
    if (!data) return;
    const body = { email: data.get("email"), team_ids: data.getAll("team_ids"), role_ids: data.getAll("role_ids"), permissions: data.getAll("permissions") };
    if (!body.role_ids.length) delete body.role_ids;
    if (data.get("name")?.trim()) body.name = data.get("name").trim();
    if (data.get("note")) body.note = data.get("note");
    await act(async () => (await api("POST", `${base}/members`, body), `Invitation sent to ${body.email}.`), null, reload);
  };
  const change = async (m) => {
    const data = await dialog(`Change ${m.email}`, [
      h(
        "fieldset",
        {},
        h("legend", {}, "Roles"),
        roles.map((r) => checkbox("role_ids", r.id, r.name, { checked: m.role_ids.includes(r.id), disabled: r.admin_page && !can.admin })),
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, "Teams"),
        teams.map((t) => checkbox("team_ids", t.id, t.name, { checked: m.team_ids.includes(t.id) })),
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, "Permissions"),
        PERMISSIONS.map(([p, label]) =>
          checkbox("permissions", p, label, { checked: m.permissions.includes(p), disabled: !mine.effective_permissions.includes(p) }),
        ),
      ),
    ]);
    if (!data) return;
    await act(
      async () => (
        await api(
          "PATCH",
          `${base}/members/${m.id}`,
          { role_ids: data.getAll("role_ids"), team_ids: data.getAll("team_ids"), permissions: data.getAll("permissions") },
          { version: m.version },
        ),
        `${m.email} changed.`
      ),
      null,
      reload,
    );
  };
  const remove = async (m) => {
    const ok = await dialog(
      `Remove ${m.email}?`,
      h("p", {}, m.status === "active" ? `${m.email} loses access to ${org.name} and its projects permanently.` : `The invitation to ${m.email} is revoked.`),
      m.status === "active" ? "Remove member" : "Revoke invitation",
      { danger: true },
    );
    if (ok) await act(async () => (await api("DELETE", `${base}/members/${m.id}`, undefined, { version: m.version }), `${m.email} removed.`), null, reload);
  };
  const resend = (m) => act(async () => (await api("POST", `${base}/members/${m.id}/invitation`), `Invitation re-sent to ${m.email}.`), null, reload);
  const anyActions = members.some((m) => can.actOn(m, isAdminMember(m)));
  return h(
    "section",
    { "aria-labelledby": "members-title" },
    h("h2", { id: "members-title" }, "Accounts and invites", can.invite ? h("button", { type: "button", onclick: invite }, "Create invite…") : null),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Account", "Roles", "Teams", "Permissions", "Status", "2FA"].map((c) => h("th", { scope: "col" }, c)),
          anyActions ? h("th", { scope: "col" }, "Actions") : null,
        ),
      ),
      h(
        "tbody",
        {},
        members.map((m) => {
          const actOn = can.actOn(m, isAdminMember(m));
          return h(
            "tr",
            { "data-member": m.email },
            h(
              "td",
              {},
              m.email,
              m.is_owner ? h("span", { class: "badge" }, " owner") : null,
              m.id === mine.id ? h("span", { class: "muted" }, " (you)") : null,
              m.invitation?.name ? h("div", { class: "invitee" }, m.invitation.name) : null,
              m.invitation?.note ? h("div", { class: "hint note" }, `Note: ${m.invitation.note}`) : null,
            ),
            h("td", { class: "roles" }, m.role_ids.map((id) => name(roles, id)).join(", ")),
            h("td", {}, m.team_ids.map((id) => name(teams, id)).join(", ")),
            h("td", {}, m.is_owner ? "all" : m.permissions.map((p) => PERMISSION_LABEL[p]).join(", ") || h("span", { class: "muted" }, "none")),
            h("td", {}, memberStatus(m)),
            h("td", {}, m.two_factor_enabled ? "on" : "off"),
            anyActions
              ? h(
                  "td",
                  {},
                  actOn
                    ? h(
                        "div",
                        { class: "row" },
                        h("button", { type: "button", onclick: () => change(m) }, "Change…"),
                        m.status !== "active" ? h("button", { type: "button", onclick: () => resend(m) }, "Resend invitation") : null,
                        h("button", { type: "button", class: "danger", onclick: () => remove(m) }, "Remove"),
                      )
                    : null,
                )
              : null,
          );
        }),
      ),
    ),
  );
}

function teamsSection({ org, mine, teams, teamMembers, members, can, base, reload }) {
  const create = async () => {
    const data = await dialog("Create team", [
      field("Name", h("input", { name: "name", required: true, maxlength: 64 })),
      field("Description", h("input", { name: "description" })),
    ]);
    if (!data) return;
    await act(
      async () => (
        await api("POST", `${base}/teams`, { name: data.get("name"), description: data.get("description") || undefined }),
        `Team ${data.get("name")} created.`
      ),
      null,
      reload,
    );
  };
  const rename = async (t) => {
    const data = await dialog(`Rename team ${t.name}`, [
      field("Name", h("input", { name: "name", required: true, maxlength: 64, value: t.name })),
      field("Description", h("input", { name: "description", value: t.description })),
    ]);
    if (!data) return;
    const body = {};
    if (data.get("name") !== t.name) body.name = data.get("name");
    if (data.get("description") !== t.description) body.description = data.get("description");
    if (!Object.keys(body).length) return say(`Team ${t.name} is unchanged.`);
    await act(
      async () => (await api("PATCH", `${base}/teams/${t.id}`, body, { version: t.version }), `Team ${t.name} saved${body.name ? ` as ${body.name}` : ""}.`),
      null,
      reload,
    );
  };
  const isAdminMember = (m) => m.role_ids.includes(org.admin_role_id);
  // Whose teams the account may change (matrix note 1): the owner's only the owner, an admin's only the owner and admins.
  const mayMove = (m) => (m.is_owner ? can.owner : isAdminMember(m) ? can.admin : true);
  const byId = new Map(members.map((m) => [m.id, m]));
  const put = (t, m, role, message) => act(async () => (await api("PUT", `${base}/teams/${t.id}/members/${m.id}`, { role }), message), null, reload);

  const cards = teams.map((t, i) => {
    const list = teamMembers[i];
    // Holders of `members` (and admins) manage every team's members; a team's maintainers their own team's (note 3).
    const maintains = list.some((tm) => tm.member_id === mine.id && tm.role === "maintainer");
    const manage = can.manageTeams || maintains;
    const rows = list.map((tm) => {
      const m = byId.get(tm.member_id);
      const movable = manage && m && mayMove(m);
      const only = m && m.team_ids.length <= 1 ? `${t.name} is the only team of ${tm.email}: add them to another team first.` : null;
      const other = tm.role === "maintainer" ? "member" : "maintainer";
      return h(
        "tr",
        { "data-team-member": tm.email },
        h("td", {}, tm.email),
        h("td", {}, tm.role),
        manage
          ? h(
              "td",
              {},
              movable
                ? h(
                    "div",
                    { class: "row" },
                    h(
                      "button",
                      {
                        type: "button",
                        "aria-label": `Make ${other} ${tm.email} in ${t.name}`,
                        onclick: () => put(t, m, other, `${tm.email} is now a ${other} of ${t.name}.`),
                      },
                      other === "maintainer" ? "Make maintainer" : "Make member",
                    ),
                    h(
                      "span",
                      { title: only ?? undefined },
                      h(
                        "button",
                        {
                          type: "button",
                          class: "danger",
                          disabled: Boolean(only),
                          "aria-label": `Take out ${tm.email} from ${t.name}`,
                          onclick: () =>
                            act(
                              async () => (await api("DELETE", `${base}/teams/${t.id}/members/${m.id}`), `${tm.email} is no longer in ${t.name}.`),
                              null,
                              reload,
                            ),
                        },
                        "Take out",
                      ),
                    ),
                  )
                : null,
            )
          : null,
      );
    });
    const candidates = manage ? members.filter((m) => !list.some((tm) => tm.member_id === m.id) && mayMove(m)) : [];
    const who = h(
      "select",
      { "aria-label": `Member to add to ${t.name}`, required: true },
      h("option", { value: "" }, "Add a member…"),
      candidates.map((m) => h("option", { value: m.id }, m.email)),
    );
    const role = h(
      "select",
      { "aria-label": `Team role in ${t.name}` },
      h("option", { value: "member" }, "member"),
      h("option", { value: "maintainer" }, "maintainer"),
    );
    const addForm = h(
      "form",
      {
        class: "row",
        onsubmit: (e) => {
          e.preventDefault();
          const m = byId.get(who.value);
          put(t, m, role.value, `${m.email} added to ${t.name} as ${role.value}.`);
        },
      },
      who,
      role,
      h("button", { type: "submit" }, "Add"),
    );
    return h(
      "div",
      { class: "card team", "data-team": t.name },
      h("h3", {}, t.name, t.is_default ? h("span", { class: "muted" }, " (default)") : null, " ", h("span", { class: "muted" }, t.description)),
      h("div", { class: "hint" }, `${t.member_count} member${t.member_count === 1 ? "" : "s"}`, maintains ? " · you maintain this team" : ""),
      list.length
        ? h(
            "table",
            {},
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["Member", "Team role"].map((c) => h("th", { scope: "col" }, c)),
                manage ? h("th", { scope: "col" }, "Actions") : null,
              ),
            ),
            h("tbody", {}, rows),
          )
        : null,
      candidates.length ? addForm : null,
      can.manageTeams
        ? h(
            "div",
            { class: "row" },
            h("button", { type: "button", "aria-label": `Rename team ${t.name}`, onclick: () => rename(t) }, "Rename…"),
            !t.is_default
              ? h(
                  "button",
                  {
                    type: "button",
                    class: "danger",
                    "aria-label": `Delete team ${t.name}`,
                    onclick: () =>
                      act(
                        async () => (await api("DELETE", `${base}/teams/${t.id}`, undefined, { version: t.version }), `Team ${t.name} deleted.`),
                        null,
                        reload,
                      ),
                  },
                  "Delete",
                )
              : null,
          )
        : null,
    );
  });
  return h(
    "section",
    { "aria-labelledby": "teams-title" },
    h("h2", { id: "teams-title" }, "Teams", can.manageTeams ? h("button", { type: "button", onclick: create }, "Create team…") : null),
    h("p", { class: "hint" }, "A team's maintainers add and remove its members; holders of Manage users manage every team."),
    cards,
  );
}

function billingSection({ billing, base, reload }) {
  const [address, profile] = billing;
  const ADDRESS = [
    ["name_line", "Name"],
    ["thoroughfare", "Street"],
    ["premise", "Building"],
    ["sub_premise", "Apartment, suite"],
    ["locality", "City"],
    ["dependent_locality", "District"],
    ["administrative_area", "State or region"],
    ["postal_code", "Postal code"],
    ["country", "Country (2 letters)"],
  ];
  const PROFILE = [
    ["company_name", "Company name"],
    ["vat_number", "VAT number"],
    ["billing_contact_email", "Billing contact email"],
    ["security_contact_email", "Security contact email"],
  ];
  const form = (id, legend, fields, record, method, path, what) =>
    h(
      "form",
      {
        id,
        class: "card",
        onsubmit: (e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          const body = Object.fromEntries(fields.map(([k]) => [k, data.get(k) || null]));
          act(async () => (await api(method, path, body, { version: record.version }), `${what} saved.`), null, reload);
        },
      },
      h("h3", {}, legend),
      fields.map(([k, label]) => field(label, h("input", { name: k, value: record[k] ?? "", type: k.endsWith("email") ? "email" : "text" }))),
      h("button", { type: "submit" }, `Save ${what.toLowerCase()}`),
    );
  return h(
    "section",
    { "aria-labelledby": "billing-title" },
    h("h2", { id: "billing-title" }, "Billing"),
    form("billing-address", "Billing address", ADDRESS, address, "PUT", `${base}/billing/address`, "Billing address"),
    form("billing-profile", "Billing profile", PROFILE, profile, "PATCH", `${base}/billing/profile`, "Billing profile"),
  );
}

function ownershipSection({ org, members, base, me }) {
  const candidates = members.filter((m) => m.status === "active" && !m.is_owner);
  const select = h(
    "select",
    { id: "new-owner", "aria-label": "New owner" },
    candidates.map((m) => h("option", { value: m.id }, m.email)),
  );
  return h(
    "section",
    { "aria-labelledby": "ownership-title" },
    h("h2", { id: "ownership-title" }, "Transfer ownership"),
    h("p", {}, "The organization has one owner. You can give ownership to any active member; you stay a member with the ADMIN role."),
    candidates.length
      ? h(
          "div",
          { class: "row" },
          select,
          h(
            "button",
            {
              type: "button",
              class: "danger",
              onclick: async () => {
                const who = select.selectedOptions[0].textContent;
                const ok = await dialog(
                  "Transfer ownership?",
                  h("p", {}, `${who} becomes the owner of ${org.name}. Only they can give ownership back.`),
                  `Make ${who} the owner`,
                  { danger: true },
                );
                if (!ok) return;
                try {
                  await api("POST", `${base}/ownership-transfer`, { new_owner_member_id: select.value });
                  await renderOrganization(me, org.slug);
                  say(`Ownership transferred: ${who} is now the owner of ${org.name}.`);
                } catch (err) {
                  showError(err);
                }
              },
            },
            "Transfer ownership…",
          ),
        )
      : h("p", { class: "muted" }, "No other active member yet: invite someone first."),
  );
}

// ---------------------------------------------------------------------------------------------
// The audit log: filters and pages

async function renderAudit(me, slug) {
  const membership = me.memberships.find((m) => m.organization_slug === slug) ?? me.memberships[0];
  if (!membership) return renderWelcome(me);
  renderHeader(me, membership.organization_slug);
  const params = new URLSearchParams(location.search);
  const q = new URLSearchParams();
  for (const k of ["action", "target_type", "cursor"]) if (params.get(k)) q.set(k, params.get(k));
  for (const k of ["since", "until"]) if (params.get(k)) q.set(k, new Date(params.get(k) + (k === "until" ? "T23:59:59Z" : "T00:00:00Z")).toISOString());
  q.set("limit", params.get("limit") ?? "25");
  const org = await api("GET", `/v1/organizations/${membership.organization_id}`);
  const page = await api("GET", `/v1/organizations/${membership.organization_id}/audit-events?${q}`);
  document.title = `Audit log · ${org.name}`;
  const input = (name, label, type = "text") => field(label, h("input", { name, type, value: params.get(name) ?? "" }));
  const next = new URLSearchParams(params);
  if (page.next_cursor) next.set("cursor", page.next_cursor);
  main(
    h("p", {}, h("a", { href: `/admin?org=${encodeURIComponent(org.slug)}` }, `← ${org.name}`)),
    h("h1", {}, "Audit log"),
    h(
      "form",
      { class: "row", method: "get", action: "/admin/audit" },
      h("input", { type: "hidden", name: "org", value: org.slug }),
      input("action", "Action (e.g. member.added)"),
      input("target_type", "Target type"),
      input("since", "Since", "date"),
      input("until", "Until", "date"),
      h("button", { type: "submit" }, "Filter"),
    ),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Time", "Action", "Actor", "Target", "Changes"].map((c) => h("th", { scope: "col" }, c)),
        ),
      ),
      h(
        "tbody",
        {},
        page.items.map((e) =>
          h(
            "tr",
            {},
            h("td", {}, when(e.occurred_at)),
            h("td", {}, e.action),
            h("td", {}, e.actor.email ?? e.actor.type),
            h("td", {}, `${e.target.type} ${e.target.display_name ?? e.target.id}`),
            h("td", {}, e.changes ? Object.entries(e.changes).map(([k, [a, b]]) => h("div", {}, `${k}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`)) : ""),
          ),
        ),
      ),
    ),
    page.items.length ? null : h("p", { class: "muted" }, "No events match."),
    page.next_cursor ? h("p", {}, h("a", { href: `/admin/audit?${next}`, id: "audit-next" }, "Older events →")) : null,
  );
}

// ---------------------------------------------------------------------------------------------
// Routing

/** Renders the view into #main; the focus, if it was there, goes to what now stands in its place. */
function main(...children) {
  const el = document.getElementById("main");
  const place = focusPlace();
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  if (!el.contains(document.activeElement)) refocus(place);
}

const FOCUSABLE = "button:not(:disabled), a[href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled)";
const labelOf = (e) => e.getAttribute("aria-label") ?? e.getAttribute("name") ?? e.textContent;

/**
 * Where the focus is in #main, to find again once a render has replaced the elements under it
 * (every action renders the page again): its section, the cards and rows it is in (elements with a
 * data- attribute: data-team, data-team-member, …) and the control's tag and label.
 */
function focusPlace() {
  const el = document.activeElement;
  const root = document.getElementById("main");
  if (!el || el === root || !root.contains(el)) return null;
  const section = el.closest("section[id]");
  const scopes = [];
  for (let p = el.parentElement; p && p !== section && p !== root; p = p.parentElement) {
    const data = [...p.attributes].find((a) => a.name.startsWith("data-"));
    if (data) scopes.unshift(`[${data.name}="${CSS.escape(data.value)}"]`);
  }
  return { section: section ? `#${CSS.escape(section.id)}` : null, scopes, tag: el.tagName.toLowerCase(), label: labelOf(el) };
}

/**
 * Focuses what stands where `place` was: the same control (tag and label) in the same card or row;
 * else the innermost of its cards and rows still there (its heading, or its first control); else
 * its section's heading. Nothing when the section is gone (another view): a keyboard user goes on
 * from where they were, not from the top of the page.
 */
function refocus(place) {
  const section = place && (place.section ? document.querySelector(place.section) : document.getElementById("main"));
  if (!section) return;
  for (let i = place.scopes.length; i >= 0; i--) {
    const scope = i ? section.querySelector(place.scopes.slice(0, i).join(" ")) : section;
    if (!scope) continue;
    const same = i === place.scopes.length && [...scope.querySelectorAll(place.tag)].find((e) => labelOf(e) === place.label && e.matches(FOCUSABLE));
    const target = same || scope.querySelector("h2, h3") || (i ? scope.querySelector(FOCUSABLE) : null);
    if (!target) continue;
    if (!target.matches(FOCUSABLE)) target.setAttribute("tabindex", "-1");
    target.focus();
    return;
  }
}

function navigate(url) {
  history.pushState(null, "", url);
  notice().replaceChildren();
  status().replaceChildren();
  rerender();
}

let rendering = null;
let renderAgain = false;
/**
 * Renders the view of the current URL, one render at a time: a fragment navigation fires both
 * popstate and hashchange, and a sign-in link must be used once, not raced.
 */
function rerender() {
  if (rendering) {
    renderAgain = true;
    return rendering;
  }
  rendering = (async () => {
    do {
      renderAgain = false;
      await render();
    } while (renderAgain);
  })().finally(() => (rendering = null));
  return rendering;
}

async function render() {
  shownView = view();
  const path = location.pathname.replace(/\/$/, "") || "/admin";
  const hash = new URLSearchParams(location.hash.slice(1));
  if (path === "/admin/sign-in" && hash.get("token")) return openSessionFromLink(hash.get("token"));
  if (!session || session.two_factor === "pending") {
    try {
      session = await api("GET", "/v1/session");
      csrf = session.csrf_token;
    } catch {
      session = null;
    }
  }
  if (!session) {
    if (path !== "/admin/sign-in") sessionStorage.setItem("orgs.next", location.pathname + location.search);
    if (path === "/admin/accept" && hash.get("token")) sessionStorage.setItem("orgs.invitation", hash.get("token"));
    history.replaceState(null, "", "/admin/sign-in");
    return renderSignIn(path === "/admin/accept" ? "Sign in with the email your invitation was sent to, then accept it." : undefined);
  }
  if (session.two_factor === "pending") return renderTwoFactor();
  try {
    const me = await api("GET", "/v1/me");
    const slug = new URLSearchParams(location.search).get("org");
    if (path === "/admin/sign-in") return navigate("/admin");
    if (path === "/admin/accept") return renderAccept(me);
    if (path === "/admin/audit") return await renderAudit(me, slug);
    return await renderOrganization(me, slug);
  } catch (err) {
    if (err instanceof Problem && err.status === 401) {
      session = null;
      return renderSignIn("Your session has ended: sign in again.");
    }
    main(h("h1", {}, "Organization Admin"));
    showError(err, rerender);
  }
}

/**
 * Back, forward and fragment changes: a new view (path or query), or a sign-in or invitation link
 * opened in a tab already on the page (only its fragment changes), renders again. An in-page
 * anchor does not: the skip link's #main must move the focus, not re-render the page under it.
 */
let shownView = null;
const view = () => location.pathname + location.search;
function onHistory() {
  if (view() !== shownView || new URLSearchParams(location.hash.slice(1)).has("token")) rerender();
}
window.addEventListener("popstate", onHistory);
window.addEventListener("hashchange", onHistory);
rerender();
