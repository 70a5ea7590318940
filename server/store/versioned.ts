// Versioned rows: a write to one moves its `version` (the ETag clients send back in If-Match) by
// one, and its `updated_at` where the table keeps one. Column names are the only SQL text a write
// splices in, so each table lists the columns a handler may set: any other name throws, whatever
// a request body held. Locks stay with the callers (they read the row FOR UPDATE first).
import type { Queryable } from "./db";

export const BILLING_ADDRESS_COLUMNS = [
  "country",
  "name_line",
  "premise",
  "sub_premise",
  "thoroughfare",
  "administrative_area",
  "locality",
  "dependent_locality",
  "postal_code",
] as const;
export const BILLING_PROFILE_COLUMNS = ["company_name", "vat_number", "billing_contact_email", "security_contact_email"] as const;

const VERSIONED = {
  organizations: { key: ["id"], updatedAt: true, columns: ["slug", "name", "website_url", "plan", "require_two_factor", "owner_account_id"] },
  billing_addresses: { key: ["organization_id"], updatedAt: false, columns: BILLING_ADDRESS_COLUMNS },
  billing_profiles: { key: ["organization_id"], updatedAt: false, columns: BILLING_PROFILE_COLUMNS },
  roles: { key: ["id"], updatedAt: false, columns: ["name", "description", "permissions"] },
  teams: { key: ["id"], updatedAt: false, columns: ["name", "description"] },
  members: {
    key: ["id"],
    updatedAt: false,
    columns: ["permissions", "account_id", "joined_at", "invitation_token_hash", "invitation_expires_at", "invitation_sent_count", "invited_by_account_id"],
  },
  projects: { key: ["id"], updatedAt: true, columns: ["name", "description", "organization_id"] },
  project_access: { key: ["project_id", "principal_type", "principal_id"], updatedAt: false, columns: ["role", "sandbox_role", "live_role"] },
} as const satisfies Record<string, { key: readonly string[]; updatedAt: boolean; columns: readonly string[] }>;

export type VersionedTable = keyof typeof VERSIONED;
export type KeyOf<T extends VersionedTable> = Record<(typeof VERSIONED)[T]["key"][number], string>;
export type ColumnsOf<T extends VersionedTable> = Partial<Record<(typeof VERSIONED)[T]["columns"][number], unknown>>;

/**
 * The UPDATE of one versioned row: the key's values are $1…, the columns set follow, then
 * updated_at. Throws for a table or column the whitelist does not hold.
 */
export function versionedUpdate(table: string, key: Record<string, string>, set: Record<string, unknown>, now: Date): { text: string; values: unknown[] } {
  if (!Object.hasOwn(VERSIONED, table)) throw new Error(`${table} is not a versioned table`);
  const spec: { key: readonly string[]; updatedAt: boolean; columns: readonly string[] } = VERSIONED[table as VersionedTable];
  const keyNames = Object.keys(key);
  if (keyNames.join() !== spec.key.join()) throw new Error(`${table} rows are keyed by (${spec.key.join(", ")}), not (${keyNames.join(", ")})`);
  const columns = Object.keys(set).filter((c) => set[c] !== undefined);
  const unknown = columns.find((c) => !spec.columns.includes(c));
  if (unknown !== undefined) throw new Error(`${table}.${unknown} is not a column a request may set`);
  const values: unknown[] = [...spec.key.map((k) => key[k]), ...columns.map((c) => set[c])];
  const assignments = [...columns.map((c, i) => `${c} = $${spec.key.length + i + 1}`), "version = version + 1"];
  if (spec.updatedAt) {
    values.push(now);
    assignments.push(`updated_at = $${values.length}`);
  }
  const where = spec.key.map((k, i) => `${k} = $${i + 1}`).join(" AND ");
  return { text: `UPDATE ${table} SET ${assignments.join(", ")} WHERE ${where}`, values };
}

/** Writes `set` to the row `key` names (none: the version alone moves, e.g. a member's roles changed). */
export async function updateVersioned<T extends VersionedTable>(q: Queryable, table: T, key: KeyOf<T>, set: ColumnsOf<T>, now: Date): Promise<void> {
  const { text, values } = versionedUpdate(table, key, set as Record<string, unknown>, now);
  await q.query(text, values);
}

/** The columns of a versioned table a handler may set (and read back), from the whitelist. */
export const columnsOf = <T extends VersionedTable>(table: T): (typeof VERSIONED)[T]["columns"] => VERSIONED[table].columns;
