import type { Redis } from "ioredis";
import { redisClient, retainRedis } from "../shared/redis.js";
import type { RedisConfig } from "../shared/redis-schema.js";
import type { Counter, HitResult } from "./windows.js";

/**
 * Checks every counter, then increments all of them only when none has reached its limit: one round trip,
 * atomic across data planes. KEYS: the counters; ARGV: limit and ttl (ms) of each. Returns
 * {stop (1-based index, 0 = none), usage before this request of each counter}.
 */
const SCRIPT = `
local n = #KEYS
local out = { 0 }
for i = 1, n do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  out[i + 1] = used
  if used >= tonumber(ARGV[i * 2 - 1]) then out[1] = i end
end
if out[1] == 0 then
  for i = 1, n do
    if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[i * 2]) end
  end
end
return out
`;

/** sync_rate's flush: adds a batch to one counter, starting its time to live when it is new. */
const INCRBY_SCRIPT = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if v == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v
`;

/** slack added to a counter's time to live (clock differences between data planes) */
const TTL_SLACK_MS = 1000;

type ScriptClient = Redis & {
  gatehouseRateLimit(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
};
type IncrByPipeline = { gatehouseIncrBy(numKeys: 1, key: string, n: number, ttl: number): void };

const OWNER = "rate-limiting";

/** The shared client of `c`, with the check-and-increment script defined on it (once per client). */
async function scriptClient(c: RedisConfig): Promise<ScriptClient> {
  const client = (await redisClient(OWNER, c)) as ScriptClient;
  if (typeof client.gatehouseRateLimit !== "function")
    client.defineCommand("gatehouseRateLimit", { lua: SCRIPT });
  if (typeof (client as unknown as Partial<IncrByPipeline>).gatehouseIncrBy !== "function")
    client.defineCommand("gatehouseIncrBy", { lua: INCRBY_SCRIPT });
  return client;
}

/** Check-and-increment the counters in Redis (one script call). Rejects when Redis is unavailable. */
export async function redisHit(c: RedisConfig, counters: readonly Counter[]): Promise<HitResult> {
  const client = await scriptClient(c);
  const args: (string | number)[] = counters.map((k) => k.key);
  for (const k of counters) args.push(String(k.limit), k.left + TTL_SLACK_MS);
  const out = await client.gatehouseRateLimit(counters.length, ...args);
  const [stop, ...usage] = out.map(Number);
  return { usage, stop: (stop ?? 0) - 1 };
}

/** Current values of counters (0 when missing), without counting anything (sync_rate). */
export async function redisUsage(c: RedisConfig, keys: readonly string[]): Promise<number[]> {
  const client = await scriptClient(c);
  const values = await client.mget(...keys);
  return values.map((v) => Number(v ?? 0));
}

/** Adds batched counts (key, count, ms until the window ends) in one pipeline (sync_rate's flush). */
export async function redisIncrBy(
  c: RedisConfig,
  batch: readonly { key: string; n: number; left: number }[],
): Promise<void> {
  const client = await scriptClient(c);
  const pipeline = client.pipeline();
  for (const b of batch) {
    (pipeline as unknown as IncrByPipeline).gatehouseIncrBy(1, b.key, b.n, b.left + TTL_SLACK_MS);
  }
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
}

/** Closes the clients of connection configs rate-limiting no longer uses (after a config swap). */
export async function retainRateLimitRedis(keep: readonly RedisConfig[]): Promise<void> {
  await retainRedis(OWNER, keep);
}
