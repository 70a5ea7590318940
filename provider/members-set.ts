// The Members resource: an organization's whole membership, keyed by email, as one set the server
// plans and applies (POST …/members:plan, …/members:apply). ID org_…/members.
//
// check plans (one request, and only when the inputs differ from the state's), so an unknown role
// or team, a refused change, an exceeded quota or a removal beyond maxRemovals fails the preview
// with its place (members["bob@…"].roles[0]). diff compares the declared map with the state and
// makes no call. read returns every member the server holds, so one invited by hand shows in
// `preview --refresh` as a change of `members`. create and update apply the plan check made, with
// its membership_version as If-Match: a change made in between is a 412, reported with advice.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { PULUMI_RESOURCES } from "../api/pulumi";
import { MembersInputs, type MembersOutputs } from "../api/pulumi-sets";
import type { MemberSetPlan, MemberSetRequest, MemberSetResult } from "../api/sets";
import { bulkTimeoutMs } from "../client";
import { call } from "./call";
import { hasUnknown, validate } from "./check";
import { api, configure } from "./config";
import { codeOf, explain } from "./errors";
import { applyRefused, low, planCache, unchangedInputs } from "./set";

import { providerSteps } from "./steps";

type Inputs = z.output<typeof MembersInputs>;
type Entry = Inputs["members"][string];
type State = MembersOutputs;

const REPLACE_ON: readonly string[] = PULUMI_RESOURCES["orgs:index:Members"].replaceOn;
const FIELDS = [
  ["roles", "role_ids"],
  ["teams", "team_ids"],
  ["permissions", "permissions"],
] as const;

const what = (org: string) => `the members of ${org}`;
const sameSet = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a ?? []).length === (b ?? []).length && [...(a ?? [])].map(low).sort().join("\n") === [...(b ?? [])].map(low).sort().join("\n");

/** The set request for the declared inputs: entries in the map's order (pointers /members/i name them). */
function requestOf(inputs: Inputs): MemberSetRequest {
  return {
    members: Object.entries(inputs.members).map(([email, e]) => ({
      email,
      ...(e.roles ? { role_ids: e.roles } : {}),
      ...(e.teams ? { team_ids: e.teams } : {}),
      ...(e.permissions ? { permissions: e.permissions } : {}),
      ...(e.note !== undefined ? { note: e.note } : {}),
    })),
    prune: inputs.prune ?? false,
    ...(inputs.maxRemovals !== undefined ? { max_removals: inputs.maxRemovals } : {}),
  };
}

/** A JSON pointer of the request (/members/3/role_ids/0) as the program's property path (members["bob@…"].roles[0]). */
function propertyOf(pointer: string, emails: string[]): string {
  const m = /^\/members\/(\d+)(?:\/(role_ids|team_ids|permissions|email|note)(?:\/(\d+))?)?/.exec(pointer);
  if (!m) return pointer === "/max_removals" ? "maxRemovals" : "members";
  const input = { role_ids: "roles", team_ids: "teams", permissions: "permissions", note: "note", email: "" }[m[2] ?? "email"] ?? "";
  return `members[${JSON.stringify(emails[Number(m[1])] ?? "?")}]${input ? `.${input}` : ""}${m[3] !== undefined ? `[${m[3]}]` : ""}`;
}

// Plans made by check in this host process (one engine run), by request: create and update apply
// the plan the preview showed, so a change made in between is a 412, not silently included.
const plans = planCache(
  async (org: string, req: MemberSetRequest): Promise<MemberSetPlan> =>
    (await call("planMembers", { params: { org }, body: req, timeoutMs: bulkTimeoutMs(req.members.length) }, what(org))).body,
);

/** What an apply of this plan reads and writes, in entries: its per-attempt timeout grows with it (one transaction, any size). */
const sizeOf = (p: MemberSetPlan) => p.invite.length + p.update.length + p.remove.length + p.unchanged + p.unmanaged.length;

/** Plan failures as check failures, each at its entry. */
function failuresOf(e: unknown, emails: string[]): dynamic.CheckFailure[] | undefined {
  const c = codeOf(e);
  if (!c || c.status < 400 || c.status >= 500 || c.status === 401 || c.status === 404) return undefined;
  const errors = (c.problem.errors as { field: string; message: string }[] | undefined) ?? [];
  if (!errors.length) return [{ property: "members", reason: `${c.code}: ${String(c.problem.detail)}` }];
  return errors.map((f) => ({ property: propertyOf(f.field, emails), reason: `${c.code}: ${f.message}` }));
}

