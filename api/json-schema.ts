// What the two generators from PULUMI_RESOURCES share (schema.json in api/generate.ts, the
// TypeScript SDK in api/generate-sdk.ts): the JSON Schema of a zod schema, as both read it, and
// the names of the enum types (zod enums carry no name, and each SDK needs one per value set).
import { z } from "zod";

export type JsonSchema = {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
};

export const jsonSchema = (s: z.ZodType, io: "input" | "output") => z.toJSONSchema(s, { io, unrepresentable: "throw" }) as JsonSchema;

/** Enum types of the package, keyed by their sorted values; a new value set needs a name here. */
export const ENUM_NAMES: Record<string, string> = {
  "eu,us": "Region",
  "billing,members,plans,projects:create": "Permission",
  "active,expired,invited": "MemberStatus",
  "admin,viewer": "ProjectAccessLevel",
  "admin,contributor,viewer": "EnvironmentRole",
  "accounts,members,roles,teams": "PrincipalType",
};
