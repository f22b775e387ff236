// Password hashing shared by the control plane (@gatehouse/db stores admin and basic-auth passwords)
// and the data plane (the basic-auth plugin verifies pushed hashes). node:crypto only: no Prisma, no
// native modules, so the gateway can depend on it.
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt parameters (one of OWASP's equivalent settings: N=2^15, r=8, p=3; 32 MiB). Stored in every
 * hash, so they can change later. */
export const SCRYPT_DEFAULTS = { N: 32768, r: 8, p: 3, keyLength: 32, saltLength: 16 } as const;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

function scryptAsync(
  password: string,
  salt: Buffer,
  keyLength: number,
  params: ScryptParams,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFKC"),
      salt,
      keyLength,
      { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/**
 * Hashes a password with scrypt. Format (self-describing, PHC-like):
 * `$scrypt$N=32768,r=8,p=3$<salt base64url>$<hash base64url>`.
 */
export async function hashPassword(
  password: string,
  params: ScryptParams = SCRYPT_DEFAULTS,
): Promise<string> {
  if (typeof password !== "string" || password.length === 0) {
    throw new TypeError("password: must be a non-empty string");
  }
  const salt = randomBytes(SCRYPT_DEFAULTS.saltLength);
  const key = await scryptAsync(password, salt, SCRYPT_DEFAULTS.keyLength, params);
  return `$scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

const SCRYPT_FORMAT = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

// Kong's basic-auth hash (kong/plugins/basic-auth/crypto.lua): hex SHA1 of password .. consumer_id. Kept
// as `$kong-sha1$<consumer id>$<hex>` so a Kong export's users keep their passwords; the salt travels with
// the hash, so it verifies whatever id the consumer gets here.
const KONG_SHA1_FORMAT = /^\$kong-sha1\$([^$]{1,200})\$([0-9a-f]{40})$/;
/** What Kong stores in a basic-auth credential's `password`: 40 hex characters. */
export const KONG_SHA1_HEX = /^[0-9a-fA-F]{40}$/;

/**
 * A Kong basic-auth password hash (`sha1Hex`, as Kong's database or a `_transform: false` decK file holds
 * it) salted with Kong's `consumerId`, in the form verifyPassword accepts.
 */
export function kongBasicAuthHash(consumerId: string, sha1Hex: string): string {
  if (!KONG_SHA1_HEX.test(sha1Hex)) throw new TypeError("sha1Hex: must be 40 hex characters");
  if (consumerId === "" || consumerId.includes("$") || consumerId.length > 200) {
    throw new TypeError("consumerId: must be 1-200 characters without '$'");
  }
  return `$kong-sha1$${consumerId}$${sha1Hex.toLowerCase()}`;
}

/** True when `stored` looks like a `hashPassword` string (it may still not verify anything). */
export function isPasswordHash(stored: string): boolean {
  return SCRYPT_FORMAT.test(stored) || KONG_SHA1_FORMAT.test(stored);
}

function verifyKongSha1(password: string, salt: string, hex: string): boolean {
  const actual = createHash("sha1")
    .update(password + salt, "utf8")
    .digest();
  return timingSafeEqual(actual, Buffer.from(hex, "hex"));
}

/** Verifies a password against a `hashPassword` string in constant time. False for malformed hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== "string" || typeof stored !== "string") return false;
  const kong = KONG_SHA1_FORMAT.exec(stored);
  if (kong) return verifyKongSha1(password, kong[1] ?? "", kong[2] ?? "");
  const match = SCRYPT_FORMAT.exec(stored);
  if (!match) return false;
  const [, n, r, p, saltText, keyText] = match;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  // Refuse absurd parameters from a tampered row instead of burning CPU / memory.
  if (
    params.N < 2 ||
    params.N > 2 ** 20 ||
    params.r < 1 ||
    params.r > 32 ||
    params.p < 1 ||
    params.p > 16
  ) {
    return false;
  }
  const salt = Buffer.from(saltText ?? "", "base64url");
  const expected = Buffer.from(keyText ?? "", "base64url");
  if (expected.length < 16) return false;
  let actual: Buffer;
  try {
    actual = await scryptAsync(password, salt, expected.length, params);
  } catch {
    return false;
  }
  return timingSafeEqual(actual, expected);
}

/** True when a stored hash uses weaker parameters than the current defaults, or is Kong's SHA1 (re-hash on login). */
export function passwordNeedsRehash(stored: string): boolean {
  const match = SCRYPT_FORMAT.exec(stored);
  if (!match) return true;
  return (
    Number(match[1]) < SCRYPT_DEFAULTS.N ||
    Number(match[2]) < SCRYPT_DEFAULTS.r ||
    Number(match[3]) < SCRYPT_DEFAULTS.p
  );
}
