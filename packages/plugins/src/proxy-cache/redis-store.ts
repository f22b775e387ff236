import { redisClient, retainRedis } from "../shared/redis.js";
import type { RedisConfig } from "../shared/redis-schema.js";
import type { CachedResponse } from "./store.js";

const OWNER = "proxy-cache";
/** Every entry's Redis key starts with this, so a flush removes only proxy-cache entries. */
export const REDIS_PREFIX = "gatehouse:proxy-cache:";

/** An entry as stored in Redis: JSON, the body in base64 (Redis strings are binary-safe, JSON is not). */
interface Stored {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  timestamp: number;
  ttl: number;
  version: number;
}

function decode(text: string | null): CachedResponse | undefined {
  if (text === null) return undefined;
  try {
    const s = JSON.parse(text) as Stored;
    return { ...s, body: Buffer.from(s.body, "base64") };
  } catch {
    return undefined; // not ours, or from an incompatible release: treated as a miss
  }
}

/**
 * The redis strategy: one entry per cache key in the configured Redis, shared by every data plane
 * using it; Redis expires each entry after its storage TTL.
 */
export class RedisStore {
  constructor(private readonly conf: RedisConfig) {}

  async fetch(key: string): Promise<CachedResponse | undefined> {
    const client = await redisClient(OWNER, this.conf);
    return decode(await client.get(REDIS_PREFIX + key));
  }

  async store(key: string, res: CachedResponse, ttlSeconds: number): Promise<void> {
    const client = await redisClient(OWNER, this.conf);
    const value: Stored = { ...res, body: res.body.toString("base64") };
    await client.set(REDIS_PREFIX + key, JSON.stringify(value), "EX", Math.max(1, ttlSeconds));
  }

  async purge(key: string): Promise<boolean> {
    const client = await redisClient(OWNER, this.conf);
    return (await client.del(REDIS_PREFIX + key)) > 0;
  }

  /** Removes every proxy-cache entry of this Redis database (SCAN + UNLINK, never FLUSHDB). */
  async flush(): Promise<void> {
    const client = await redisClient(OWNER, this.conf);
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${REDIS_PREFIX}*`, "COUNT", 500);
      if (keys.length > 0) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  }
}

/** Closes the Redis connections no running proxy-cache config uses any more. */
export function retainProxyCacheRedis(keep: readonly RedisConfig[]): Promise<void> {
  return retainRedis(OWNER, keep);
}
