// What the data plane's control endpoint does for Kong's proxy-cache admin API (the admin calls it
// on every data plane): look up, purge and flush the entries of the running proxy-cache instances.
import type { ProxyCacheConfig } from "./schema.js";
import { proxyCacheSchema } from "./schema.js";
import type { CachedResponse } from "./store.js";
import { strategyOf } from "./strategy.js";

/** A running proxy-cache instance: its plugin id and its (validated) config. */
export interface ProxyCacheInstance {
  id: string;
  config: unknown;
}

/** A cached entry as Kong's `GET /proxy-cache/{key}` shows it. */
export interface CachedEntity {
  plugin_id: string;
  strategy: ProxyCacheConfig["strategy"];
  status: number;
  headers: Record<string, string | string[]>;
  /** the body as UTF-8 text */
  body: string;
  body_len: number;
  /** seconds since the epoch when stored */
  timestamp: number;
  ttl: number;
  version: number;
}

function configOf(inst: ProxyCacheInstance): ProxyCacheConfig {
  return proxyCacheSchema.parse(inst.config);
}

function entity(inst: ProxyCacheInstance, conf: ProxyCacheConfig, res: CachedResponse) {
  return {
    plugin_id: inst.id,
    strategy: conf.strategy,
    status: res.status,
    headers: res.headers,
    body: res.body.toString("utf8"),
    body_len: res.body.length,
    timestamp: res.timestamp,
    ttl: res.ttl,
    version: res.version,
  } satisfies CachedEntity;
}

/** The entry under `key` of the first instance holding one (Kong's GET /proxy-cache/{key}). */
export async function findCached(
  instances: readonly ProxyCacheInstance[],
  key: string,
): Promise<CachedEntity | undefined> {
  for (const inst of instances) {
    const conf = configOf(inst);
    const res = await strategyOf(conf).fetch(key);
    if (res !== undefined) return entity(inst, conf, res);
  }
  return undefined;
}

/** Purges `key` from the first instance holding it (Kong's DELETE /proxy-cache/{key}); false: none. */
export async function purgeCached(
  instances: readonly ProxyCacheInstance[],
  key: string,
): Promise<boolean> {
  for (const inst of instances) {
    const strategy = strategyOf(configOf(inst));
    if ((await strategy.fetch(key)) !== undefined && (await strategy.purge(key))) return true;
  }
  return false;
}

/** Flushes every instance's store (Kong's DELETE /proxy-cache): dictionaries and Redis entries. */
export async function flushCaches(instances: readonly ProxyCacheInstance[]): Promise<void> {
  for (const inst of instances) await strategyOf(configOf(inst)).flush();
}
