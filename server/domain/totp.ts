// TOTP (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps, 6 digits, the format every
// authenticator app reads from an otpauth:// URI. node:crypto is all it takes.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const STEP_SECONDS = 30;
export const DIGITS = 6;

export function base32Encode(buf: Buffer): string {
  let bits = 0,
    value = 0,
    out = "";
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s: string): Buffer {
  let bits = 0,
    value = 0;
  const out: number[] = [];
  for (const ch of s.replace(/=+$/, "").toUpperCase()) {
    const i = BASE32.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new 160-bit secret, base32 (the size RFC 4226 recommends). */
export const newTotpSecret = () => base32Encode(randomBytes(20));

/** The HOTP value of `counter` for a raw key (RFC 4226 §5.3), `digits` long. */
export function hotp(key: Buffer, counter: number, digits = DIGITS, algorithm = "sha1"): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(bin).padStart(digits, "0");
}

/** The code a TOTP app shows for a base32 secret at `time`. */
export function totp(secret: string, time: Date, digits = DIGITS): string {
  return hotp(base32Decode(secret), Math.floor(time.getTime() / 1000 / STEP_SECONDS), digits);
}

/**
 * The time step a code belongs to, or null: the current step and its neighbours (±1) are accepted
 * for clock drift, compared in constant time. Steps up to `usedUpTo` are refused, so a code that
 * was accepted once is never accepted again (RFC 6238 §5.2).
 */
export function verifyTotp(secret: string, code: string, time: Date, usedUpTo: number | null = null): number | null {
  const counter = Math.floor(time.getTime() / 1000 / STEP_SECONDS);
  const key = base32Decode(secret);
  const given = Buffer.from(code.padEnd(DIGITS, " "));
  let step: number | null = null;
  for (const c of [counter - 1, counter, counter + 1]) {
    if (timingSafeEqual(Buffer.from(hotp(key, c)), given) && (usedUpTo === null || c > usedUpTo)) step = c;
  }
  return step;
}

export function otpauthUrl(secret: string, account: string, issuer = "orgs"): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${DIGITS}&period=${STEP_SECONDS}`;
}
