/**
 * Credentials carried in the query string or headers (key-auth `key_names`, jwt `uri_param_names`)
 * are written as `REDACTED` in the access log and, through the log phase's `logInfo`, by the log
 * plugins. The names come from the whole running config: a key sent to a route without key-auth is
 * still somebody's key.
 */
import type { NormalizedPlugin } from "@gatehouse/config";

/** plugin name → the config field listing argument / header names that carry a credential */
const CREDENTIAL_NAME_FIELDS: Readonly<Record<string, string>> = {
  "key-auth": "key_names",
  jwt: "uri_param_names",
};

/** Lower-cased credential names to redact; null when there are none (nothing to do per request). */
export function credentialQueryNames(
  plugins: readonly Pick<NormalizedPlugin, "name" | "config">[],
): ReadonlySet<string> | null {
  const names = new Set<string>();
  for (const p of plugins) {
    const field = CREDENTIAL_NAME_FIELDS[p.name];
    const list = field === undefined ? undefined : p.config[field];
    if (!Array.isArray(list)) continue;
    for (const n of list) if (typeof n === "string") names.add(n.toLowerCase());
  }
  return names.size === 0 ? null : names;
}
