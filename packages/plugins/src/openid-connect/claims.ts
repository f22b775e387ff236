// The claim checks of a verified access token: iss, exp / nbf with leeway, aud, scopes.
import { normalIssuer } from "./jwks.js";
import type { OpenidConnectConfig } from "./schema.js";

export const ERR_ISSUER = "Invalid token: issuer (iss) does not match";
export const ERR_EXPIRED = "Invalid token: expired (exp)";
export const ERR_NOT_YET = "Invalid token: not valid yet (nbf)";
export const ERR_BAD_TIME = "Invalid token: exp and nbf must be numbers";
export const ERR_AUDIENCE = "Forbidden: the token's audience (aud) is not allowed";
export const ERR_SCOPE = "Forbidden: the token lacks the required scopes";

export type Claims = Record<string, unknown>;

/** A failed check: 401 (invalid_token) or 403 (insufficient_scope for scopes). */
export interface ClaimFailure {
  status: 401 | 403;
  message: string;
  error: "invalid_token" | "insufficient_scope";
}

const strings = (v: unknown): string[] =>
  typeof v === "string"
    ? [v]
    : Array.isArray(v)
      ? v.filter((x): x is string => typeof x === "string")
      : [];

/** The token's scopes: `scope` (space-separated, RFC 8693 / 9068) and `scp` (a list, Azure, Okta). */
export function tokenScopes(claims: Claims): Set<string> {
  const out = new Set<string>();
  for (const s of strings(claims.scope)) for (const p of s.split(" ")) if (p) out.add(p);
  for (const s of strings(claims.scp)) out.add(s);
  return out;
}

/** Kong's scopes_required: one entry whose space-separated scopes are all present. */
export function hasScopes(claims: Claims, required: readonly string[]): boolean {
  if (required.length === 0) return true;
  const have = tokenScopes(claims);
  return required.some((entry) =>
    entry
      .split(" ")
      .filter(Boolean)
      .every((s) => have.has(s)),
  );
}

export function checkClaims(
  claims: Claims,
  conf: OpenidConnectConfig,
  now = Date.now() / 1000,
): ClaimFailure | undefined {
  const invalid = (message: string): ClaimFailure => ({
    status: 401,
    message,
    error: "invalid_token",
  });
  if (typeof claims.iss !== "string" || normalIssuer(claims.iss) !== normalIssuer(conf.issuer))
    return invalid(ERR_ISSUER);
  const { exp, nbf } = claims;
  if (
    (exp !== undefined && typeof exp !== "number") ||
    (nbf !== undefined && typeof nbf !== "number")
  )
    return invalid(ERR_BAD_TIME);
  if (typeof exp === "number" && exp + conf.leeway <= now) return invalid(ERR_EXPIRED);
  if (typeof nbf === "number" && nbf - conf.leeway > now) return invalid(ERR_NOT_YET);
  if (conf.audience_required.length > 0) {
    const aud = strings(claims.aud);
    if (!conf.audience_required.some((a) => aud.includes(a)))
      return { status: 403, message: ERR_AUDIENCE, error: "invalid_token" };
  }
  if (!hasScopes(claims, conf.scopes_required))
    return { status: 403, message: ERR_SCOPE, error: "insufficient_scope" };
  return undefined;
}

/** The value at a claim path ([user, name] → claims.user.name). */
export function claimAt(claims: Claims, path: readonly string[]): unknown {
  let v: unknown = claims;
  for (const p of path) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}
