// The loop of the admin page's end-to-end test (test/admin-loop.test.ts): an organization with a
// role and a member who holds it, managed by this program. Config: slug (the organization's).
import * as pulumi from "@pulumi/pulumi";
import * as orgs from "orgs";

const config = new pulumi.Config();
const slug = config.require("slug");

const org = new orgs.Organization("org", { slug, name: "Loop", region: "eu" });
const developer = new orgs.Role("developer", { organization: org.id, name: "Developer", permissions: ["projects:create"] });
const alice = new orgs.Member("alice", { organization: org.id, email: `alice@${slug}.test`, roles: [developer.name] });

export const organizationId = org.id;
export const aliceMemberId = alice.memberId;
