import type { PluginCategory, PluginDefinition, PluginScope } from "./define.js";
import { configJsonSchema } from "./define.js";
import type { Phase } from "./phases.js";

/** One plugin as the control plane (marketplace, config validation, admin form) sees it. */
export interface CatalogEntry {
  name: string;
  version: string;
  priority: number;
  phases: Phase[];
  meta: {
    title: string;
    category: PluginCategory | null;
    summary: string;
    readme: string;
    icon: string | null;
    scopes: PluginScope[];
  };
  /** JSON Schema (draft 2020-12) of the plugin's config, as accepted on input (defaults not applied). */
  config_schema: Record<string, unknown>;
}

/**
 * The plugin catalog for the control plane: metadata + JSON Schema of every plugin, sorted by
 * descending priority (the order they run in). Pass the built-ins plus any loaded third-party plugins.
 */
export function exportCatalog(
  defs: Iterable<PluginDefinition> | ReadonlyMap<string, PluginDefinition>,
): CatalogEntry[] {
  const list = defs instanceof Map ? [...defs.values()] : [...(defs as Iterable<PluginDefinition>)];
  return list
    .map((d) => ({
      name: d.name,
      version: d.version,
      priority: d.priority,
      phases: [...d.meta.phases],
      meta: {
        title: d.meta.title ?? d.name,
        category: d.meta.category ?? null,
        summary: d.meta.summary ?? "",
        readme: d.meta.readme ?? "",
        icon: d.meta.icon ?? null,
        scopes: [...d.meta.scopes],
      },
      config_schema: configJsonSchema(d),
    }))
    .sort((a, b) => b.priority - a.priority);
}
