import { createHash, randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lowercase

let lastTime = -1;
let lastTail: number[] = [];

/**
 * A prefixed, time-sortable ID (ULID layout: 48-bit milliseconds, then 80 random bits). Monotonic
 * within the process, as ULID specifies: in the same millisecond the tail is incremented, so IDs
 * sort in creation order (the audit log's order, newest first, relies on it).
 */
export function newId(prefix: string, now = Date.now()): string {
  let tail: number[];
  if (now <= lastTime) {
    now = lastTime;
    tail = [...lastTail];
    for (let i = tail.length - 1; i >= 0; i--) {
      if (tail[i]! < 31) {
        tail[i]!++;
        break;
      }
      tail[i] = 0;
    }
  } else {
    const rnd = randomBytes(16);
    // The top bit of the tail starts clear so increments have room before overflowing.
    tail = [...rnd].map((b, i) => (i === 0 ? b % 16 : b % 32));
  }
  lastTime = now;
  lastTail = tail;
  let time = "";
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time;
  return `${prefix}_${time}${tail.map((d) => ALPHABET[d]).join("")}`;
}

/** A secret with a recognisable prefix, so secret scanners can find leaked ones. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString("base64url")}`;
}

/** The SHA-256 of a secret (an API token, an invitation's or a session's): what the database keeps instead of it. */
export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
