// The Team resource: a team of an organization. ID org_…/team_…; another organization replaces
// it. The default team ("My Team") is an output of Organization.
import type { z } from "zod";
import { TeamInputs } from "../api/pulumi";
import type { Team } from "../api/resources";
import { call, listAll, readOr404 } from "./call";
import { namedProvider } from "./named";

import { configure } from "./config";
import { providerSteps } from "./steps";

/** The module as a dynamic provider: its steps as the engine names them. */
export const provider = namedProvider<Team, z.output<typeof TeamInputs>>({
  kind: "team",
  token: "orgs:index:Team",
  inputs: TeamInputs,
  idOutput: "teamId",
  deleteAdvice(code, problem) {
    if (code !== "team_is_last_for_members") return undefined;
    const ids = (problem.member_ids as string[] | undefined) ?? [];
    return `it is the last team of ${ids.length ? ids.join(", ") : "some members"}: give them another team first (their Member resources' teams), then run pulumi again`;
  },
  api: {
    create: (org, body, w) => call("createTeam", { params: { org }, body: body as { name: string } }, w),
    list: (org) => listAll("listTeams", { params: { org } }),
    get: (org, id, w) => call("getTeam", { params: { org, team_id: id } }, w),
    getOr404: (org, id, w) => readOr404("getTeam", { params: { org, team_id: id } }, w),
    update: (org, id, patch, ifMatch, w) => call("updateTeam", { params: { org, team_id: id }, body: patch, ifMatch }, w),
    delete: (org, id, ifMatch, w) => call("deleteTeam", { params: { org, team_id: id }, ifMatch }, w),
  },
});

/** The steps as the shell calls them: bounded in time, refusals reported without a stack trace (provider/steps.ts). */
export const steps = providerSteps({ configure, ...provider });
