// The orgs policy pack: `pulumi preview --policy-pack node_modules/orgs/policy` (or this checkout's
// policy/ directory) runs it. Its rules are rules.ts; every one is mandatory unless the policy
// config (`--policy-pack-config`) sets another level.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

new PolicyPack("orgs", { enforcementLevel: "mandatory", description: "Guardrails for organizations managed with orgs.", policies });
