import { createPublicKey, type KeyObject } from "node:crypto";
import { compactVerify } from "jose";
import type { JWTPayload, ProtectedHeaderParameters } from "jose";

export const ALGORITHMS = [
  "HS256",
  "HS384",
  "HS512",
  "RS256",
  "RS384",
  "RS512",
  "ES256",
  "ES384",
  "ES512",
] as const;

export interface DecodedJwt {
  header: ProtectedHeaderParameters;
  claims: JWTPayload;
}

/** A base64(url) part decoded and parsed as a JSON object, or undefined. */
function jsonPart(part: string | undefined): Record<string, unknown> | undefined {
  const bytes = part === undefined ? undefined : base64Decode(part);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decodes (does not verify) a compact JWS with Kong 3.9's reasons: a header or claims part that is
 * missing or not JSON is "invalid JSON", an unsupported alg "invalid alg", extra parts (the
 * signature is Kong's third part, dots included) "invalid signature".
 */
export function decode(token: string): DecodedJwt | { error: string } {
  const parts = token.split(".");
  const header = jsonPart(parts[0]);
  const claims = jsonPart(parts[1]);
  if (parts.length < 3 || !header || !claims) return { error: "invalid JSON" };
  if (typeof header.alg !== "string" || !(ALGORITHMS as readonly string[]).includes(header.alg)) {
    return { error: "invalid alg" };
  }
  if (parts.length > 3) return { error: "invalid signature" };
  return { header: header as ProtectedHeaderParameters, claims: claims as JWTPayload };
}

/** Kong's base64_decode: url-safe or standard alphabet, padding optional. */
export function base64Decode(s: string): Buffer | undefined {
  const std = s.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(std)) return undefined;
  return Buffer.from(std, "base64");
}

// public keys parsed once per PEM text (snapshot credentials are immutable)
const keyCache = new Map<string, KeyObject | null>();

function publicKey(pem: string): KeyObject | undefined {
  let key = keyCache.get(pem);
  if (key === undefined) {
    try {
      key = createPublicKey(pem);
    } catch {
      key = null;
    }
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(pem, key);
  }
  return key ?? undefined;
}

/** Verifies the token's signature with `alg` and an HMAC secret or a PEM public key. */
export async function verifySignature(
  token: string,
  alg: string,
  secret: Uint8Array | string,
): Promise<boolean> {
  const key = alg.startsWith("HS")
    ? typeof secret === "string"
      ? new TextEncoder().encode(secret)
      : secret
    : publicKey(typeof secret === "string" ? secret : Buffer.from(secret).toString("utf8"));
  if (key === undefined) return false;
  try {
    await compactVerify(token, key, { algorithms: [alg] });
    return true;
  } catch {
    return false;
  }
}
