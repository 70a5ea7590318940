// A Pulumi program of `count` members of one organization, each with a grant on one project: the
// scale end-to-end test and bench/reconcile run it. Config: organization (ID), project (ID),
// count, domain (the members' email domain).
import * as pulumi from "@pulumi/pulumi";
import * as orgs from "orgs";

const config = new pulumi.Config();
const organization = config.require("organization");
const project = config.require("project");
const domain = config.require("domain");
const count = config.requireNumber("count");

for (let i = 0; i < count; i++) {
  const member = new orgs.Member(`m${i}`, { organization, email: `user${i}@${domain}` });
  new orgs.ProjectAccess(`g${i}`, { project, member: member.memberId, level: i % 2 ? "viewer" : "admin" });
}
