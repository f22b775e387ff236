import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { PluginDefinition } from "@gatehouse/plugin-kit";
import { builtinPlugins } from "./index.js";

/** A plugin of the data plane and where it came from ("builtin" or the GATEHOUSE_PLUGINS entry). */
export interface LoadedPlugin {
  def: PluginDefinition;
  source: string;
}

export class PluginLoadError extends Error {}

function isDefinition(v: unknown): v is PluginDefinition {
  if (typeof v !== "object" || v === null) return false;
  const d = v as Partial<PluginDefinition>;
  return (
    typeof d.name === "string" &&
    typeof d.version === "string" &&
    typeof d.priority === "number" &&
    typeof d.phases === "object" &&
    typeof (d.configSchema as { safeParse?: unknown } | undefined)?.safeParse === "function" &&
    typeof d.meta === "object"
  );
}

/** The PluginDefinitions a module exports: `plugins` (array), `plugin`, or the default export (one or an array). */
function definitionsOf(mod: Record<string, unknown>, entry: string): PluginDefinition[] {
  const candidates = [mod.plugins, mod.plugin, mod.default].filter((c) => c !== undefined);
  if (candidates.length === 0) {
    throw new PluginLoadError(
      `GATEHOUSE_PLUGINS: ${entry} exports no plugin (expected a default export, \`plugin\` or \`plugins\` built with definePlugin)`,
    );
  }
  const out: PluginDefinition[] = [];
  for (const c of candidates) {
    for (const d of Array.isArray(c) ? c : [c]) {
      if (!isDefinition(d)) {
        throw new PluginLoadError(
          `GATEHOUSE_PLUGINS: ${entry} exports something that is not a plugin definition (use definePlugin from @gatehouse/plugin-kit)`,
        );
      }
      if (!out.includes(d)) out.push(d);
    }
  }
  return out;
}

async function importEntry(entry: string, cwd: string): Promise<Record<string, unknown>> {
  let url: string;
  try {
    if (entry.startsWith(".") || isAbsolute(entry)) url = pathToFileURL(resolve(cwd, entry)).href;
    else url = pathToFileURL(createRequire(join(cwd, "noop.js")).resolve(entry)).href;
  } catch (err) {
    throw new PluginLoadError(
      `GATEHOUSE_PLUGINS: cannot find ${entry} (from ${cwd}): ${(err as Error).message.split("\n")[0]}`,
    );
  }
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw new PluginLoadError(`GATEHOUSE_PLUGINS: cannot load ${entry}: ${(err as Error).message}`);
  }
}

/**
 * The data plane's plugins from `--plugins` / GATEHOUSE_PLUGINS (comma-separated, Kong's `plugins` plus
 * packages): "bundled" = every built-in, a built-in name adds that one, "-name" leaves one out, anything
 * else is a third-party package name or a path (resolved from `cwd`) exporting PluginDefinitions. A list
 * naming no built-in (only packages and/or "-name") starts from "bundled". Names and priorities must be
 * unique: a clash is a PluginLoadError naming both sources.
 */
export async function loadPlugins(
  spec: string | undefined,
  opts: { cwd?: string; builtins?: readonly PluginDefinition[] } = {},
): Promise<LoadedPlugin[]> {
  const cwd = opts.cwd ?? process.cwd();
  const builtins = new Map((opts.builtins ?? builtinPlugins).map((d) => [d.name, d]));
  const items = (spec ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const isPackage = (item: string) =>
    item !== "bundled" && !item.startsWith("-") && !builtins.has(item);
  const selected = new Map<string, LoadedPlugin>();
  const addBundled = () => {
    for (const def of builtins.values()) selected.set(def.name, { def, source: "builtin" });
  };
  if (items.length === 0 || items.every((i) => isPackage(i) || i.startsWith("-"))) addBundled();
  for (const item of items) {
    if (item === "bundled") addBundled();
    else if (item.startsWith("-")) {
      const name = item.slice(1);
      if (!builtins.has(name) && !selected.has(name))
        throw new PluginLoadError(
          `unknown plugin ${JSON.stringify(name)} (known: bundled, ${[...builtins.keys()].sort().join(", ")})`,
        );
      selected.delete(name);
    } else if (!isPackage(item)) {
      selected.set(item, { def: builtins.get(item) as PluginDefinition, source: "builtin" });
    } else {
      const mod = await importEntry(item, cwd);
      for (const def of definitionsOf(mod, item)) {
        for (const other of selected.values()) {
          if (other.def.name === def.name)
            throw new PluginLoadError(
              `GATEHOUSE_PLUGINS: plugin "${def.name}" of ${item} has the same name as the one of ${other.source}`,
            );
          if (other.def.priority === def.priority)
            throw new PluginLoadError(
              `GATEHOUSE_PLUGINS: plugin "${def.name}" of ${item} has priority ${def.priority}, already used by "${other.def.name}" (${other.source}); priorities are unique`,
            );
        }
        selected.set(def.name, { def, source: item });
      }
    }
  }
  return [...selected.values()];
}

// On globalThis: a bundler may give the caller and the reader different copies of this module.
const ACTIVE = Symbol.for("gatehouse.plugins.configured");
type Holder = { [ACTIVE]?: ReadonlyMap<string, PluginDefinition> };

/**
 * The control plane's plugin set (GATEHOUSE_PLUGINS, like its data planes'): loaded once at start by
 * `loadConfiguredPlugins`, then `configuredCatalog()` is what the admin validates with and lists in
 * the marketplace. Before (or without) loading: the built-ins.
 */
export async function loadConfiguredPlugins(
  spec: string | undefined,
  opts: { cwd?: string } = {},
): Promise<LoadedPlugin[]> {
  const loaded = await loadPlugins(spec, opts);
  (globalThis as Holder)[ACTIVE] = new Map(loaded.map((p) => [p.def.name, p.def]));
  return loaded;
}

/** The plugins `loadConfiguredPlugins` loaded, else the built-ins. */
export function configuredCatalog(): ReadonlyMap<string, PluginDefinition> | undefined {
  return (globalThis as Holder)[ACTIVE];
}
