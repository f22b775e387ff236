import { Redis } from "ioredis";
import type { RedisConfig } from "./schema.js";
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

/** slack added to a counter's time to live (clock differences between data planes) */
const TTL_SLACK_MS = 1000;

type ScriptClient = Redis & {
  gatehouseRateLimit(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
};

interface Entry {
  client: ScriptClient;
  /** the first connection attempt finished (ready or failed): from then on, fail fast when not ready */
  settled: boolean;
  lastError: unknown;
}

/** One ioredis client per distinct connection config, shared by every config snapshot that uses it. */
const clients = new Map<string, Entry>();

export function redisKeyOf(c: RedisConfig): string {
  return JSON.stringify([
    c.host,
    c.port,
    c.database,
    c.username ?? null,
    c.password ?? null,
    c.ssl,
    c.ssl_verify,
    c.server_name ?? null,
    c.timeout,
  ]);
}

function create(c: RedisConfig): Entry {
  const timeout = c.timeout > 0 ? c.timeout : undefined;
  const client = new Redis({
    host: c.host ?? "127.0.0.1",
    port: c.port,
    db: c.database,
    ...(c.username != null ? { username: c.username } : {}),
    ...(c.password != null ? { password: c.password } : {}),
    ...(c.ssl
      ? {
          tls: {
            rejectUnauthorized: c.ssl_verify,
            ...(c.server_name != null ? { servername: c.server_name } : {}),
          },
        }
      : {}),
    connectTimeout: timeout ?? 10_000,
    ...(timeout !== undefined ? { commandTimeout: timeout } : {}),
    // a down Redis must fail requests fast, never queue them
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  }) as ScriptClient;
  client.defineCommand("gatehouseRateLimit", { lua: SCRIPT });
  const entry: Entry = { client, settled: false, lastError: undefined };
  client.on("ready", () => {
    entry.settled = true;
    entry.lastError = undefined;
  });
  // without an 'error' listener ioredis prints every failed reconnect
  client.on("error", (err: unknown) => {
    entry.settled = true;
    entry.lastError = err;
  });
  return entry;
}

function entryFor(c: RedisConfig): Entry {
  const key = redisKeyOf(c);
  let e = clients.get(key);
  if (!e) clients.set(key, (e = create(c)));
  return e;
}

/** Waits for the first connection of a new client (bounded); afterwards a client that is not ready fails fast. */
async function ready(e: Entry, timeoutMs: number): Promise<void> {
  if (e.client.status === "ready") return;
  if (e.settled) throw new Error(`Redis is not connected (${describe(e.lastError)})`);
  await new Promise<void>((resolve, reject) => {
    const done = (err?: unknown): void => {
      clearTimeout(timer);
      e.client.off("ready", onReady);
      e.client.off("error", onError);
      if (err === undefined) resolve();
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onReady = (): void => done();
    const onError = (err: unknown): void => done(err);
    const timer = setTimeout(
      () => done(new Error(`Redis did not connect within ${timeoutMs} ms`)),
      timeoutMs,
    );
    e.client.once("ready", onReady);
    e.client.once("error", onError);
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : "connecting";
}

/** Check-and-increment the counters in Redis (one script call). Rejects when Redis is unavailable. */
export async function redisHit(c: RedisConfig, counters: readonly Counter[]): Promise<HitResult> {
  const e = entryFor(c);
  await ready(e, c.timeout > 0 ? c.timeout : 2000);
  const args: (string | number)[] = counters.map((k) => k.key);
  for (const k of counters) args.push(String(k.limit), k.left + TTL_SLACK_MS);
  const out = await e.client.gatehouseRateLimit(counters.length, ...args);
  const [stop, ...usage] = out.map(Number);
  return { usage, stop: (stop ?? 0) - 1 };
}

async function close(key: string, e: Entry): Promise<void> {
  clients.delete(key);
  try {
    if (e.client.status === "ready") await e.client.quit();
    else e.client.disconnect();
  } catch {
    e.client.disconnect();
  }
}

/** Closes the clients of connection configs not in `keep` (after a config swap). */
export async function retainRedis(keep: readonly RedisConfig[]): Promise<void> {
  const wanted = new Set(keep.map(redisKeyOf));
  const jobs: Promise<void>[] = [];
  for (const [key, e] of clients) if (!wanted.has(key)) jobs.push(close(key, e));
  await Promise.all(jobs);
}

/** Closes every Redis client (shutdown). */
export async function closeAllRedis(): Promise<void> {
  await retainRedis([]);
}

/** Number of open clients (tests). */
export function redisClientCount(): number {
  return clients.size;
}
