import type { PluginCatalog } from "../src/index.js";

/** A tiny real catalog for tests: two plugins with hand-written config checks. */
export const catalog: PluginCatalog = {
  has: (name) => name === "key-auth" || name === "request-termination",
  validate(name, config) {
    const c = (config ?? {}) as Record<string, unknown>;
    if (name === "request-termination") {
      if (c.status_code !== undefined && typeof c.status_code !== "number") {
        return { ok: false, errors: [{ path: "status_code", message: "must be a number" }] };
      }
      return { ok: true, config: { status_code: 503, ...c } };
    }
    return { ok: true, config: { key_names: ["apikey"], ...c } };
  },
};
