// The jwt plugin's algorithms (Kong 3.9's jwt_secrets.algorithm). No Node imports: the admin's
// browser code imports this module (`@gatehouse/config/jwt-algorithms`) for its forms.

/** Every algorithm a jwt secret may name, HMAC first (Kong 3.9's list and order). */
export const JWT_ALGORITHMS = [
  "HS256",
  "HS384",
  "HS512",
  "RS256",
  "RS384",
  "RS512",
  "ES256",
  "ES384",
  "ES512",
  "PS256",
  "PS384",
  "PS512",
  "EdDSA",
] as const;

export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** The algorithm Kong assumes when a jwt secret names none. */
export const DEFAULT_JWT_ALGORITHM: JwtAlgorithm = "HS256";

/** HS* algorithms verify with the shared `secret`; every other one with `rsa_public_key` (PEM). */
export function isHmacAlgorithm(alg: string): boolean {
  return alg.startsWith("HS");
}
