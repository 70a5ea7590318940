// Outputs derived from a resource's ID. During a preview the engine hands back only the inputs of
// a resource it plans to update (the dynamic-provider host cannot preview an update), so every
// other output of that resource reads as unknown, and each resource that uses one would show a
// change, or a replacement, that `up` then never makes. The ID is known in such a preview, and the
// IDs of members, roles, teams and grants hold their organization, their own ID and their
// principal: outputs derived from it stay known.
import type * as pulumi from "@pulumi/pulumi";

/** Part `n` of the resource's composite ID (org_…/mem_…, prj_…/teams/team_…). */
export const idPart = (id: pulumi.Output<string>, n: number): pulumi.Output<string> => id.apply((v) => v.split("/")[n]!);
