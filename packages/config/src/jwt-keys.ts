import { createPublicKey, type KeyObject } from "node:crypto";
import { isHmacAlgorithm } from "./jwt-algorithms.js";

/** The EC curve each ES algorithm signs with (RFC 7518 §3.4), by Node's curve name. */
const ES_CURVES: Record<string, { node: string; jose: string }> = {
  ES256: { node: "prime256v1", jose: "P-256" },
  ES384: { node: "secp384r1", jose: "P-384" },
  ES512: { node: "secp521r1", jose: "P-521" },
};

/** RFC 7518 §3.3 / §3.5: RS* and PS* keys are at least 2048 bits (verifiers refuse smaller). */
export const MIN_RSA_BITS = 2048;

/**
 * Why `key` cannot verify tokens signed with `alg`, or undefined when it can: the key type must
 * be RSA for RS and PS, an EC key on the algorithm's curve for ES, Ed25519 for EdDSA.
 */
export function jwtKeyTypeProblem(alg: string, key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (alg.startsWith("RS") || alg.startsWith("PS")) {
    const rsa = type === "rsa" || (type === "rsa-pss" && alg.startsWith("PS"));
    if (!rsa) return `must be an RSA public key for ${alg} (got ${type ?? "unknown"})`;
    if ((details.modulusLength ?? 0) < MIN_RSA_BITS)
      return `must be an RSA key of at least ${MIN_RSA_BITS} bits for ${alg}`;
    return undefined;
  }
  const curve = ES_CURVES[alg];
  if (curve) {
    if (type !== "ec" || details.namedCurve !== curve.node)
      return `must be an EC public key on curve ${curve.jose} for ${alg}`;
    return undefined;
  }
  if (alg === "EdDSA") {
    return type === "ed25519" ? undefined : `must be an Ed25519 public key for EdDSA`;
  }
  return `is not used with ${alg}`;
}

/**
 * Why a jwt secret's `rsa_public_key` (PEM) cannot verify `alg` tokens, or undefined when it
 * can. Private keys are refused: a public key is stored and shown in clear.
 */
export function jwtPublicKeyProblem(alg: string, pem: string): string | undefined {
  if (isHmacAlgorithm(alg)) return undefined;
  // checked first and never cached: a private key pasted by mistake is not kept in memory
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem))
    return "must be a public key, not a private key";
  // every push validates every consumer's keys again: each (alg, PEM) is parsed once
  const cacheKey = `${alg}\n${pem}`;
  if (verdicts.has(cacheKey)) return verdicts.get(cacheKey) ?? undefined;
  const verdict = keyProblem(alg, pem);
  if (verdicts.size >= 10_000) verdicts.clear();
  verdicts.set(cacheKey, verdict ?? null);
  return verdict;
}

const verdicts = new Map<string, string | null>();

function keyProblem(alg: string, pem: string): string | undefined {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return "must be a PEM public key (-----BEGIN PUBLIC KEY-----)";
  }
  return jwtKeyTypeProblem(alg, key);
}
