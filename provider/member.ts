// The Member resource: a person's membership of an organization, from invitation to removal.
// ID org_…/mem_…. Creating it sends the invitation; another organization or another email
// (compared case-insensitively) replaces it; an expired invitation shows as a change and the
// update re-sends it. Roles and teams are named by ID or by name.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { MemberInputs, PULUMI_RESOURCES, type MemberOutputs } from "../api/pulumi";
import type { Member } from "../api/resources";
import { call, idParts, listAll, readOr404, readThrough } from "./call";
import { hasUnknown, propertyPath } from "./check";
import { sameSet, withChange, type FieldRule } from "./diff";
import { codeOf, PartialError, ProviderError, type FieldNames } from "./errors";
import { known, lifecycle, type Helpers } from "./lifecycle";
import { invalidate } from "./read-cache";
import { asDeclared, namedFailures, orgIdOf, resolveNamed, sameOrganization, tryResolveNamed, type Named } from "./refs";
import { carry, DECLARED, declaredKeys, inDeclaredOrder, outputsOf, setKeys } from "./state";

import { configure, configured } from "./config";
import { providerSteps } from "./steps";

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

const what = (p: { email?: string; memberId?: string; organizationId?: string; organization?: string }, id?: string) =>
  `member ${p.email ?? p.memberId} of ${id?.split("/")[0] ?? p.organizationId ?? p.organization}`;

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

/** The ID of the organization a create names; an error when the token cannot see it. */
async function organizationId(ref: string, w: string): Promise<string> {
  const id = await orgIdOf(ref);
  if (id === undefined)
    throw new ProviderError(`${w}: organization ${ref} is not visible to this token: check the slug, and that the token's account is a member`);
  return id;
}

type Address = { org: string; member_id: string };
type Resolved = { org: string; role_ids?: string[]; team_ids?: string[] };

/** The module as a dynamic provider: its steps as the engine names them. */
export const provider = lifecycle<Member, Inputs, State, Address, Resolved>({
  token: "orgs:index:Member",
  inputs: MemberInputs,
  flags: FLAGS,
  rules: RULES,
  organizationRef: true,
  what,
  idOf: (m) => `${m.organization_id}/${m.id}`,
  address(id) {
    const [org, member_id] = idParts(id, 2, "Member");
    return { org, member_id };
  },
  outputs,
  patchFor,
  unchangedSince,
  check: (olds, inputs) => referenceFailures(olds, inputs),
  async diff(d, olds, news, { org }) {
    // Another organization replaces the member: its roles and teams are then that organization's.
    if (org === "same") for (const s of SETS) if (await setChanged(s, olds, news)) d = withChange(d, s.key);
    if (wantsResend(olds, news)) d = withChange(d, "status");
    return d;
  },
  create: {
    async prepare(inputs, w) {
      const org = await organizationId(inputs.organization, w);
      const [role_ids, team_ids] = await Promise.all(SETS.map((s) => (inputs[s.key] ? resolveNamed(s.kind, org, inputs[s.key]!, s.key) : undefined)));
      return { org, role_ids, team_ids };
    },
    async send(inputs, { org, role_ids, team_ids }, w) {
      const body = {
        email: inputs.email,
        ...(role_ids ? { role_ids } : {}),
        ...(team_ids ? { team_ids } : {}),
        ...(inputs.permissions !== undefined ? { permissions: inputs.permissions } : {}),
        ...(inputs.name !== undefined ? { name: inputs.name } : {}),
        ...(inputs.note !== undefined ? { note: inputs.note } : {}),
      };
      return (await call("createMember", { params: { org }, body }, w, FIELDS)).body;
    },
    exists: (e) => codeOf(e)?.code === "already_member",
    noun: "member or invitation",
    async find(inputs, { org }, w, conflict) {
      const existingId = codeOf(conflict)?.problem.existing_id as string | undefined;
      const found = existingId
        ? (await call("getMember", { params: { org, member_id: existingId } }, w)).body
        : (await call("listMembers", { params: { org }, query: { email: inputs.email } }, w)).body.items[0];
      if (!found) throw new ProviderError(`${w} is already a member, but this token cannot find the membership`);
      return found;
    },
    adoptedBut: "given the declared roles, teams and permissions",
  },
  api: {
    get: async (at, w) => (await call("getMember", { params: at }, w)).body,
    read: ({ org, member_id }, w) =>
      readThrough<Member>({
        list: { scope: `members:${org}`, key: member_id, all: () => listAll("listMembers", { params: { org } }), keyOf: (x) => x.id },
        get: () => readOr404("getMember", { params: { org, member_id } }, w),
        what: w,
        parent: { kind: "organization", id: org },
      }),
    patch: async (at, patch, ifMatch, w) => (await call("updateMember", { params: at, body: patch, ifMatch }, w, FIELDS)).body,
    delete: (at, ifMatch, w) => call("deleteMember", { params: at, ifMatch }, w),
  },
  changed: (m) => invalidate(`members:${m.organization_id}`),
  deleted: ({ org }) => invalidate(`members:${org}`),
  async existing({ organization, email }) {
    if (!known(organization, email)) return undefined;
    const org = await orgIdOf(String(organization));
    if (!org) return undefined;
    const m = (await call("listMembers", { params: { org }, query: { email: String(email) } }, `member ${email} of ${organization}`)).body.items[0];
    return m && { subject: `for ${email}`, what: `${m.status === "invited" ? "the pending invitation" : "the existing member"} ${m.id} of ${organization}` };
  },
  removal: "remove it from the organization",
  update: updateMember,
});

/** Member's update: the declared roles, teams and permissions, then an expired invitation re-sent. */
async function updateMember(id: string, olds: State, news: Inputs, h: Helpers<Member, Inputs, State, Address>): Promise<dynamic.UpdateResult<State>> {
  const [org, memberId] = idParts(id, 2, "Member");
  const w = what(news, id);
  const params = { org, member_id: memberId };
  const keys = setKeys(news);
  await sameOrganization(olds, news.organization, w);
  const patch = await patchFor(olds, news);
  let m: Member | undefined;
  if (Object.keys(patch).length)
    m = await h.versioned(params, olds, w, async (v) => (await call("updateMember", { params, body: patch, ifMatch: v }, w, FIELDS)).body);
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
  return { outs: h.redeclared(olds, news, { organization: news.organization, roles: news.roles ?? olds.roles, teams: news.teams ?? olds.teams }) };
}

/** The steps as the shell calls them: bounded in time, refusals reported without a stack trace (provider/steps.ts). */
export const steps = providerSteps({ configure, ...provider });
