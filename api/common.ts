// Building blocks shared by every resource schema of the org API.
import { z } from "zod";

export const PERMISSIONS = ["billing", "plans", "projects:create", "members"] as const;
export const Permission = z.enum(PERMISSIONS).describe("An organization permission: billing, plans, projects:create or members.");
export type Permission = z.infer<typeof Permission>;

export const REGIONS = ["us", "eu"] as const;
export const Region = z.enum(REGIONS).describe("Data-center region; fixed when the organization is created.");

export const Timestamp = z.string().describe("RFC 3339 UTC timestamp.");
export const Version = z.number().int().describe("Increments on every change; the source of the ETag.");

/** An opaque, prefixed ID. Clients must not parse it. */
export const id = (prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9A-Za-z]+$`), `must be an ID starting with ${prefix}_`)
    .max(255);

export const OrgId = id("org");
export const AccountId = id("acct");
export const MemberId = id("mem");
export const RoleId = id("role");
export const TeamId = id("team");
export const ProjectId = id("prj");
export const EnvironmentId = id("env");
export const TokenId = id("tok");
export const EventId = id("evt");

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,37}[a-z0-9])?$/;
export const Slug = z
  .string()
  .regex(SLUG_PATTERN, "must be 1-39 lowercase letters, digits or hyphens, starting and ending with a letter or digit")
  .refine((s) => !s.startsWith("org_"), "must not start with org_")
  .describe("URL name of the organization: lowercase, globally unique. Non-canonical input is rejected, never rewritten.");

export const Email = z.string().trim().max(254).email("must be an email address").describe("Email address; compared case-insensitively, echoed as given.");

/** Display names: trimmed of nothing, 1-64 characters, no control characters. */
export const Name = z
  .string()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters")
  .refine((s) => s.trim() === s, "must not start or end with whitespace");

export const Description = z.string().max(1024, "must be at most 1024 characters");

/** A set in the API: duplicates are refused rather than silently dropped. */
export const uniqueSet = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .max(100)
    .refine((a) => new Set(a).size === a.length, "must not contain duplicates");

export const Limit = z.coerce.number().int().min(1).max(100).default(30).describe("Page size, 1-100 (default 30).");
export const Cursor = z.string().max(512).describe("Opaque cursor from a previous page's next_cursor.");
export const PageQuery = z.object({ limit: Limit.optional(), cursor: Cursor.optional() });

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next_cursor: z.string().nullable() });

/**
 * A field error's JSON pointer as people write it: /members/0/email → members.0.email. The root
 * pointer "" (the whole body) gives "", which callers name ("body"); a header name is kept as is.
 */
export const fieldLabel = (pointer: string) =>
  pointer.startsWith("/")
    ? pointer
        .slice(1)
        .split("/")
        .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"))
        .join(".")
    : pointer;

export const ProblemFieldError = z.object({
  field: z
    .string()
    .describe(
      'RFC 6901 JSON pointer to the offending field (/members/0/email; "" for the whole body), to the query parameter for invalid_query (/limit), or the header\'s name for invalid_header (Idempotency-Key).',
    ),
  code: z.enum(["missing", "missing_field", "invalid", "already_exists", "immutable", "unprocessable", "custom"]),
  message: z.string(),
});

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string(),
    request_id: z.string().optional(),
    errors: z.array(ProblemFieldError).optional(),
  })
  .passthrough()
  .describe("RFC 9457 problem details with a stable code.");
export type Problem = z.infer<typeof Problem>;
