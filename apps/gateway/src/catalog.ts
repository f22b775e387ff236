import type { PluginCatalog } from "@gatehouse/config";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import type { PluginDefinition } from "@gatehouse/plugin-kit";

/** The kit's plugin registry as the config validator's PluginCatalog. */
export function pluginCatalog(defs: ReadonlyMap<string, PluginDefinition>): PluginCatalog {
  return {
    has: (name) => defs.has(name),
    validate(name, config) {
      const def = defs.get(name);
      if (!def)
        return {
          ok: false,
          errors: [{ path: "", message: `unknown plugin ${JSON.stringify(name)}` }],
        };
      const r = validatePluginConfig<Record<string, unknown>>(def, config, "");
      return r.ok ? { ok: true, config: r.config } : { ok: false, errors: r.errors };
    },
  };
}
