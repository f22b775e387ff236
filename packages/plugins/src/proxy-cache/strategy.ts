import { RedisStore, retainProxyCacheRedis } from "./redis-store.js";
import type { ProxyCacheConfig } from "./schema.js";
import type { CacheStrategy } from "./store.js";
import { dictionary, retainDictionaries } from "./store.js";

/** Where an instance's entries live: its memory dictionary, or its Redis (strategy redis). */
export function strategyOf(
  conf: Pick<ProxyCacheConfig, "strategy" | "memory" | "redis">,
): CacheStrategy {
  return conf.strategy === "redis"
    ? new RedisStore(conf.redis)
    : dictionary(conf.memory.dictionary_name);
}

/** After a config swap: drops the dictionaries and closes the Redis connections no config uses. */
export async function retainStrategies(configs: readonly ProxyCacheConfig[]): Promise<void> {
  retainDictionaries(
    new Set(configs.filter((c) => c.strategy === "memory").map((c) => c.memory.dictionary_name)),
  );
  await retainProxyCacheRedis(configs.filter((c) => c.strategy === "redis").map((c) => c.redis));
}
