// The Member resource: a person's membership of an organization, from invitation to removal.
// ID org_…/mem_…. Creating it sends the invitation; another organization or another email
// (compared case-insensitively) replaces it; an expired invitation shows as a change and the
// update re-sends it. Roles and teams are named by ID or by name.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { MemberInputs, PULUMI_RESOURCES, type MemberOutputs } from "../api/pulumi";
import type { Member } from "../api/resources";
import { adoptedInThisRun, call, idParts, listAll, readOr404, readThrough, recordAdopted, withVersion } from "./call";
import { hasUnknown, propertyPath, validate } from "./check";
import { diffInputs, sameSet, withChange, type DiffOutcome, type FieldRule } from "./diff";
import { adoptionRefused, codeOf, PartialError, ProviderError, type FieldNames } from "./errors";
import { invalidate } from "./read-cache";
import { asDeclared, namedFailures, orgChange, orgIdOf, resolveNamed, sameOrganization, tryResolveNamed, type Named } from "./refs";
import { warn } from "./warn";
import { carry, DECLARED, declaredKeys, found, gone, inDeclaredOrder, outputsOf, redeclared, setKeys } from "./state";

import { api, configure, configured } from "./config";
import { providerSteps } from "./steps";

export { configure };

type Inputs = z.output<typeof MemberInputs>;
type State = MemberOutputs & { [DECLARED]?: string[] };

const INPUT_KEYS = Object.keys(MemberInputs.shape);
const REPLACE_ON: readonly string[] = PULUMI_RESOURCES["orgs:index:Member"].replaceOn;
// Write-only or provider-only inputs: kept as given, never compared with the server.
const FLAGS = ["name", "note", "resendExpiredInvitation", "adopt"] as const;
const FIELDS: FieldNames = { "/role_ids": "roles", "/team_ids": "teams" };
const RULES: FieldRule[] = [
  {
    key: "email",
    eq: (a, b) =>
      String(a ?? "")
        .trim()
        .toLowerCase() === String(b).trim().toLowerCase(),
    replace: REPLACE_ON.includes("email"),
  },
  { key: "permissions", eq: sameSet },
];
const SETS: { key: "roles" | "teams"; kind: Named; ids: "roleIds" | "teamIds"; api: "role_ids" | "team_ids" }[] = [
  { key: "roles", kind: "role", ids: "roleIds", api: "role_ids" },
  { key: "teams", kind: "team", ids: "teamIds", api: "team_ids" },
];

const what = (p: { email?: string; memberId?: string; organizationId?: string; organization?: string }, org?: string) =>
  `member ${p.email ?? p.memberId} of ${org ?? p.organizationId ?? p.organization}`;

/** The outputs for the server's member; `declared` gives the organization reference and how roles and teams are named. */
async function outputs(m: Member, declared: Partial<Inputs>, keys: readonly string[]): Promise<State> {
  const [roles, teams] = await Promise.all([
    asDeclared("role", m.organization_id, m.role_ids, declared.roles),
    asDeclared("team", m.organization_id, m.team_ids, declared.teams),
  ]);
  return outputsOf(
    {
      organization: declared.organization ?? m.organization_id,
      email: m.email,
      roles,
      teams,
      permissions: inDeclaredOrder(m.permissions, declared.permissions),
    },
    keys,
    carry(declared, FLAGS),
    {
      organizationId: m.organization_id,
      memberId: m.id,
      roleIds: m.role_ids,
      teamIds: m.team_ids,
      status: m.status,
      accountId: m.account_id,
      invitationExpiresAt: m.invitation?.expires_at ?? null,
      isOwner: m.is_owner,
      version: m.version,
    },
  ) as State;
}

/** Expired per the last refresh, or since then by this machine's clock. */
export function isExpired(state: Partial<State>, now = Date.now()): boolean {
  if (state.status === "expired") return true;
  return state.status === "invited" && typeof state.invitationExpiresAt === "string" && Date.parse(state.invitationExpiresAt) <= now;
}
const wantsResend = (olds: Partial<State>, news: Partial<Inputs>) => news.resendExpiredInvitation !== false && isExpired(olds);

/** Whether the declared roles (or teams) name another set than the state's; resolves names only when the text changed. */
async function setChanged(s: (typeof SETS)[number], olds: State, news: Inputs): Promise<boolean> {
  const next = news[s.key];
  if (next === undefined) return false;
  if (hasUnknown(next)) return true;
  if (sameSet(olds[s.key], next)) return false;
  const ids = olds[s.ids] && (await tryResolveNamed(s.kind, olds.organizationId, next));
  return !ids || !sameSet(ids, olds[s.ids]);
}

