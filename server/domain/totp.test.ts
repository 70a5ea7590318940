import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode, hotp, otpauthUrl, totp, verifyTotp } from "./totp";

// RFC 6238 Appendix B, SHA-1 rows: the seed is the ASCII string "12345678901234567890", 8 digits.
const SEED = Buffer.from("12345678901234567890");
const VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP (RFC 6238)", () => {
  it.each(VECTORS)("at T=%i the code is %s", (t, code) => {
    expect(hotp(SEED, Math.floor(t / 30), 8)).toBe(code);
    expect(totp(base32Encode(SEED), new Date(t * 1000), 8)).toBe(code);
  });

  it("RFC 4226 Appendix D: HOTP values for counters 0-2", () => {
    expect([0, 1, 2].map((c) => hotp(SEED, c))).toEqual(["755224", "287082", "359152"]);
  });

  it("base32 round-trips", () => {
    expect(base32Encode(SEED)).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").equals(SEED)).toBe(true);
  });

  it("accepts the current code and one step either side, nothing further", () => {
    const secret = base32Encode(SEED);
    const now = new Date(1_700_000_000_000);
    const at = (s: number) => totp(secret, new Date(now.getTime() + s * 1000));
    const step = 1_700_000_000 / 30;
    expect(verifyTotp(secret, at(0), now)).toBe(Math.floor(step));
    expect(verifyTotp(secret, at(-30), now)).toBe(Math.floor(step) - 1);
    expect(verifyTotp(secret, at(30), now)).toBe(Math.floor(step) + 1);
    expect(verifyTotp(secret, at(90), now)).toBeNull();
    expect(verifyTotp(secret, "12345", now)).toBeNull();
  });

  it("never accepts a step at or before the last one used (RFC 6238 §5.2)", () => {
    const secret = base32Encode(SEED);
    const now = new Date(1_700_000_000_000);
    const step = verifyTotp(secret, totp(secret, now), now)!;
    expect(verifyTotp(secret, totp(secret, now), now, step)).toBeNull();
    expect(verifyTotp(secret, totp(secret, new Date(now.getTime() - 30_000)), now, step)).toBeNull();
    expect(verifyTotp(secret, totp(secret, new Date(now.getTime() + 30_000)), now, step)).toBe(step + 1);
  });

  it("builds an otpauth URI authenticator apps read", () => {
    expect(otpauthUrl("ABC", "ada@example.com")).toBe("otpauth://totp/orgs%3Aada%40example.com?secret=ABC&issuer=orgs&algorithm=SHA1&digits=6&period=30");
  });
});
