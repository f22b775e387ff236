import type { Chains } from "./chains.js";
import type { PluginDefinition } from "./define.js";
import type { KitLogger } from "./types.js";

function logFailure(log: KitLogger | undefined, plugin: string, what: string, err: unknown): void {
  log?.error({ err, plugin }, `plugin "${plugin}": ${what} failed`);
}

/**
 * After a config snapshot became active: gives every plugin of the catalog that has `retain` the
 * configs it has in that snapshot (an empty list when none), so it can release resources held for
 * configs that are gone (e.g. rate-limiting's Redis connections). Never throws.
 */
export async function retainPluginResources(
  catalog: ReadonlyMap<string, PluginDefinition>,
  chains: Chains,
  log?: KitLogger,
): Promise<void> {
  const jobs: Promise<void>[] = [];
  for (const def of catalog.values()) {
    const retain = def.retain;
    if (!retain) continue;
    jobs.push(
      (async () => {
        try {
          await retain(chains.configsOf(def.name));
        } catch (err) {
          logFailure(log, def.name, "retain", err);
        }
      })(),
    );
  }
  await Promise.all(jobs);
}

/** At shutdown: every plugin of the catalog releases its process-wide resources. Never throws. */
export async function disposePlugins(
  catalog: ReadonlyMap<string, PluginDefinition>,
  log?: KitLogger,
): Promise<void> {
  const jobs: Promise<void>[] = [];
  for (const def of catalog.values()) {
    const dispose = def.dispose;
    if (!dispose) continue;
    jobs.push(
      (async () => {
        try {
          await dispose();
        } catch (err) {
          logFailure(log, def.name, "dispose", err);
        }
      })(),
    );
  }
  await Promise.all(jobs);
}
