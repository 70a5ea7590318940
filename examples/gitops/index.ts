// GitOps: the organization's members and their project access, declared in members.yaml.
// One Member per entry and one ProjectAccess per (member, project); removing an entry from the
// file removes the person (or revokes the pending invitation) on the next `pulumi up`.
import * as pulumi from "@pulumi/pulumi";
import { resolve } from "node:path";
import * as orgs from "orgs";
import { loadMembers } from "./members";

const config = new pulumi.Config();
const file = loadMembers(resolve(__dirname, config.get("membersFile") ?? "members.yaml"));

export const members: Record<string, pulumi.Output<string>> = {};
for (const m of file.members) {
  const member = new orgs.Member(m.key, {
    organization: file.organization,
    email: m.email,
    roles: m.roles,
    teams: m.teams,
    permissions: m.permissions,
    note: m.note,
    adopt: file.adopt,
  });
  members[m.email] = member.memberId;
  for (const grant of m.access) {
    // The member ID output makes each grant wait for its member.
    new orgs.ProjectAccess(`${m.key}/${grant.projectName}`, {
      project: grant.projectId,
      member: member.memberId,
      level: grant.level,
      environmentRoles: grant.environmentRoles,
    });
  }
}