/** The PATCH that brings the state's member to the declared roles, teams and permissions. */
async function patchFor(olds: State, news: Inputs): Promise<Record<string, string[]>> {
  const patch: Record<string, string[]> = {};
  for (const s of SETS) {
    const next = news[s.key];
    if (next === undefined || sameSet(olds[s.key], next)) continue;
    const ids = await resolveNamed(s.kind, olds.organizationId, next, s.key);
    if (!sameSet(ids, olds[s.ids])) patch[s.api] = ids;
  }
  if (news.permissions !== undefined && !sameSet(olds.permissions, news.permissions)) patch.permissions = news.permissions;
  return patch;
}

/** True when nothing the program declares differs between the server's member and the state. */
function unchangedSince(m: Member, olds: State): boolean {
  const keys = declaredKeys(olds, INPUT_KEYS);
  const same = (key: string, a: unknown, b: unknown) => !keys.includes(key) || sameSet(a, b);
  return same("roles", m.role_ids, olds.roleIds) && same("teams", m.team_ids, olds.teamIds) && same("permissions", m.permissions, olds.permissions);
}

export async function check(olds: unknown, news: Record<string, unknown>): Promise<dynamic.CheckResult<Inputs>> {
  const r = validate(MemberInputs, news);
  if (r.failures?.length) return r;
  // A takeover looks like any create in a preview: say so while there is time to review it.
  if (news.adopt === true && Object.keys((olds as object | undefined) ?? {}).length === 0) await warnIfAdopting(news);
  const failures = await referenceFailures((olds ?? {}) as Partial<Inputs>, r.inputs!);
  return failures.length ? { inputs: r.inputs, failures } : r;
}

/**
 * Roles and teams that name nothing in the member's organization, found at preview: resolved when
 * the organization is known and the lists differ from the previous inputs (a preview with nothing
 * to do makes no API call), with one list per organization per run.
 */
async function referenceFailures(olds: Partial<Inputs>, news: Inputs): Promise<dynamic.CheckFailure[]> {
  if (hasUnknown(news.organization) || !configured()) return [];
  const wanted = SETS.filter((s) => news[s.key] !== undefined && !(olds.organization === news.organization && sameSet(olds[s.key], news[s.key])));
  if (!wanted.length) return [];
  const org = await orgIdOf(news.organization);
  // A slug no organization visible to the token has (yet): create and update say so.
  if (org === undefined) return [];
  const failures = await Promise.all(wanted.map((s) => namedFailures(s.kind, org, news.organization, news[s.key]!, s.key)));
  return failures.flat().map((f) => ({ property: propertyPath(f.path), reason: f.reason }));
}

/** Warns when the create of a Member with `adopt: true` will take over an existing member or invitation. */
async function warnIfAdopting(news: Record<string, unknown>): Promise<void> {
  const { organization, email } = news;
  if (typeof organization !== "string" || typeof email !== "string" || hasUnknown({ organization, email })) return;
  try {
    const org = await orgIdOf(organization);
    if (!org) return;
    const m = (await api().call("listMembers", { params: { org }, query: { email } })).body.items[0];
    if (!m) return;
    await warn(
      `orgs: the Member for ${email} adopts ${m.status === "invited" ? "the pending invitation" : "the existing member"} ${m.id} of ${organization} ` +
        "(shown as a create): `pulumi up` takes it over and updates it to the program, and `pulumi destroy` (or removing it from the program) " +
        "will remove it from the organization; add the resource option `retainOnDelete: true` to leave it there instead",
    );
  } catch {
    // A check that cannot look says nothing: the create reports what it meets.
  }
}

export async function diff(_id: string, olds: State, news: Inputs): Promise<DiffOutcome> {
  let d = diffInputs(olds, news, RULES);
  const org = await orgChange(olds, news.organization);
  if (org !== "same") d = withChange(d, "organization", org === "other" && REPLACE_ON.includes("organization"));
  // Another organization replaces the member: its roles and teams are then that organization's.
  if (org === "same") for (const s of SETS) if (await setChanged(s, olds, news)) d = withChange(d, s.key);
  if (wantsResend(olds, news)) d = withChange(d, "status");
  return d;
}

/** The ID of the organization a create names; an error when the token cannot see it. */
async function organizationId(ref: string, w: string): Promise<string> {
  const id = await orgIdOf(ref);
  if (id === undefined)
    throw new ProviderError(`${w}: organization ${ref} is not visible to this token: check the slug, and that the token's account is a member`);
  return id;
}

