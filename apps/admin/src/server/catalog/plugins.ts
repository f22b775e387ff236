import "server-only";
import type { PluginCatalog } from "@gatehouse/config";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { isSealed } from "@gatehouse/db/sealed";
import {
  documentPlugins,
  entries,
  mapAt,
  pluginDefinitions,
  secretPaths,
} from "@/server/catalog/plugin-secrets";

export { documentPlugins, pluginDefinitions, secretPaths };

/** The catalog as @gatehouse/config's PluginCatalog: exactly the adapter the gateway uses. */
export function validationCatalog(): PluginCatalog {
  const defs = pluginDefinitions();
  return {
    has: (name) => defs.has(name),
    validate(name, config) {
      const def = defs.get(name);
      if (!def) {
        return {
          ok: false,
          errors: [{ path: "", message: `unknown plugin ${JSON.stringify(name)}` }],
        };
      }
      const result = validatePluginConfig<Record<string, unknown>>(def, config, "");
      return result.ok ? { ok: true, config: result.config } : { ok: false, errors: result.errors };
    },
  };
}

export const SECRET_MASK = "********";

/** A copy of a plugin config with its secret fields replaced by SECRET_MASK. */
export function maskPluginConfig(name: string, config: unknown): Record<string, unknown> {
  const copy = structuredClone((config ?? {}) as Record<string, unknown>);
  for (const path of secretPaths(name)) {
    mapAt(copy, path, (_value, parent, key) => {
      parent[key] = SECRET_MASK;
    });
  }
  return copy;
}

/** Where a client sends back SECRET_MASK for a secret field, keep the stored value. */
export function unmaskPluginConfig(
  name: string,
  incoming: Record<string, unknown>,
  stored: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!stored) return incoming;
  const copy = structuredClone(incoming);
  for (const path of secretPaths(name)) {
    mapAt(copy, path, (value, parent, key) => {
      if (value !== SECRET_MASK) return;
      let original: unknown = stored;
      for (const k of path) original = (original as Record<string, unknown> | undefined)?.[k];
      parent[key] = original;
    });
  }
  return copy;
}

type Doc = Record<string, unknown>;

/** Credential fields that are secrets (hashes included: a hash lets anyone try passwords offline). */
export const CREDENTIAL_SECRET_FIELDS = {
  keyauth_credentials: ["key", "key_hash"],
  basicauth_credentials: ["password", "password_hash"],
  jwt_secrets: ["secret"],
} as const;

/** The certificates' private keys. */
export const CERTIFICATE_SECRET_FIELDS = ["key", "key_alt"] as const;

/**
 * A copy of a declarative document with every secret masked: plugin secret fields, jwt secrets,
 * key-auth key hashes, basic-auth password hashes and certificates' private keys.
 */
export function maskDocumentSecrets<T>(doc: T): T {
  const copy = structuredClone(doc);
  for (const consumer of entries((copy as Doc | null)?.consumers)) {
    for (const [list, fields] of Object.entries(CREDENTIAL_SECRET_FIELDS)) {
      for (const credential of entries(consumer[list])) {
        for (const field of fields) {
          const value = credential[field];
          if (typeof value === "string" || isSealed(value)) credential[field] = SECRET_MASK;
        }
      }
    }
  }
  for (const certificate of entries((copy as Doc | null)?.certificates)) {
    for (const field of CERTIFICATE_SECRET_FIELDS) {
      const value = certificate[field];
      if (typeof value === "string" || isSealed(value)) certificate[field] = SECRET_MASK;
    }
  }
  for (const plugin of documentPlugins(copy)) {
    if (typeof plugin.name === "string" && plugin.config && typeof plugin.config === "object") {
      plugin.config = maskPluginConfig(plugin.name, plugin.config);
    }
  }
  return copy;
}

/** Paths (e.g. "redis.password") of secret fields still holding SECRET_MASK. */
export function maskedSecretFields(name: string, config: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const path of secretPaths(name)) {
    mapAt(config, path, (value) => {
      if (value === SECRET_MASK) out.push(path.join("."));
    });
  }
  return out;
}
