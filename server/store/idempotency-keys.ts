// Idempotency records' SQL (server/http/idempotency.ts): the first answer to a request with an
// Idempotency-Key, stored in the transaction of the change it reports, and the per-key lock.
import type { Queryable } from "./db";
import { countDeleted } from "./statement";

/** Takes the key's transaction-scoped lock if no other transaction holds it; whether it was taken. */
export async function tryLockIdempotencyKey(q: Queryable, lockKey: string): Promise<boolean> {
  const [lock] = await q.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok", [lockKey]);
  return lock?.ok === true;
}

export interface IdempotencyKey {
  accountId: string;
  method: string;
  path: string;
  key: string;
}

export interface IdempotencyRecord {
  request_hash: string;
  status: number;
  response_body: unknown;
  response_headers: Record<string, string> | null;
}

/** The key's record stored after `since`, if any. */
export async function selectIdempotencyRecord(q: Queryable, k: IdempotencyKey, since: Date): Promise<IdempotencyRecord | undefined> {
  const [prior] = await q.query<IdempotencyRecord>(
    `SELECT request_hash, status, response_body, response_headers FROM idempotency_keys
      WHERE account_id = $1 AND method = $2 AND path = $3 AND key = $4 AND created_at > $5`,
    [k.accountId, k.method, k.path, k.key, since],
  );
  return prior;
}

/** The point the request's own writes roll back to when it answers with an error (which is stored too). */
export async function savepointRequest(q: Queryable): Promise<void> {
  await q.query("SAVEPOINT idempotent_request");
}

export async function rollbackToRequest(q: Queryable): Promise<void> {
  await q.query("ROLLBACK TO SAVEPOINT idempotent_request");
}

/** Stores the key's record (replacing one older than the window that was not pruned yet). */
export async function upsertIdempotencyRecord(
  q: Queryable,
  k: IdempotencyKey,
  r: { hash: string; status: number | undefined; body: unknown; headers: Record<string, string> | undefined },
  now: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO idempotency_keys (account_id, method, path, key, request_hash, status, response_body, response_headers, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (account_id, method, path, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, status = EXCLUDED.status, response_body = EXCLUDED.response_body,
           response_headers = EXCLUDED.response_headers, created_at = EXCLUDED.created_at`,
    [
      k.accountId,
      k.method,
      k.path,
      k.key,
      r.hash,
      r.status,
      r.body === undefined ? null : JSON.stringify(r.body),
      r.headers ? JSON.stringify(r.headers) : null,
      now,
    ],
  );
}

/** Deletes the records created at or before `before`; how many. */
export async function deleteIdempotencyRecordsBefore(q: Queryable, before: Date): Promise<number> {
  return countDeleted(q, "DELETE FROM idempotency_keys WHERE created_at <= $1", before);
}