export async function create(inputs: Inputs): Promise<dynamic.CreateResult<State>> {
  const w = what(inputs);
  const keys = setKeys(inputs);
  const org = await organizationId(inputs.organization, w);
  const [role_ids, team_ids] = await Promise.all(SETS.map((s) => (inputs[s.key] ? resolveNamed(s.kind, org, inputs[s.key]!, s.key) : undefined)));
  const body = {
    email: inputs.email,
    ...(role_ids ? { role_ids } : {}),
    ...(team_ids ? { team_ids } : {}),
    ...(inputs.permissions !== undefined ? { permissions: inputs.permissions } : {}),
    ...(inputs.name !== undefined ? { name: inputs.name } : {}),
    ...(inputs.note !== undefined ? { note: inputs.note } : {}),
  };
  let existingId: string | undefined;
  try {
    const { body: m } = await call("createMember", { params: { org }, body }, w, FIELDS);
    invalidate(`members:${m.organization_id}`);
    const id = `${m.organization_id}/${m.id}`;
    return { id, outs: await outputs(m, inputs, keys) };
  } catch (e) {
    const code = codeOf(e);
    if (code?.code !== "already_member") throw e;
    if (inputs.adopt !== true) throw adoptionRefused(e, "member or invitation");
    existingId = code.problem.existing_id as string | undefined;
  }
  const found = existingId
    ? (await call("getMember", { params: { org, member_id: existingId } }, w)).body
    : (await call("listMembers", { params: { org }, query: { email: inputs.email } }, w)).body.items[0];
  if (!found) throw new ProviderError(`${w} is already a member, but this token cannot find the membership`);
  const id = `${found.organization_id}/${found.id}`;
  recordAdopted(id);
  const current = await outputs(found, inputs, keys);
  const patch = await patchFor(current, inputs);
  if (!Object.keys(patch).length) return { id, outs: current };
  try {
    const { body: m } = await call(
      "updateMember",
      { params: { org: found.organization_id, member_id: found.id }, body: patch, ifMatch: found.version },
      w,
      FIELDS,
    );
    return { id, outs: await outputs(m, inputs, keys) };
  } catch (e) {
    throw new PartialError(`${w} was adopted but not given the declared roles, teams and permissions: ${(e as Error).message}`, id, current, inputs, e);
  }
}

export async function read(id: string, props: State = {} as State): Promise<dynamic.ReadResult<State>> {
  const [org, memberId] = idParts(id, 2, "Member");
  const w = what(props, org);
  const m = await readThrough<Member>({
    list: { scope: `members:${org}`, key: memberId, all: () => listAll("listMembers", { params: { org } }), keyOf: (x) => x.id },
    get: () => readOr404("getMember", { params: { org, member_id: memberId } }, w),
    what: w,
    parent: { kind: "organization", id: org },
  });
  if (!m) return gone();
  const keys = declaredKeys(props, INPUT_KEYS);
  return found(id, await outputs(m, props, keys), keys);
}

export async function update(id: string, olds: State, news: Inputs): Promise<dynamic.UpdateResult<State>> {
  const [org, memberId] = idParts(id, 2, "Member");
  const w = what(news, org);
  const params = { org, member_id: memberId };
  const keys = setKeys(news);
  await sameOrganization(olds, news.organization, w);
  const patch = await patchFor(olds, news);
  let m: Member | undefined;
  if (Object.keys(patch).length) {
    m = await withVersion(
      olds.version,
      async (v) => (await call("updateMember", { params, body: patch, ifMatch: v }, w, FIELDS)).body,
      async () => {
        const { body } = await call("getMember", { params }, w);
        return { version: body.version, unchanged: unchangedSince(body, olds) };
      },
    );
  }
  if (wantsResend(olds, news)) {
    try {
      m = (await call("resendInvitation", { params }, `invitation of ${w}`)).body;
    } catch (e) {
      // Accepted since the last refresh: nothing to re-send.
      if (codeOf(e)?.code === "member_active") m = (await call("getMember", { params }, w)).body;
      else if (m)
        throw new PartialError(
          `${w} was updated, but the expired invitation was not re-sent: ${(e as Error).message}`,
          id,
          await outputs(m, news, keys),
          news,
          e,
        );
      else throw e;
    }
  }
  invalidate(`members:${org}`);
  if (m) return { outs: await outputs(m, news, keys) };
  // Nothing to change on the server (a note, a flag, or a reference written another way): the
  // state records the declaration.
  return { outs: redeclared(olds, news, FLAGS, { organization: news.organization, roles: news.roles ?? olds.roles, teams: news.teams ?? olds.teams }) };
}

export async function del(id: string, props: State): Promise<void> {
  // This run's create adopted this same member (a replacement or a renamed resource adopted it).
  if (adoptedInThisRun(id)) return;
  const [org, memberId] = idParts(id, 2, "Member");
  const w = what(props, org);
  const params = { org, member_id: memberId };
  try {
    await withVersion(
      props.version,
      async (v) => {
        await call("deleteMember", { params, ifMatch: v }, w);
      },
      async () => {
        const { body } = await call("getMember", { params }, w);
        return { version: body.version, unchanged: unchangedSince(body, props) };
      },
    );
  } catch (e) {
    if (codeOf(e)?.status !== 404) throw e;
  }
  invalidate(`members:${org}`);
}
export { del as delete };

/** The module as the dynamic provider the shell loads it as: the compiler checks each step's types. */
export const provider: dynamic.ResourceProvider<Inputs, State> = { check, diff, create, read, update, delete: del };

/** The steps as the shell calls them: bounded in time, refusals reported without a stack trace (provider/steps.ts). */
export const steps = providerSteps({ configure, check, diff, create, read, update, delete: del });
