// GitOps: the organization's members and their project access, declared in members.yaml.
// One orgs.Members holds the whole membership (the server plans and applies it as one set: a
// member invited by hand shows in `pulumi preview --refresh`, and with `prune: true` the next
// `pulumi up --refresh` removes it), and one orgs.ProjectAccessSet per project holds that
// project's grants to members, keyed by email.
import * as pulumi from "@pulumi/pulumi";
import { resolve } from "node:path";
import * as orgs from "orgs";
import { loadMembers, type ProjectGrant } from "./members";

const config = new pulumi.Config();
const file = loadMembers(resolve(__dirname, config.get("membersFile") ?? "members.yaml"));

const members = new orgs.Members("members", {
  organization: file.organization,
  members: Object.fromEntries(file.members.map((m) => [m.email, { roles: m.roles, teams: m.teams, permissions: m.permissions, note: m.note }])),
  prune: file.prune,
  maxRemovals: file.maxRemovals,
});

// Grants by project, keyed by the member's email; each set waits for the members to exist.
const byProject = new Map<string, { id: string; grants: Record<string, Omit<ProjectGrant, "projectName" | "projectId">> }>();
for (const m of file.members) {
  for (const g of m.access) {
    const p = byProject.get(g.projectName) ?? { id: g.projectId, grants: {} };
    p.grants[m.email] = { level: g.level, ...(g.environmentRoles ? { environmentRoles: g.environmentRoles } : {}) };
    byProject.set(g.projectName, p);
  }
}
for (const [name, p] of byProject) {
  new orgs.ProjectAccessSet(`access/${name}`, { project: p.id, members: p.grants, prune: file.prune }, { dependsOn: members });
}

/** Member IDs by email. */
export const memberIds = members.members.apply((ms) => Object.fromEntries(Object.entries(ms).map(([email, m]) => [email, m.id])));
/** Members the server holds that the file does not list (left in place unless prune: true). */
export const unmanaged = members.unmanaged;
