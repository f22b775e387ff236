import { isHmacAlgorithm, JWT_ALGORITHMS } from "@gatehouse/config/jwt-algorithms";
import type { JWTPayload, ProtectedHeaderParameters } from "jose";
import { pemPublicKey, verifyJws } from "../shared/jws.js";

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
  if (
    typeof header.alg !== "string" ||
    !(JWT_ALGORITHMS as readonly string[]).includes(header.alg)
  ) {
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

/** Verifies the token's signature with `alg` and an HMAC secret or a PEM public key. */
export async function verifySignature(
  token: string,
  alg: string,
  secret: Uint8Array | string,
): Promise<boolean> {
  const key = isHmacAlgorithm(alg)
    ? typeof secret === "string"
      ? new TextEncoder().encode(secret)
      : secret
    : pemPublicKey(typeof secret === "string" ? secret : Buffer.from(secret).toString("utf8"));
  return key !== undefined && verifyJws(token, alg, key);
}
