// A Pulumi program of `count` members of one organization, each with a grant on one project: the
// scale end-to-end test and bench/reconcile run it. Config: organization (ID), project (ID),
// count, domain (the members' email domain), and echo: the same resources with a provider that
// calls nothing (the bench's engine floor).
import * as pulumi from "@pulumi/pulumi";
import { createRequire } from "node:module";
import * as orgs from "orgs";

const config = new pulumi.Config();
const organization = config.require("organization");
const project = config.require("project");
const domain = config.require("domain");
const count = config.requireNumber("count");

/**
 * The engine floor's provider (bench/reconcile installs it as a package, orgs-echo-provider, so
 * the state keeps it as a require, as it keeps orgs' own): creates answer at once with made-up
 * IDs, reads return the state, deletes do nothing.
 */
const echo = (): pulumi.dynamic.ResourceProvider => createRequire(__filename)("orgs-echo-provider");
class Echo extends pulumi.dynamic.Resource {
  declare public readonly memberId: pulumi.Output<string>;
  constructor(name: string, props: Record<string, unknown>) {
    super(echo(), name, { ...props, memberId: undefined }, {}, "orgs", name.startsWith("m") ? "Member" : "ProjectAccess");
  }
}

for (let i = 0; i < count; i++) {
  const email = `user${i}@${domain}`;
  const level = i % 2 ? "viewer" : "admin";
  if (config.getBoolean("echo")) {
    const member = new Echo(`m${i}`, { organization, email });
    new Echo(`g${i}`, { project, member: member.memberId, level });
  } else {
    const member = new orgs.Member(`m${i}`, { organization, email });
    new orgs.ProjectAccess(`g${i}`, { project, member: member.memberId, level });
  }
}
