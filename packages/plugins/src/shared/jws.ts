// Signature verification of compact JWS tokens, the one place for the jwt and openid-connect
// plugins: HMAC secrets, PEM public keys (jwt_secrets) and JWKS keys (openid-connect) alike.
import { createPublicKey, type KeyObject } from "node:crypto";
import { compactVerify, errors } from "jose";
import type { CompactVerifyGetKey, CryptoKey } from "jose";

/** What a signature is checked with: an HMAC secret (bytes) or a public key. */
export type VerifyKey = KeyObject | CryptoKey | Uint8Array;

/** Why a token did not verify. */
export type JwsFailure =
  | "malformed" // not a compact JWS jose can read
  | "alg" // its alg is not one of the allowed algorithms
  | "no-key" // the key resolver has no key for it (unknown kid)
  | "keys-unavailable" // the key resolver failed (JWKS unreachable, invalid, timed out)
  | "signature"; // the signature does not verify with the key

export type JwsResult = { ok: true; payload: Uint8Array } | { ok: false; reason: JwsFailure };

// public keys parsed once per PEM text (snapshot credentials are immutable)
const pemCache = new Map<string, KeyObject | null>();

/** The public key of a PEM text (SPKI, PKCS#1 or a certificate), undefined when it is none. */
export function pemPublicKey(pem: string): KeyObject | undefined {
  let key = pemCache.get(pem);
  if (key === undefined) {
    try {
      key = createPublicKey(pem);
    } catch {
      key = null;
    }
    if (pemCache.size > 10_000) pemCache.clear();
    pemCache.set(pem, key);
  }
  return key ?? undefined;
}

/** A resolver's own failure, told apart from the verification's. */
class ResolverError extends Error {}

function failure(e: unknown): JwsFailure {
  if (e instanceof ResolverError) return "keys-unavailable";
  if (e instanceof errors.JWKSNoMatchingKey) return "no-key";
  if (e instanceof errors.JOSEAlgNotAllowed) return "alg";
  if (e instanceof errors.JWSInvalid) return "malformed";
  return "signature";
}

/**
 * Verifies a compact JWS whose `alg` is one of `algorithms` (HS*, RS*, PS*, ES*, EdDSA) with a key
 * or a key resolver (a JWKS): jose refuses a key of the wrong type (an RSA key for ES256, an EC
 * key on another curve, an RSA key under 2048 bits). Never throws.
 */
export async function verifyJwsDetailed(
  token: string,
  algorithms: readonly string[],
  key: VerifyKey | CompactVerifyGetKey,
): Promise<JwsResult> {
  const options = { algorithms: [...algorithms] };
  try {
    if (typeof key !== "function") {
      return { ok: true, payload: (await compactVerify(token, key, options)).payload };
    }
    let candidates: AsyncIterable<unknown> | undefined;
    const resolve: CompactVerifyGetKey = async (header, jws) => {
      try {
        return await key(header, jws);
      } catch (e) {
        // a JWKS with several keys fitting a kid-less token: each is tried below
        if (e instanceof errors.JWKSMultipleMatchingKeys) {
          candidates = e as unknown as AsyncIterable<unknown>;
          throw e;
        }
        if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JOSEAlgNotAllowed) throw e;
        throw new ResolverError("key resolver failed", { cause: e });
      }
    };
    try {
      return { ok: true, payload: (await compactVerify(token, resolve, options)).payload };
    } catch (e) {
      if (!candidates) throw e;
      for await (const k of candidates) {
        const r = await verifyJwsDetailed(token, algorithms, k as VerifyKey);
        if (r.ok) return r;
      }
      return { ok: false, reason: "signature" };
    }
  } catch (e) {
    return { ok: false, reason: failure(e) };
  }
}

/** verifyJwsDetailed with one algorithm and one key: true when the signature verifies. */
export async function verifyJws(token: string, alg: string, key: VerifyKey): Promise<boolean> {
  return (await verifyJwsDetailed(token, [alg], key)).ok;
}
