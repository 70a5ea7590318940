// The Member resource: a person's membership of an organization, from invitation to removal.
// ID org_…/mem_…. Creating it sends the invitation; a change of organization or email (compared
// case-insensitively) replaces it; an expired invitation shows as a change and the update re-sends it.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { MemberInputs, PULUMI_RESOURCES } from "../api/pulumi";
import type { Member } from "../api/resources";
import * as c from "./common";

export { configure } from "./common";

const REPLACE_ON: readonly string[] = PULUMI_RESOURCES["orgs:index:Member"].replaceOn;
// Write-only or provider-only inputs: kept as given, never compared with the server.
const PROVIDER_ONLY = ["note", "resendExpiredInvitation", "adopt"] as const;
const FIELDS: c.FieldNames = { "/role_ids": "roles", "/team_ids": "teams" };
const API: Record<string, string> = { roles: "role_ids", teams: "team_ids" };
const RULES: c.FieldRule[] = [
  { key: "organization", eq: c.sameOrg, replace: REPLACE_ON.includes("organization") },
  { key: "email", eq: (a, b) => String(a ?? "").trim().toLowerCase() === String(b).trim().toLowerCase(), replace: REPLACE_ON.includes("email") },
  { key: "roles", eq: c.sameSet },
  { key: "teams", eq: c.sameSet },
  { key: "permissions", eq: c.sameSet },
];

const what = (p: c.Props, org?: string) => `member ${p.email ?? p.memberId} of ${org ?? p.organizationId ?? p.organization}`;

function asInputs(m: Member, declared: c.Props): c.Props {
  return { organization: declared.organization ?? m.organization_id, email: m.email, roles: m.role_ids, teams: m.team_ids, permissions: m.permissions };
}

function outputs(m: Member, declared: c.Props): c.Props {
  return {
    ...c.declaredOnly(declared, asInputs(m, declared)),
    ...c.carry(declared, PROVIDER_ONLY),
    organizationId: m.organization_id,
    memberId: m.id,
    status: m.status,
    accountId: m.account_id,
    invitationExpiresAt: m.invitation?.expires_at ?? null,
    isOwner: m.is_owner,
    version: m.version,
  };
}

/** The PATCH body for the sets that differ (each replaces its whole set). */
const patchBody = (current: c.Props, news: c.Props) => c.patchOf(current, news, RULES.slice(2), API);

/** Expired per the last refresh, or since then by this machine's clock. */
export function isExpired(state: c.Props, now = Date.now()): boolean {
  if (state.status === "expired") return true;
  return state.status === "invited" && typeof state.invitationExpiresAt === "string" && Date.parse(state.invitationExpiresAt) <= now;
}
const wantsResend = (olds: c.Props, news: c.Props) => news.resendExpiredInvitation !== false && isExpired(olds);

export async function check(_olds: c.Props, news: c.Props): Promise<dynamic.CheckResult> {
  return c.validate(MemberInputs, news);
}

export async function diff(_id: string, olds: c.Props, news: c.Props): Promise<c.DiffOutcome> {
  const d = c.diffInputs(olds, news, RULES);
  if (!wantsResend(olds, news)) return d;
  return { ...d, changes: true, diffs: [...d.diffs, "status"] };
}

