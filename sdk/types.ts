// Types the resource classes share. Written out rather than taken from the API's zod schemas, so a
// program's type-check never reads zod's declarations (test/provider-sdk.test.ts checks they agree).

/** An organization permission. */
export type Permission = "billing" | "plans" | "projects:create" | "members";
