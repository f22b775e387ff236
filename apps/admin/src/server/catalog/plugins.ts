import "server-only";
import type { PluginCatalog } from "@gatehouse/config";
import type { PluginDefinition } from "@gatehouse/plugin-kit";
import { configJsonSchema, validatePluginConfig } from "@gatehouse/plugin-kit";
import { builtinCatalog, configuredCatalog } from "@gatehouse/plugins";

/**
 * The plugins this control plane knows: GATEHOUSE_PLUGINS (the same setting as its data planes',
 * loaded at start by instrumentation), else the built-ins.
 */
export function pluginDefinitions(): ReadonlyMap<string, PluginDefinition> {
  return configuredCatalog() ?? builtinCatalog;
}

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

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  secret?: unknown;
  writeOnly?: unknown;
};

/** Field names treated as secret even when a plugin forgets to mark them (Kong's usual names). */
const SECRET_NAME = /(^|_)(password|secret|token|private_key|api_key|client_secret)$/i;

const secretCache = new Map<string, string[][]>();

/**
 * Paths of a plugin's secret config fields: marked `.meta({ secret: true })` or
 * `.meta({ writeOnly: true })` on the zod field (both reach its JSON Schema), or named like a
 * secret (`password`, `*_secret`, `*_token`, ...).
 */
export function secretPaths(pluginName: string): string[][] {
  const cached = secretCache.get(pluginName);
  if (cached) return cached;
  const def = pluginDefinitions().get(pluginName);
  const out: string[][] = [];
  const marked = (schema: JsonSchema): boolean =>
    schema.secret === true ||
    schema.writeOnly === true ||
    [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])].some(marked);
  const walk = (schema: JsonSchema | undefined, prefix: string[]) => {
    if (!schema) return;
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (marked(child) || SECRET_NAME.test(key)) out.push([...prefix, key]);
      else walk(child, [...prefix, key]);
    }
    for (const branch of [
      ...(schema.anyOf ?? []),
      ...(schema.oneOf ?? []),
      ...(schema.allOf ?? []),
    ]) {
      walk(branch, prefix);
    }
  };
  if (def) walk(configJsonSchema(def) as JsonSchema, []);
  const unique = [...new Map(out.map((p) => [p.join("."), p])).values()];
  secretCache.set(pluginName, unique);
  return unique;
}

function mapAt(
  config: Record<string, unknown>,
  path: string[],
  fn: (value: unknown, parent: Record<string, unknown>, key: string) => void,
): void {
  let node: unknown = config;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== "object" || node === null) return;
    node = (node as Record<string, unknown>)[key];
  }
  const last = path[path.length - 1];
  if (last === undefined || typeof node !== "object" || node === null) return;
  const parent = node as Record<string, unknown>;
  if (parent[last] !== undefined && parent[last] !== null) fn(parent[last], parent, last);
}

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
const entries = (value: unknown): Doc[] => (Array.isArray(value) ? (value as Doc[]) : []);

/** Every plugin entry of a declarative document, wherever it is nested. */
export function documentPlugins(doc: unknown): Doc[] {
  const root = (doc ?? {}) as Doc;
  const out: Doc[] = [...entries(root.plugins)];
  for (const s of entries(root.services)) {
    out.push(...entries(s.plugins));
    for (const r of entries(s.routes)) out.push(...entries(r.plugins));
  }
  for (const r of entries(root.routes)) out.push(...entries(r.plugins));
  for (const c of entries(root.consumers)) out.push(...entries(c.plugins));
  return out;
}

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
          if (typeof credential[field] === "string") credential[field] = SECRET_MASK;
        }
      }
    }
  }
  for (const certificate of entries((copy as Doc | null)?.certificates)) {
    for (const field of CERTIFICATE_SECRET_FIELDS) {
      if (typeof certificate[field] === "string") certificate[field] = SECRET_MASK;
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
