// Secrets at rest: password hashing (scrypt), random tokens, token hashes (sha256), keyed API-key
// hashes (HMAC-SHA256) and reversible secret encryption (AES-256-GCM) for secrets the gateway must
// use in clear (jwt HS256 secrets).
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";

// Password hashing lives in @gatehouse/secrets so the data plane (basic-auth) verifies the very
// same format without depending on Prisma.
export {
  SCRYPT_DEFAULTS,
  hashPassword,
  isPasswordHash,
  passwordNeedsRehash,
  verifyPassword,
} from "@gatehouse/secrets";
export type { ScryptParams } from "@gatehouse/secrets";

/**
 * A random token: `<prefix>_<43 chars base64url>` (32 random bytes), e.g. `ghp_...` style.
 * The prefix makes leaked tokens recognisable; it must be [a-z0-9]+.
 */
export function generateToken(prefix = "gh"): string {
  if (!/^[a-z0-9]+$/.test(prefix)) throw new TypeError("prefix: must match [a-z0-9]+");
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** A random password of `length` characters from an unambiguous alphabet (for the first admin). */
export function generatePassword(length = 20): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  const out: string[] = [];
  // Rejection sampling keeps the distribution uniform.
  const limit = 256 - (256 % alphabet.length);
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out.push(alphabet[byte % alphabet.length] as string);
    }
  }
  return out.join("");
}

/** The first `length` characters of a token, stored for display ("gh_AbC1…"). */
export function tokenPrefix(token: string, length = 8): string {
  return token.slice(0, length);
}

/** sha256 hex of a high-entropy token (API tokens, session ids). Not for passwords. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * Keyed hash of a consumer API key (key-auth): HMAC-SHA256(secret, key) hex. The data plane,
 * holding the same secret, hashes the presented key and looks it up; a database leak alone does
 * not let anyone test guesses offline.
 */
export function hashApiKey(key: string, secret: string | Buffer): string {
  if (!secret || secret.length < 16) throw new TypeError("secret: must be at least 16 bytes");
  return createHmac("sha256", secret).update(key, "utf8").digest("hex");
}

/** Constant-time comparison of two hex digests (false when lengths differ). */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Derives a 32-byte AES key from a server secret of any length (sha256). */
function encryptionKey(secret: string | Buffer): Buffer {
  if (!secret || secret.length < 16) throw new TypeError("secret: must be at least 16 bytes");
  return createHash("sha256").update(secret).digest();
}

/**
 * Encrypts a secret with AES-256-GCM under a server secret. Format:
 * `v1.<iv base64url>.<tag base64url>.<ciphertext base64url>`.
 */
export function encryptSecret(plaintext: string, secret: string | Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey(secret), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `v1.${iv.toString("base64url")}.${tag.toString("base64url")}.${ciphertext.toString("base64url")}`;
}

/** Decrypts `encryptSecret` output. Throws when the value was tampered with or the secret is wrong. */
export function decryptSecret(encrypted: string, secret: string | Buffer): string {
  const parts = encrypted.split(".");
  if (parts.length !== 4 || parts[0] !== "v1") {
    throw new Error("encrypted secret: unknown format (expected v1.<iv>.<tag>.<ciphertext>)");
  }
  const [, ivText, tagText, dataText] = parts as [string, string, string, string];
  const decipher = createDecipheriv(
    "aes-256-gcm",
    encryptionKey(secret),
    Buffer.from(ivText, "base64url"),
  );
  decipher.setAuthTag(Buffer.from(tagText, "base64url"));
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(dataText, "base64url")),
      decipher.final(),
    ]).toString("utf8");
  } catch (error) {
    throw new Error(
      "encrypted secret: cannot be decrypted (wrong server secret or tampered value)",
      {
        cause: error,
      },
    );
  }
}
