// A Pulumi program of `count` members of one organization as one orgs.Members (prune on): the set
// mode of bench/reconcile. Config: organization (ID), count, domain (the members' email domain),
// changed (how many of the first members get the billing permission).
import * as pulumi from "@pulumi/pulumi";
import * as orgs from "orgs";

const config = new pulumi.Config();
const organization = config.require("organization");
const domain = config.require("domain");
const count = config.requireNumber("count");
const changed = config.getNumber("changed") ?? 0;

const members: Record<string, orgs.MembersEntryArgs> = {};
for (let i = 0; i < count; i++) members[`user${i}@${domain}`] = i < changed ? { permissions: ["billing"] } : {};
new orgs.Members("members", { organization, members, prune: true });