export async function check(olds: Partial<Inputs> | undefined, news: Record<string, unknown>): Promise<dynamic.CheckResult<Inputs>> {
  const result = validate(MembersInputs, news);
  if (result.failures?.length || !result.inputs) return result;
  const inputs = result.inputs as Inputs;
  // Nothing changed since the state (a no-op preview): no call.
  if (unchangedInputs(olds, news)) return result;
  if (hasUnknown(inputs.organization) || hasUnknown(inputs.members)) return result;
  const req = requestOf(inputs);
  let p: MemberSetPlan;
  try {
    p = await plans.plan(inputs.organization, req);
  } catch (e) {
    const failures = failuresOf(e, Object.keys(inputs.members));
    if (failures) return { inputs, failures };
    throw e;
  }
  if (p.invitations.needed > p.invitations.remaining) {
    return {
      inputs,
      failures: [
        {
          property: "members",
          reason:
            `the plan sends ${p.invitations.needed} invitations and the organization's invitation quota has ${p.invitations.remaining} left for the next 24 hours: ` +
            "add fewer members per `pulumi up`, or ask the server's operator to raise ORGS_INVITATION_QUOTA",
        },
      ],
    };
  }
  return result;
}

export async function diff(_id: string, olds: State, news: Inputs): Promise<dynamic.DiffResult> {
  const changes: string[] = [];
  const replaces: string[] = [];
  if (news.organization !== olds.organization && news.organization !== olds.organizationId) {
    changes.push("organization");
    if (REPLACE_ON.includes("organization")) replaces.push("organization");
  }
  if (membersChanged(olds.members ?? {}, news.members)) changes.push("members");
  if ((news.prune ?? false) !== (olds.prune ?? false)) changes.push("prune");
  if (news.maxRemovals !== olds.maxRemovals) changes.push("maxRemovals");
  // Members held and not declared: an up removes them (prune) or warns again.
  if (news.prune && (olds.unmanaged ?? []).length && !changes.includes("members")) changes.push("members");
  return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
}

/** Whether the declared map asks for anything the state does not hold (names compared as written, case-insensitively). */
function membersChanged(olds: Record<string, Partial<Entry>>, news: Record<string, Entry>): boolean {
  const before = new Map(Object.entries(olds).map(([k, v]) => [low(k), v]));
  if (before.size !== Object.keys(news).length) return true;
  for (const [email, e] of Object.entries(news)) {
    const o = before.get(low(email));
    if (!o) return true;
    for (const [key] of FIELDS) if (e[key] !== undefined && !sameSet(e[key], o[key])) return true;
  }
  return false;
}

/** The outputs after an apply: the declared entries with their IDs and statuses. */
function outputsOf(inputs: Inputs, orgId: string, r: MemberSetResult): State {
  const byEmail = new Map(r.members.map((m) => [low(m.email), m]));
  const members: State["members"] = {};
  for (const [email, e] of Object.entries(inputs.members)) {
    const m = byEmail.get(low(email));
    if (m) members[email] = { ...e, id: m.id, status: m.status };
  }
  const declared = new Set(Object.keys(inputs.members).map(low));
  return {
    ...inputs,
    members,
    organizationId: orgId,
    unmanaged: r.members.filter((m) => !m.is_owner && !declared.has(low(m.email))).map((m) => m.email),
    membershipVersion: r.membership_version,
  } as State;
}

/** Plans (or takes check's plan) and applies it with its version; a 412 gets advice for the command that met it. */
async function applySet(org: string, inputs: Inputs): Promise<MemberSetResult> {
  const req = requestOf(inputs);
  // Check planned with the organization as declared (a slug, say): the same key finds its plan.
  const planned = await plans.take(inputs.organization, req);
  try {
    const { body } = await call(
      "applyMembers",
      { params: { org }, body: req, ifMatch: `"${planned.membership_version}"`, timeoutMs: bulkTimeoutMs(sizeOf(planned)) },
      what(org),
    );
    if (body.unmanaged.length)
      console.warn(
        `${what(org)}: ${body.unmanaged.length} members are not in the program and were left (prune is off): ${body.unmanaged.map((m) => m.email).join(", ")}`,
      );
    return body;
  } catch (e) {
    throw applyRefused(
      e,
      `${what(org)} changed on the server between the plan and the apply (someone invited, changed or removed a member meanwhile): nothing was applied. ` +
        "Run `pulumi preview` to see the new plan, then `pulumi up` again",
    );
  }
}

async function organizationId(ref: string): Promise<string> {
  if (ref.startsWith("org_")) return ref;
  const { body } = await call("getOrganization", { params: { org: ref } }, `organization ${ref}`);
  return body.id;
}

