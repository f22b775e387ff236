// Which plugin config fields are secret, and how they are stored (sealed, see @gatehouse/db/sealed).
// No "server-only" / "@/" imports: the start check (instrumentation) seals with it too.
import type { PluginDefinition } from "@gatehouse/plugin-kit";
import { configJsonSchema } from "@gatehouse/plugin-kit";
import { builtinCatalog, configuredCatalog } from "@gatehouse/plugins";
import { isSealed, openValue, sealValue } from "@gatehouse/db/sealed";
import type { Sealed } from "@gatehouse/db/sealed";

/**
 * The plugins this control plane knows: GATEHOUSE_PLUGINS (the same setting as its data planes',
 * loaded at start by instrumentation), else the built-ins.
 */
export function pluginDefinitions(): ReadonlyMap<string, PluginDefinition> {
  return configuredCatalog() ?? builtinCatalog;
}

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

/** Calls `fn` with the value at `path` of `config` and its parent, when set (not null). */
export function mapAt(
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

/** The value at `path` of `config` (undefined when absent). */
function valueAt(config: unknown, path: string[]): unknown {
  let node = config;
  for (const k of path) node = (node as Record<string, unknown> | undefined)?.[k];
  return node;
}

/** True when any secret field of the config holds a value in clear. */
export function holdsClearSecret(name: string, config: unknown): boolean {
  if (typeof config !== "object" || config === null) return false;
  let found = false;
  for (const path of secretPaths(name)) {
    mapAt(config as Record<string, unknown>, path, (value) => {
      if (!isSealed(value)) found = true;
    });
  }
  return found;
}

/**
 * A copy of a plugin config (secrets in clear) with its secret fields sealed under `key()`
 * (asked for only when there is a secret to seal). A secret unchanged from `stored` (the stored,
 * sealed config) keeps its stored ciphertext, so saving the same config writes the same row.
 */
export function sealPluginConfig(
  name: string,
  config: Record<string, unknown>,
  key: () => string,
  stored?: unknown,
): Record<string, unknown> {
  if (!holdsClearSecret(name, config)) return config;
  const secret = key();
  const copy = structuredClone(config);
  for (const path of secretPaths(name)) {
    const before = valueAt(stored, path);
    const keep = (clear: string): Sealed | undefined =>
      isSealed(before) && openValue(before, secret) === clear ? before : undefined;
    mapAt(copy, path, (value, parent, k) => {
      parent[k] = sealValue(value, secret, keep);
    });
  }
  return copy;
}

type Doc = Record<string, unknown>;
/** The objects of a document's list (none when it is not a list). */
export const entries = (value: unknown): Doc[] => (Array.isArray(value) ? (value as Doc[]) : []);

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

/**
 * Seals, in place, the secrets a declarative document holds in clear: jwt secrets, certificates'
 * private keys and plugin secret fields (a snapshot stored before secrets were sealed). Returns
 * whether anything was sealed.
 */
export function sealDocumentSecrets(doc: unknown, key: string): boolean {
  let changed = false;
  const seal = (owner: Doc, field: string) => {
    if (typeof owner[field] !== "string") return;
    owner[field] = sealValue(owner[field], key);
    changed = true;
  };
  const root = (doc ?? {}) as Doc;
  for (const consumer of entries(root.consumers)) {
    for (const credential of entries(consumer.jwt_secrets)) seal(credential, "secret");
  }
  for (const certificate of entries(root.certificates)) {
    seal(certificate, "key");
    seal(certificate, "key_alt");
  }
  for (const plugin of documentPlugins(doc)) {
    const { name, config } = plugin;
    if (typeof name !== "string" || typeof config !== "object" || config === null) continue;
    if (!holdsClearSecret(name, config)) continue;
    plugin.config = sealPluginConfig(name, config as Doc, () => key);
    changed = true;
  }
  return changed;
}
