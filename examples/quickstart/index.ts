// Quickstart: one organization declared in code, with its projects, roles, teams, members and
// who can reach which project. Run it from the repository root (Pulumi.yaml points here):
//   export ORGS_API_URL=http://127.0.0.1:8080 ORGS_API_TOKEN=<token>   # or pulumi config orgs:apiUrl / --secret orgs:apiToken
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import * as orgs from "orgs";

const config = new pulumi.Config();
// Slugs are global on a server: pick your own with `pulumi config set slug <slug>`.
const slug = config.get("slug") ?? "acme";
const domain = config.get("emailDomain") ?? "example.com";

const org = new orgs.Organization("acme", {
  slug,
  name: "Acme Corp",
  region: "eu",
  websiteUrl: "https://acme.example.com",
});

// Every resource below names the organization by its ID output: Pulumi creates the organization
// first, and a rename of the slug never touches them.
const api = new orgs.Project("api", { organization: org.id, name: "api", description: "Public API and its workers" });
const web = new orgs.Project("web", { organization: org.id, name: "web", description: "Customer-facing web app" });

const developer = new orgs.Role("developer", {
  organization: org.id,
  name: "Developer",
  description: "Builds and ships projects",
  permissions: ["projects:create"],
});
const finance = new orgs.Role("finance", {
  organization: org.id,
  name: "Finance",
  description: "Looks after invoices and plans",
  permissions: ["billing", "plans"],
});

const platform = new orgs.Team("platform", { organization: org.id, name: "Platform", description: "Runs the API" });
const frontend = new orgs.Team("frontend", { organization: org.id, name: "Frontend" });

// Creating a member sends an invitation; the person becomes active when they accept it.
const alice = new orgs.Member("alice", {
  organization: org.id,
  email: `alice@${domain}`,
  roles: [developer.roleId],
  teams: [platform.teamId],
});
const bob = new orgs.Member("bob", {
  organization: org.id,
  email: `bob@${domain}`,
  roles: [developer.roleId],
  teams: [frontend.teamId],
  note: "Welcome to Acme! You'll find the web app under Projects.",
});
// Roles and teams can be named as well as given by ID: "My Team" is the team every organization
// starts with.
const carol = new orgs.Member("carol", {
  organization: org.id,
  email: `carol@${domain}`,
  roles: [finance.roleId],
  teams: ["My Team"],
  permissions: ["members"],
});

// Access is granted to teams and roles where possible, to people only for exceptions.
new orgs.ProjectAccess("platform-admins-api", { project: api.id, team: platform.teamId, level: "admin" });
new orgs.ProjectAccess("frontend-admins-web", { project: web.id, team: frontend.teamId, level: "admin" });
new orgs.ProjectAccess("developers-view-api", {
  project: api.id,
  role: developer.roleId,
  level: "viewer",
  environmentRoles: { sandbox: "contributor", live: "viewer" },
});
new orgs.ProjectAccess("alice-views-web", { project: web.id, member: alice.memberId, level: "viewer" });

export const organizationId = org.id;
export const projects = { api: api.id, web: web.id };
export const roles = { developer: developer.roleId, finance: finance.roleId };
export const teams = { platform: platform.teamId, frontend: frontend.teamId, default: org.defaultTeamId };
export const members = { alice: alice.memberId, bob: bob.memberId, carol: carol.memberId };
