import type { PluginDefinition } from "@gatehouse/plugin-kit";
import { builtinCatalog } from "@gatehouse/plugins";

/**
 * The plugin set of a data plane from `--plugins` / GATEHOUSE_PLUGINS (like Kong's `plugins`):
 * comma-separated, "bundled" = every built-in plugin, a name adds one, "-name" leaves one out.
 * Throws an Error naming the first unknown plugin.
 */
export function selectPlugins(
  spec: string,
  catalog: ReadonlyMap<string, PluginDefinition> = builtinCatalog,
): ReadonlyMap<string, PluginDefinition> {
  const selected = new Map<string, PluginDefinition>();
  const items = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (item === "bundled") {
      for (const [name, def] of catalog) selected.set(name, def);
      continue;
    }
    const remove = item.startsWith("-");
    const name = remove ? item.slice(1) : item;
    const def = catalog.get(name);
    if (!def) {
      throw new Error(
        `unknown plugin ${JSON.stringify(name)} (known: bundled, ${[...catalog.keys()].sort().join(", ")})`,
      );
    }
    if (remove) selected.delete(name);
    else selected.set(name, def);
  }
  return selected;
}
