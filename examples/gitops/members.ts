// Reads members.yaml: validates it completely (every mistake at once, with its place in the file)
// and resolves project names to IDs, before any resource is declared. Roles and teams stay names
// (or IDs): the provider resolves them in the organization, and names an unknown one.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { Email, ENVIRONMENT_ROLES, Permission, PROJECT_ROLES } from "orgs/api";

const names = z.array(z.string().min(1).max(255));
const Access = z.strictObject({
  project: z.string().min(1),
  level: z.enum(PROJECT_ROLES),
  environments: z.strictObject({ sandbox: z.enum(ENVIRONMENT_ROLES).nullable().optional(), live: z.enum(ENVIRONMENT_ROLES).nullable().optional() }).optional(),
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
  prune: z.boolean().default(false),
  max_removals: z.number().int().min(0).optional(),
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
  /** Role names or IDs. */
  roles?: string[];
  /** Team names or IDs. */
  teams?: string[];
  permissions?: z.infer<typeof Permission>[];
  note?: string;
  access: ProjectGrant[];
}
export interface MembersFile {
  organization: string;
  adopt: boolean;
  /** Remove members the file does not list (the owner excepted). */
  prune: boolean;
  /** Refuse a run that would remove more members than this. */
  maxRemovals?: number;
  members: MemberEntry[];
}

export class MembersFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
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
    throw new MembersFileError(
      file,
      parsed.error.issues.map((i) => `${where(i.path) || "(top)"}: ${i.message}`),
    );
  }
  const doc = parsed.data;
  const problems: string[] = [];
  const project = (name: string, at: string): string => {
    const id = doc.projects[name];
    if (id === undefined) problems.push(`${at}: unknown project "${name}"; add it under projects: (known: ${Object.keys(doc.projects).join(", ") || "none"})`);
    return id ?? "";
  };
  const seen = new Map<string, number>();
  const members = doc.members.map((m, i): MemberEntry => {
    const key = m.email.toLowerCase();
    if (seen.has(key)) problems.push(`members[${i}].email: ${m.email} is already listed at members[${seen.get(key)}]`);
    seen.set(key, i);
    const projects = new Set<string>();
    const access = m.access.map((a, j): ProjectGrant => {
      if (projects.has(a.project)) problems.push(`members[${i}].access[${j}]: project ${a.project} is listed twice for ${m.email}`);
      projects.add(a.project);
      return {
        projectName: a.project,
        projectId: project(a.project, `members[${i}].access[${j}].project`),
        level: a.level,
        ...(a.environments ? { environmentRoles: a.environments } : {}),
      };
    });
    return {
      email: m.email,
      key,
      ...(m.roles ? { roles: m.roles } : {}),
      ...(m.teams ? { teams: m.teams } : {}),
      ...(m.permissions ? { permissions: m.permissions } : {}),
      ...(m.note ? { note: m.note } : {}),
      access,
    };
  });
  if (problems.length) throw new MembersFileError(file, problems);
  return {
    organization: doc.organization,
    adopt: doc.adopt,
    prune: doc.prune,
    ...(doc.max_removals !== undefined ? { maxRemovals: doc.max_removals } : {}),
    members,
  };
}

/** A place in the file as Pulumi writes property paths: members[1].roles[0]. */
const where = (path: readonly PropertyKey[]) => path.map((k, i) => (typeof k === "number" ? `[${k}]` : i ? `.${String(k)}` : String(k))).join("");

export function loadMembers(path: string): MembersFile {
  return parseMembers(readFileSync(path, "utf8"), path);
}
