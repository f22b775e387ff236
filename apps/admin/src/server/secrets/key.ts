// The key of every secret the admin stores encrypted (jwt HS secrets, certificates' private keys,
// plugin secrets, the secrets of configuration snapshots). No "server-only" / "@/" imports:
// instrumentation (the start check, the distributor) loads it outside the route bundles.
import { createHmac } from "node:crypto";

/**
 * AES-256-GCM key material derived from GATEHOUSE_KEY_HASH_SECRET with a purpose label (HMAC), so
 * one operator secret serves both uses without reusing the same key for two algorithms.
 * Undefined when the secret is not configured.
 */
export function secretKeyOf(keyHashSecret: string | undefined): string | undefined {
  return keyHashSecret
    ? createHmac("sha256", keyHashSecret).update("gatehouse jwt secret encryption v1").digest("hex")
    : undefined;
}
