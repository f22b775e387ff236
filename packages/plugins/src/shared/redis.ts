import { Redis } from "ioredis";
import type { RedisConfig } from "./redis-schema.js";

interface Entry {
  client: Redis;
  /** the first connection attempt finished (ready or failed): from then on, fail fast when not ready */
  settled: boolean;
  lastError: unknown;
  /** the plugins whose running configs use this connection; closed when none is left */
  owners: Set<string>;
}

/**
 * One ioredis client per distinct connection config, shared by every plugin and every config
 * snapshot that uses it. Each plugin says which connections its running configs use (`retainRedis`);
 * a connection no plugin uses any more is closed.
 */
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
  });
  const entry: Entry = { client, settled: false, lastError: undefined, owners: new Set() };
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

function describe(err: unknown): string {
  return err instanceof Error ? err.message : "connecting";
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

/**
 * The connected client of a connection config, for plugin `owner` (created on first use; waits for
 * the first connection, at most `timeout` ms). Rejects when Redis is unavailable.
 */
export async function redisClient(owner: string, c: RedisConfig): Promise<Redis> {
  const key = redisKeyOf(c);
  let e = clients.get(key);
  if (!e) clients.set(key, (e = create(c)));
  e.owners.add(owner);
  await ready(e, c.timeout > 0 ? c.timeout : 2000);
  return e.client;
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

/** Plugin `owner` now uses only the connections in `keep` (after a config swap): the unused are closed. */
export async function retainRedis(owner: string, keep: readonly RedisConfig[]): Promise<void> {
  const wanted = new Set(keep.map(redisKeyOf));
  const jobs: Promise<void>[] = [];
  for (const [key, e] of clients) {
    if (wanted.has(key)) continue;
    e.owners.delete(owner);
    if (e.owners.size === 0) jobs.push(close(key, e));
  }
  await Promise.all(jobs);
}

/** Number of open clients (tests). */
export function redisClientCount(): number {
  return clients.size;
}
