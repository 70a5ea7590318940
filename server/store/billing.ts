// An organization's billing address and billing profile: one versioned row each, written at the
// organization's creation, then only updated (server/store/versioned.ts).
import type { Queryable } from "./db";
import { columnsOf } from "./versioned";

export type BillingTable = "billing_addresses" | "billing_profiles";

/** The organization's billing address or profile (its columns and version); locked for a write when `forUpdate`. */
export async function selectBilling<T>(q: Queryable, table: BillingTable, orgId: string, forUpdate = false): Promise<T> {
  const [row] = await q.query<T>(`SELECT ${columnsOf(table).join(", ")}, version FROM ${table} WHERE organization_id = $1${forUpdate ? " FOR UPDATE" : ""}`, [
    orgId,
  ]);
  return row!;
}

/** A new organization's empty billing address. */
export async function insertBillingAddress(q: Queryable, orgId: string): Promise<void> {
  await q.query("INSERT INTO billing_addresses (organization_id) VALUES ($1)", [orgId]);
}

/** A new organization's empty billing profile. */
export async function insertBillingProfile(q: Queryable, orgId: string): Promise<void> {
  await q.query("INSERT INTO billing_profiles (organization_id) VALUES ($1)", [orgId]);
}
