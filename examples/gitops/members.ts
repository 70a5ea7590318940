// Reads members.yaml: validates it completely (every mistake at once, with its place in the file)
// and resolves role, team and project names to IDs, before any resource is declared.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { Email, ENVIRONMENT_ROLES, Permission, PROJECT_ROLES } from "orgs/api";

const names = z.array(z.string().min(1));
const Access = z.strictObject({
  project: z.string().min(1),
  level: z.enum(PROJECT_ROLES),
  environments: z
    .strictObject({ sandbox: z.enum(ENVIRONMENT_ROLES).nullable().optional(), live: z.enum(ENVIRONMENT_ROLES).nullable().optional() })
    .optional(),
});
const Entry = z.strictObject({
  email: Email,
  roles: names.optional(),
  teams: names.optional(),
  permissions: z.array(Permission).optional(),
  note: z.string().optional(),
  access: z.array(Access).default([]),
});
const File = z.strictObject({
  organization: z.string().min(1),
  adopt: z.boolean().default(false),
  roles: z.record(z.string(), z.string()).default({}),
  teams: z.record(z.string(), z.string()).default({}),
  projects: z.record(z.string(), z.string()).default({}),
  members: z.array(Entry),
});

export interface ProjectGrant {
  projectName: string;
  projectId: string;
  level: (typeof PROJECT_ROLES)[number];
  environmentRoles?: { sandbox?: (typeof ENVIRONMENT_ROLES)[number] | null; live?: (typeof ENVIRONMENT_ROLES)[number] | null };
}
export interface MemberEntry {
  email: string;
  /** Lowercased email: the resource name, so a change of case only is not a new member. */
  key: string;
  roles?: string[];
  teams?: string[];
  permissions?: z.infer<typeof Permission>[];
  note?: string;
  access: ProjectGrant[];
}
export interface MembersFile {
  organization: string;
  adopt: boolean;
  members: MemberEntry[];
}

export class MembersFileError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file} has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Parses the text of a members file; `file` names it in error messages. */
export function parseMembers(text: string, file = "members.yaml"): MembersFile {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new MembersFileError(file, [`not valid YAML: ${(err as Error).message}`]);
  }
  const parsed = File.safeParse(raw);
  if (!parsed.success) {
    throw new MembersFileError(file, parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`));
  }
  const doc = parsed.data;
  const problems: string[] = [];
  const lookup = (kind: "roles" | "teams" | "projects", name: string, where: string): string => {
    const id = doc[kind][name];
    if (id === undefined) {
      const known = Object.keys(doc[kind]);
      problems.push(`${where}: unknown ${kind.slice(0, -1)} "${name}"; add it under ${kind}: (known: ${known.join(", ") || "none"})`);
      return "";
    }
    return id;
  };
  const seen = new Map<string, number>();
  const members = doc.members.map((m, i): MemberEntry => {
    const key = m.email.toLowerCase();
    if (seen.has(key)) problems.push(`members.${i}.email: ${m.email} is already listed at members.${seen.get(key)}`);
    seen.set(key, i);
    const roles = m.roles?.map((r, j) => lookup("roles", r, `members.${i}.roles.${j}`));
    const teams = m.teams?.map((t, j) => lookup("teams", t, `members.${i}.teams.${j}`));
    const projects = new Set<string>();
    const access = m.access.map((a, j): ProjectGrant => {
      if (projects.has(a.project)) problems.push(`members.${i}.access.${j}: project ${a.project} is listed twice for ${m.email}`);
      projects.add(a.project);
      return {
        projectName: a.project,
        projectId: lookup("projects", a.project, `members.${i}.access.${j}.project`),
        level: a.level,
        ...(a.environments ? { environmentRoles: a.environments } : {}),
      };
    });
    return {
      email: m.email,
      key,
      ...(roles ? { roles } : {}),
      ...(teams ? { teams } : {}),
      ...(m.permissions ? { permissions: m.permissions } : {}),
      ...(m.note ? { note: m.note } : {}),
      access,
    };
  });
  if (problems.length) throw new MembersFileError(file, problems);
  return { organization: doc.organization, adopt: doc.adopt, members };
}

export function loadMembers(path: string): MembersFile {
  return parseMembers(readFileSync(path, "utf8"), path);
}
