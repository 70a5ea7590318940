// Idempotency-Key on any write (POST above all; on PUT, PATCH and DELETE it makes a retry after a
// commit answer as the first attempt did), with Stripe's semantics: the first result is stored in the same
// transaction as the change it reports, so a crash leaves neither; a replay returns it with
// Idempotent-Replayed: true; another body with the same key gets 422; a key in flight gets 409.
import { createHash } from "node:crypto";
import { ApiError, fail } from "../errors";
import type { Queryable } from "../store/db";
import { reply, type ReplyValue } from "./reply";

interface Key {
  accountId: string;
  method: string;
  path: string;
  key: string;
  body: unknown;
  now: Date;
}

/** How long a key's first answer is replayed; older records are pruned (server/maintenance.ts). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

export async function runIdempotent(q: Queryable, k: Key, run: () => Promise<ReplyValue>): Promise<ReplyValue> {
  if (k.key.length === 0 || k.key.length > 255) {
    fail("invalid_header", "Idempotency-Key must be 1-255 characters", {
      errors: [{ field: "Idempotency-Key", code: "invalid", message: "must be 1-255 characters" }],
    });
  }
  const hash = createHash("sha256")
    .update(JSON.stringify(k.body ?? null))
    .digest("hex");
  const lockKey = `${k.accountId} ${k.method} ${k.path} ${k.key}`;
  const [lock] = await q.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok", [lockKey]);
  if (!lock?.ok) fail("idempotency_key_in_use", "a request with this Idempotency-Key is still being processed: retry shortly");

  const [prior] = await q.query<{ request_hash: string; status: number; response_body: unknown; response_headers: Record<string, string> | null }>(
    `SELECT request_hash, status, response_body, response_headers FROM idempotency_keys
      WHERE account_id = $1 AND method = $2 AND path = $3 AND key = $4 AND created_at > $5`,
    [k.accountId, k.method, k.path, k.key, new Date(k.now.getTime() - IDEMPOTENCY_WINDOW_MS)],
  );
  if (prior) {
    if (prior.request_hash !== hash) {
      fail("idempotency_key_reused", "this Idempotency-Key was used with a different request body: use a new key for a new request", {
        errors: [{ field: "Idempotency-Key", code: "invalid", message: "was used with another body" }],
      });
    }
    return reply({
      status: prior.status,
      body: prior.response_body ?? undefined,
      headers: { ...(prior.response_headers ?? {}), "idempotent-replayed": "true" },
    });
  }

  await q.query("SAVEPOINT idempotent_request");
  let out: ReplyValue;
  try {
    out = await run();
  } catch (err) {
    // Execution began: a 4xx the handler raised is the request's result and is stored too,
    // except rate limits (retrying later may succeed).
    if (!ApiError.isInstance(err) || err.status >= 500 || err.status === 429) throw err;
    await q.query("ROLLBACK TO SAVEPOINT idempotent_request");
    out = reply({ status: err.status, body: err.toProblem(k.path, ""), headers: err.extra.headers });
  }
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
      hash,
      out.status,
      out.body === undefined ? null : JSON.stringify(out.body),
      out.headers ? JSON.stringify(out.headers) : null,
      k.now,
    ],
  );
  return out;
}
