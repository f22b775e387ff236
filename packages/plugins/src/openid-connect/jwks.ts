// The issuer's keys: discovery (<issuer>/.well-known/openid-configuration) and a jose remote JWKS
// per URL, shared by every plugin instance of this process. jose caches the keys (10 minutes),
// fetches again when a token names an unknown kid, at most once per rediscovery_lifetime.
import { createRemoteJWKSet } from "jose";
import type { CompactVerifyGetKey } from "jose";
import type { OpenidConnectConfig } from "./schema.js";

type Source = Pick<OpenidConnectConfig, "issuer" | "jwks_uri" | "rediscovery_lifetime" | "timeout">;

const MAX_ENTRIES = 1_000;
const sets = new Map<string, CompactVerifyGetKey>();
const discoveries = new Map<
  string,
  { at: number; pending?: Promise<string>; uri?: string; error?: string }
>();

/** The issuer without a trailing slash: how issuers are compared. */
export function normalIssuer(issuer: string): string {
  return issuer.endsWith("/") ? issuer.slice(0, -1) : issuer;
}

async function discover(src: Source): Promise<string> {
  const url = `${normalIssuer(src.issuer)}/.well-known/openid-configuration`;
  const res = await fetch(url, {
    headers: { accept: "application/json" },
    redirect: "manual",
    signal: AbortSignal.timeout(src.timeout),
  });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (typeof doc.issuer !== "string" || normalIssuer(doc.issuer) !== normalIssuer(src.issuer))
    throw new Error(`${url} names another issuer (${String(doc.issuer)})`);
  if (typeof doc.jwks_uri !== "string") throw new Error(`${url} has no jwks_uri`);
  return doc.jwks_uri;
}

/**
 * The JWKS URL: `jwks_uri`, else discovered from the issuer (cached; a failure is remembered for
 * rediscovery_lifetime seconds so an unreachable issuer is not asked on every request).
 */
export async function jwksUri(src: Source): Promise<string> {
  if (src.jwks_uri) return src.jwks_uri;
  const key = `${src.issuer}\n${src.timeout}`;
  const now = Date.now();
  let entry = discoveries.get(key);
  if (entry?.uri) return entry.uri;
  if (entry?.pending) return entry.pending;
  if (entry?.error && now - entry.at < src.rediscovery_lifetime * 1000)
    throw new Error(entry.error);
  if (discoveries.size >= MAX_ENTRIES) discoveries.clear();
  const pending = discover(src);
  entry = { at: now, pending };
  discoveries.set(key, entry);
  try {
    const uri = await pending;
    discoveries.set(key, { at: Date.now(), uri });
    return uri;
  } catch (e) {
    const error = `discovery failed: ${e instanceof Error ? e.message : String(e)}`;
    discoveries.set(key, { at: Date.now(), error });
    throw new Error(error, { cause: e });
  }
}

/** The key resolver of the issuer's JWKS (jose's remote JWKS), one per URL and settings. */
export async function issuerKeys(src: Source): Promise<CompactVerifyGetKey> {
  const uri = await jwksUri(src);
  const key = `${uri}\n${src.rediscovery_lifetime}\n${src.timeout}`;
  let set = sets.get(key);
  if (!set) {
    if (sets.size >= MAX_ENTRIES) sets.clear();
    set = createRemoteJWKSet(new URL(uri), {
      cooldownDuration: src.rediscovery_lifetime * 1000,
      timeoutDuration: src.timeout,
    });
    sets.set(key, set);
  }
  return set;
}
