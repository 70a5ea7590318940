// A Pulumi program of `count` members of one organization, each with a grant on one project: the
// scale end-to-end test and bench/reconcile run it. Config: organization (ID), project (ID),
// count, domain (the members' email domain), sdk (`plugin`: the orgs/plugin classes, served by
// pulumi-resource-orgs; otherwise the dynamic ones).
import * as pulumi from "@pulumi/pulumi";
import * as dynamicSdk from "orgs";
import * as pluginSdk from "orgs/plugin";

const config = new pulumi.Config();
const orgs = config.get("sdk") === "plugin" ? pluginSdk : dynamicSdk;
const organization = config.require("organization");
const project = config.require("project");
const domain = config.require("domain");
const count = config.requireNumber("count");

for (let i = 0; i < count; i++) {
  const member = new orgs.Member(`m${i}`, { organization, email: `user${i}@${domain}` });
  new orgs.ProjectAccess(`g${i}`, { project, member: member.memberId, level: i % 2 ? "viewer" : "admin" });
}
