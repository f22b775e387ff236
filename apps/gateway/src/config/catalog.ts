import { mkdirSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import type { PluginCatalog } from "@gatehouse/config";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import type {
  CounterStore,
  DataPlaneOptions,
  PluginDefinition,
  UpstreamTargetHealth,
  ValidationResult,
} from "@gatehouse/plugin-kit";
import { OptionError } from "../errors.js";

/** --file-log-dir's default (relative to the working directory, like the cache dir). */
export const DEFAULT_FILE_LOG_DIR = ".data/logs";

/**
 * The data plane's options for plugins. The --file-log-dir directories are created and resolved
 * (symlinks) on first use, i.e. only once a config uses file-log; `metricsRegistry` is the registry
 * the control port's /metrics serves; `nodeCounters` the primary's counters under --workers;
 * `upstreamHealth` reads the balancer's target health (prometheus' kong_upstream_target_health);
 * `tracingSamplingRate` is --tracing-sampling-rate.
 */
export function dataPlaneOptions(
  fileLogDirs: readonly string[],
  metricsRegistry?: unknown,
  nodeCounters?: CounterStore,
  upstreamHealth?: () => readonly UpstreamTargetHealth[],
  tracingSamplingRate?: number,
): DataPlaneOptions {
  let resolved: string[] | undefined;
  return {
    metricsRegistry,
    nodeCounters,
    upstreamHealth,
    tracingSamplingRate,
    get fileLogDirs() {
      resolved ??= fileLogDirs.map((d) => {
        try {
          mkdirSync(d, { recursive: true, mode: 0o750 });
          return realpathSync(resolve(d));
        } catch (err) {
          throw new OptionError(`--file-log-dir ${d} cannot be used: ${(err as Error).message}`);
        }
      });
      return resolved;
    },
  };
}

type Result = ValidationResult<Record<string, unknown>>;

/** The kit's plugin registry as the config validator's PluginCatalog, with the data plane's own checks. */
export function pluginCatalog(
  defs: ReadonlyMap<string, PluginDefinition>,
  options: DataPlaneOptions = dataPlaneOptions([DEFAULT_FILE_LOG_DIR]),
): PluginCatalog {
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
      if (!r.ok || def.bind === undefined) return r;
      // the data plane's own check (its directories, its options): see PluginSpec.bind
      try {
        return def.bind(r.config, options) as Result;
      } catch (err) {
        return { ok: false, errors: [{ path: "", message: (err as Error).message }] };
      }
    },
  };
}
