// The Team resource: a team of an organization. ID org_…/team_…; a change of organization
// replaces it. The default team ("My Team") is an output of Organization.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { PULUMI_RESOURCES, TeamInputs } from "../api/pulumi";
import type { Team } from "../api/resources";
import * as c from "./common";

export { configure } from "./common";

const REPLACE_ON: readonly string[] = PULUMI_RESOURCES["orgs:index:Team"].replaceOn;
const PROVIDER_ONLY = ["adopt"] as const;
const RULES: c.FieldRule[] = [
  { key: "organization", eq: c.sameOrg, replace: REPLACE_ON.includes("organization") },
  { key: "name" },
  { key: "description", eq: (a, b) => (a ?? "") === (b ?? "") },
];

const what = (p: c.Props, org?: string) => `team ${p.name ?? p.teamId} in ${org ?? p.organizationId ?? p.organization}`;

function asInputs(r: Team, declared: c.Props): c.Props {
  return { organization: declared.organization ?? r.organization_id, name: r.name, description: r.description };
}

function outputs(r: Team, declared: c.Props): c.Props {
  return { ...c.declaredOnly(declared, asInputs(r, declared)), ...c.carry(declared, PROVIDER_ONLY), organizationId: r.organization_id, teamId: r.id, version: r.version };
}

function patchBody(current: c.Props, news: c.Props) {
  const changed = c.diffInputs(current, news, RULES.slice(1)).diffs;
  return Object.fromEntries(changed.map((k) => [k, news[k]]));
}

export async function check(_olds: c.Props, news: c.Props): Promise<dynamic.CheckResult> {
  return c.validate(TeamInputs, news);
}

export async function diff(_id: string, olds: c.Props, news: c.Props): Promise<c.DiffOutcome> {
  return c.diffInputs(olds, news, RULES);
}

export async function create(inputs: c.Props): Promise<dynamic.CreateResult> {
  const params = { org: inputs.organization };
  const body = { name: inputs.name, ...(inputs.description !== undefined ? { description: inputs.description } : {})};
  try {
    const { body: r } = await c.call("createTeam", { params, body, idempotencyKey: c.idempotencyKey("team", inputs.organization, body) }, what(inputs));
    c.invalidate(`teams:${r.organization_id}`);
    return { id: `${r.organization_id}/${r.id}`, outs: outputs(r, inputs) };
  } catch (e) {
    if (c.codeOf(e)?.code !== "already_exists") throw e;
    if (inputs.adopt !== true) throw c.withAdvice(e, "set `adopt: true` on this resource to manage the existing team (pulumi import cannot reach a dynamic provider), or choose another name");
  }
  const all = await c.api().listAll("listTeams", { params }).catch((e) => { throw c.explain(e, what(inputs)); });
  const found = all.find((r) => r.name.toLowerCase() === String(inputs.name).toLowerCase());
  if (!found) throw new Error(`${what(inputs)} exists but this token cannot see it: check the token's organization`);
  const id = `${found.organization_id}/${found.id}`;
  const patch = patchBody(asInputs(found, inputs), inputs);
  if (!Object.keys(patch).length) return { id, outs: outputs(found, inputs) };
  try {
    const { body: r } = await c.call("updateTeam", { params: { org: found.organization_id, team_id: found.id }, body: patch, ifMatch: found.version }, what(inputs));
    return { id, outs: outputs(r, inputs) };
  } catch (e) {
    throw new c.PartialError(`${what(inputs)} was adopted but not brought to the declared settings: ${(e as Error).message}`, id, outputs(found, inputs), inputs);
  }
}

export async function read(id: string, props: c.Props): Promise<dynamic.ReadResult> {
  const [org, teamId] = c.idParts(id, 2, "Team");
  const w = what(props, org);
  let r: Team | "miss" = await c.fromList(`teams:${org}`, teamId!, () => c.api().listAll("listTeams", { params: { org: org! } }), (x) => x.id);
  if (r === "miss") {
    const got = await c.callOrGone("getTeam", { params: { org: org!, team_id: teamId! } }, w);
    if (!got) {
      await c.confirmGone({ op: "getOrganization", id: org! }, w);
      return { id: "", props: {} };
    }
    r = got.body;
  }
  return { id, props: outputs(r, props), inputs: { ...c.declaredOnly(props, asInputs(r, props)), ...c.carry(props, PROVIDER_ONLY) } };
}

export async function update(id: string, olds: c.Props, news: c.Props): Promise<dynamic.UpdateResult> {
  const [org, teamId] = c.idParts(id, 2, "Team");
  const w = what(news, org);
  const patch = patchBody(olds, news);
  if (!Object.keys(patch).length) return { outs: { ...olds, ...c.carry(news, PROVIDER_ONLY), organization: news.organization } };
  const r = await c.withVersion(
    olds.version,
    async (v) => (await c.call("updateTeam", { params: { org: org!, team_id: teamId! }, body: patch, ifMatch: v }, w)).body,
    async () => {
      const { body } = await c.call("getTeam", { params: { org: org!, team_id: teamId! } }, w);
      return { version: body.version, unchanged: !c.diffInputs(asInputs(body, olds), olds, RULES).changes };
    },
  );
  c.invalidate(`teams:${org}`);
  return { outs: outputs(r, news) };
}

export async function del(id: string, props: c.Props): Promise<void> {
  const [org, teamId] = c.idParts(id, 2, "Team");
  const w = what(props, org);
  try {
    await c.withVersion(
      props.version,
      async (v) => { await c.call("deleteTeam", { params: { org: org!, team_id: teamId! }, ifMatch: v }, w); },
      async () => {
        const { body } = await c.call("getTeam", { params: { org: org!, team_id: teamId! } }, w);
        return { version: body.version, unchanged: !c.diffInputs(asInputs(body, props), props, RULES).changes };
      },
    );
  } catch (e) {
    const code = c.codeOf(e);
    if (code?.status !== 404) {
      if (code?.code === "team_is_last_for_members") {
        const ids = (code.problem.member_ids as string[] | undefined) ?? [];
        throw c.withAdvice(e, `it is the last team of ${ids.length ? ids.join(", ") : "some members"}: give them another team first (their Member resources' teams), then run pulumi again`);
      }
      throw e;
    }
  }
  c.invalidate(`teams:${org}`);
}
export { del as delete };
