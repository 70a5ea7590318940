// Idempotency-Key on any write (POST above all; on PUT, PATCH and DELETE it makes a retry after a
// commit answer as the first attempt did), with Stripe's semantics: the first result is stored in the same
// transaction as the change it reports, so a crash leaves neither; a replay returns it with
// Idempotent-Replayed: true; another body with the same key gets 422; a key in flight gets 409.
import { createHash } from "node:crypto";
import { ApiError, fail } from "../errors";
import type { Queryable } from "../store/db";
import { rollbackToRequest, savepointRequest, selectIdempotencyRecord, tryLockIdempotencyKey, upsertIdempotencyRecord } from "../store/idempotency-keys";
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
  if (!(await tryLockIdempotencyKey(q, lockKey))) fail("idempotency_key_in_use", "a request with this Idempotency-Key is still being processed: retry shortly");

  const prior = await selectIdempotencyRecord(q, k, new Date(k.now.getTime() - IDEMPOTENCY_WINDOW_MS));
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

  await savepointRequest(q);
  let out: ReplyValue;
  try {
    out = await run();
  } catch (err) {
    // Execution began: a 4xx the handler raised is the request's result and is stored too,
    // except rate limits (retrying later may succeed).
    if (!ApiError.isInstance(err) || err.status >= 500 || err.status === 429) throw err;
    await rollbackToRequest(q);
    out = reply({ status: err.status, body: err.toProblem(k.path, ""), headers: err.extra.headers });
  }
  await upsertIdempotencyRecord(q, k, { hash, status: out.status, body: out.body, headers: out.headers }, k.now);
  return out;
}
