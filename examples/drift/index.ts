// Drift: a small organization to change by hand and watch Pulumi notice. See README.md.
import * as pulumi from "@pulumi/pulumi";
import * as orgs from "orgs";

const config = new pulumi.Config();
const slug = config.get("slug") ?? "drift-demo";

const org = new orgs.Organization("org", { slug, name: "Drift demo", region: "us" });
const oncall = new orgs.Team("oncall", { organization: org.id, name: "On-call" });
const service = new orgs.Project("service", { organization: org.id, name: "service", description: "Watched for drift" });

// Dana is on call with the default role only: no organization permissions of her own.
const dana = new orgs.Member("dana", {
  organization: org.id,
  email: "dana@example.com",
  roles: [org.defaultRoleId],
  teams: [oncall.teamId],
  permissions: [],
});
new orgs.ProjectAccess("oncall-views-service", {
  project: service.id,
  team: oncall.teamId,
  level: "viewer",
  environmentRoles: { sandbox: "viewer", live: "viewer" },
});

export const organization = org.slug;
export const projectId = service.id;
export const danaMemberId = dana.memberId;