export async function create(inputs: c.Props): Promise<dynamic.CreateResult> {
  const params = { org: inputs.organization };
  const body = {
    email: inputs.email,
    ...(inputs.roles !== undefined ? { role_ids: inputs.roles } : {}),
    ...(inputs.teams !== undefined ? { team_ids: inputs.teams } : {}),
    ...(inputs.permissions !== undefined ? { permissions: inputs.permissions } : {}),
    ...(inputs.note !== undefined ? { note: inputs.note } : {}),
  };
  let existingId: string | undefined;
  try {
    const { body: m } = await c.call("createMember", { params, body }, what(inputs), FIELDS);
    c.invalidate(`members:${m.organization_id}`);
    return { id: `${m.organization_id}/${m.id}`, outs: outputs(m, inputs) };
  } catch (e) {
    const code = c.codeOf(e);
    if (code?.code !== "already_member") throw e;
    if (inputs.adopt !== true) throw c.withAdvice(e, "set `adopt: true` on this resource to manage the existing member or invitation (pulumi import cannot reach a dynamic provider)");
    existingId = code.problem.existing_id as string | undefined;
  }
  let found: Member | undefined;
  if (existingId) found = (await c.call("getMember", { params: { org: inputs.organization, member_id: existingId } }, what(inputs))).body;
  else found = (await c.call("listMembers", { params, query: { email: inputs.email } }, what(inputs))).body.items[0];
  if (!found) throw new Error(`${what(inputs)} is already a member, but this token cannot find the membership`);
  const id = `${found.organization_id}/${found.id}`;
  const patch = patchBody(asInputs(found, inputs), inputs);
  if (!Object.keys(patch).length) return { id, outs: outputs(found, inputs) };
  try {
    const { body: m } = await c.call("updateMember", { params: { org: found.organization_id, member_id: found.id }, body: patch, ifMatch: found.version }, what(inputs), FIELDS);
    return { id, outs: outputs(m, inputs) };
  } catch (e) {
    throw new c.PartialError(`${what(inputs)} was adopted but not given the declared roles, teams and permissions: ${(e as Error).message}`, id, outputs(found, inputs), inputs);
  }
}

export async function read(id: string, props: c.Props): Promise<dynamic.ReadResult> {
  const [org, memberId] = c.idParts(id, 2, "Member");
  const w = what(props, org);
  let m: Member | "miss" = await c.fromList(`members:${org}`, memberId!, () => c.api().listAll("listMembers", { params: { org: org! } }), (x) => x.id);
  if (m === "miss") {
    const got = await c.callOrGone("getMember", { params: { org: org!, member_id: memberId! } }, w);
    if (!got) {
      await c.confirmGone({ op: "getOrganization", id: org! }, w);
      return { id: "", props: {} };
    }
    m = got.body;
  }
  return { id, props: outputs(m, props), inputs: { ...c.declaredOnly(props, asInputs(m, props)), ...c.carry(props, PROVIDER_ONLY) } };
}

export async function update(id: string, olds: c.Props, news: c.Props): Promise<dynamic.UpdateResult> {
  const [org, memberId] = c.idParts(id, 2, "Member");
  const w = what(news, org);
  const params = { org: org!, member_id: memberId! };
  const patch = patchBody(olds, news);
  let m: Member | undefined;
  if (Object.keys(patch).length) {
    m = await c.withVersion(
      olds.version,
      async (v) => (await c.call("updateMember", { params, body: patch, ifMatch: v }, w, FIELDS)).body,
      async () => {
        const { body } = await c.call("getMember", { params }, w);
        return { version: body.version, unchanged: !c.diffInputs(asInputs(body, olds), olds, RULES).changes };
      },
    );
  }
  if (wantsResend(olds, news)) {
    try {
      m = (await c.call("resendInvitation", { params }, `invitation of ${w}`)).body;
    } catch (e) {
      // Accepted since the last refresh: nothing to re-send.
      if (c.codeOf(e)?.code === "member_active") m = (await c.call("getMember", { params }, w)).body;
      else if (m) throw new c.PartialError(`${w} was updated, but the expired invitation was not re-sent: ${(e as Error).message}`, id, outputs(m, news), news);
      else throw e;
    }
  }
  c.invalidate(`members:${org}`);
  if (!m) return { outs: { ...olds, ...c.carry(news, PROVIDER_ONLY) } };
  return { outs: outputs(m, news) };
}

export async function del(id: string, props: c.Props): Promise<void> {
  const [org, memberId] = c.idParts(id, 2, "Member");
  const w = what(props, org);
  const params = { org: org!, member_id: memberId! };
  try {
    await c.withVersion(
      props.version,
      async (v) => { await c.call("deleteMember", { params, ifMatch: v }, w); },
      async () => {
        const { body } = await c.call("getMember", { params }, w);
        return { version: body.version, unchanged: !c.diffInputs(asInputs(body, props), props, RULES).changes };
      },
    );
  } catch (e) {
    const code = c.codeOf(e);
    if (code?.status !== 404) {
      if (code?.code === "cannot_remove_owner") throw c.withAdvice(e, "transfer the ownership first, or stop managing this membership with `pulumi state delete`");
      throw e;
    }
  }
  c.invalidate(`members:${org}`);
}
export { del as delete };