export async function create(inputs: Inputs): Promise<dynamic.CreateResult<State>> {
  const org = await organizationId(inputs.organization);
  const r = await applySet(org, inputs);
  return { id: `${org}/members`, outs: outputsOf(inputs, org, r) };
}

export async function update(id: string, _olds: State, news: Inputs): Promise<dynamic.UpdateResult<State>> {
  const org = id.split("/")[0]!;
  return { outs: outputsOf(news, org, await applySet(org, news)) };
}

/** The server's membership as the program would declare it: names where the declaration uses names, the declared fields only. */
export async function read(id: string, props: Partial<State> = {}): Promise<dynamic.ReadResult<State>> {
  const org = id.split("/")[0]!;
  const client = api();
  const args = { params: { org } };
  let list, roles, teams;
  try {
    list = await client.listAll("listMembers", args);
    [roles, teams] = await Promise.all([client.listAll("listRoles", args), client.listAll("listTeams", args)]);
  } catch (e) {
    if (codeOf(e)?.code === "deleted") return { id: "", props: {} as State };
    // Explained as every other call is: a 401 says what to set and which command to run again.
    throw explain(e, `${what(org)}: cannot read the membership`);
  }
  const roleName = new Map(roles.map((r) => [r.id, r.name]));
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  const idOf = (kind: "role" | "team", ref: string) => {
    if (ref.startsWith(`${kind}_`)) return ref;
    const rows = kind === "role" ? roles : teams;
    return rows.find((r) => low(r.name) === low(ref))?.id ?? ref;
  };
  const declared = new Map(Object.entries(props.members ?? {}).map(([k, v]) => [low(k), [k, v] as const]));
  const members: State["members"] = {};
  const unmanaged: string[] = [];
  for (const m of list) {
    const d = declared.get(low(m.email));
    if (m.is_owner && !d) continue;
    const asDeclared = (kind: "role" | "team", ids: string[], refs: string[] | undefined) =>
      refs &&
      sameSet(
        refs.map((r) => idOf(kind, r)),
        ids,
      )
        ? refs
        : ids.map((i) => (kind === "role" ? roleName : teamName).get(i) ?? i);
    const base = { id: m.id, status: m.status };
    if (d) {
      const [email, e] = d;
      members[email] = {
        ...(e.roles ? { roles: asDeclared("role", m.role_ids, e.roles) } : {}),
        ...(e.teams ? { teams: asDeclared("team", m.team_ids, e.teams) } : {}),
        ...(e.permissions ? { permissions: m.permissions } : {}),
        ...(e.note !== undefined ? { note: e.note } : {}),
        ...base,
      };
    } else {
      unmanaged.push(m.email);
      members[m.email] = {
        roles: asDeclared("role", m.role_ids, undefined),
        teams: asDeclared("team", m.team_ids, undefined),
        ...(m.permissions.length ? { permissions: m.permissions } : {}),
        ...base,
      };
    }
  }
  const state = {
    ...props,
    organization: props.organization ?? org,
    members,
    organizationId: org,
    unmanaged,
    membershipVersion: props.membershipVersion ?? "",
  } as State;
  const inputs: Record<string, unknown> = {
    organization: state.organization,
    members: Object.fromEntries(Object.entries(members).map(([k, { id: _i, status: _s, ...e }]) => [k, e])),
  };
  if (props.prune !== undefined) inputs.prune = props.prune;
  if (props.maxRemovals !== undefined) inputs.maxRemovals = props.maxRemovals;
  return { id, props: state, inputs: inputs as State };
}

/** Removes the members this stack declared (not the owner, and not those it never listed). */
export async function del(id: string, props: State): Promise<void> {
  const org = id.split("/")[0]!;
  const declared = new Set(Object.keys(props.members ?? {}).map(low));
  let p: MemberSetPlan;
  try {
    p = (await call("planMembers", { params: { org }, body: { members: [], prune: false } }, what(org))).body;
  } catch (e) {
    if (codeOf(e)?.status === 404) return;
    throw e;
  }
  const keep = p.unmanaged.filter((m) => !declared.has(low(m.email))).map((m) => ({ email: m.email }));
  await call(
    "applyMembers",
    { params: { org }, body: { members: keep, prune: true }, ifMatch: `"${p.membership_version}"`, timeoutMs: bulkTimeoutMs(sizeOf(p)) },
    what(org),
  );
}
export { del as delete };

export const provider: dynamic.ResourceProvider<Inputs, State> = { check, diff, create, read, update, delete: del };

/** The steps as the shell calls them: bounded in time, refusals reported without a stack trace (provider/steps.ts). */
export const steps = providerSteps({ configure, check, diff, create, read, update, delete: del });
