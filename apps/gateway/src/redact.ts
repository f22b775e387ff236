/**
 * Credentials carried in the query string (key-auth `key_names`, jwt `uri_param_names`) are
 * written as `REDACTED` in the access log. The names come from the whole running config: a key
 * sent to a route without key-auth is still somebody's key.
 */
import type { NormalizedPlugin } from "@gatehouse/config";

export const REDACTED = "REDACTED";

/** plugin name → the config field listing query arguments that carry a credential */
const CREDENTIAL_QUERY_FIELDS: Readonly<Record<string, string>> = {
  "key-auth": "key_names",
  jwt: "uri_param_names",
};

/** Lower-cased query argument names to redact; null when there are none (nothing to do per request). */
export function credentialQueryNames(
  plugins: readonly Pick<NormalizedPlugin, "name" | "config">[],
): ReadonlySet<string> | null {
  const names = new Set<string>();
  for (const p of plugins) {
    const field = CREDENTIAL_QUERY_FIELDS[p.name];
    const list = field === undefined ? undefined : p.config[field];
    if (!Array.isArray(list)) continue;
    for (const n of list) if (typeof n === "string") names.add(n.toLowerCase());
  }
  return names.size === 0 ? null : names;
}

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " ")).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/** `url` with the value of every query argument named in `names` replaced by REDACTED. */
export function redactQuery(url: string, names: ReadonlySet<string> | null): string {
  const q = url.indexOf("?");
  if (q === -1 || names === null) return url;
  const args = url.slice(q + 1).split("&");
  let changed = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (names.has(decodedName(name))) {
      args[i] = `${name}=${REDACTED}`;
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q + 1)}${args.join("&")}` : url;
}
