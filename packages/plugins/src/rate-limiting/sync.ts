// policy redis with sync_rate (Kong 3.9 policies/init.lua): a data plane counts locally and flushes its
// counts to Redis every sync_rate seconds, reading a counter's shared value from Redis when it does not
// know it (first use, or after a flush). Limits are then approximate across data planes (each sees the
// others' counts up to sync_rate late), in exchange for far fewer Redis round trips.
import { redisKeyOf } from "../shared/redis.js";
import { redisIncrBy, redisUsage } from "./redis.js";
import type { RedisConfig } from "../shared/redis-schema.js";
import type { Counter, HitResult } from "./windows.js";

interface Pending {
  n: number;
  /** ms until the counter's window ends, when last counted */
  left: number;
  at: number;
}

interface Batch {
  config: RedisConfig;
  /** shared value read from Redis, until the window ends or the next flush */
  known: Map<string, { value: number; until: number }>;
  /** counted here, not yet sent */
  delta: Map<string, Pending>;
  /** being sent now (still counted until the flush is done) */
  sending: Map<string, Pending>;
  timer: NodeJS.Timeout | undefined;
  /** seconds, the last config's */
  syncRate: number;
  flushing: Promise<void> | undefined;
  onError: (err: unknown) => void;
}

const batches = new Map<string, Batch>();

function batchOf(c: RedisConfig, onError: (err: unknown) => void): Batch {
  const key = redisKeyOf(c);
  let b = batches.get(key);
  if (!b) {
    b = {
      config: c,
      known: new Map(),
      delta: new Map(),
      sending: new Map(),
      timer: undefined,
      syncRate: 1,
      flushing: undefined,
      onError,
    };
    batches.set(key, b);
  }
  b.onError = onError;
  return b;
}

function schedule(b: Batch): void {
  if (b.timer !== undefined || b.flushing) return; // a running flush schedules the next one
  b.timer = setTimeout(() => void flush(b), b.syncRate * 1000);
  b.timer.unref();
}

function flush(b: Batch): Promise<void> {
  b.timer = undefined;
  if (b.flushing) return b.flushing;
  b.sending = b.delta;
  b.delta = new Map();
  const now = Date.now();
  const batch = [...b.sending].map(([key, p]) => ({
    key,
    n: p.n,
    left: Math.max(1, p.left - (now - p.at)),
  }));
  b.flushing = (batch.length > 0 ? redisIncrBy(b.config, batch) : Promise.resolve())
    .catch((err: unknown) => b.onError(err)) // as Kong: a failed flush drops its counts
    .finally(() => {
      b.sending = new Map();
      // the next request reads the shared values again, with every data plane's counts
      b.known.clear();
      b.flushing = undefined;
      if (b.delta.size > 0 && batches.get(redisKeyOf(b.config)) === b) schedule(b);
    });
  return b.flushing;
}

/**
 * Kong's batched redis policy: decides with (shared value + local counts); when the request passes, counts
 * it locally and makes sure a flush runs within `syncRate` seconds. Rejects when Redis cannot be read.
 */
export async function batchedHit(
  c: RedisConfig,
  syncRate: number,
  counters: readonly Counter[],
  now: number,
  onFlushError: (err: unknown) => void,
): Promise<HitResult> {
  const b = batchOf(c, onFlushError);
  const unknown = counters.filter((k) => !((b.known.get(k.key)?.until ?? 0) > now));
  if (unknown.length > 0) {
    const values = await redisUsage(
      c,
      unknown.map((k) => k.key),
    );
    unknown.forEach((k, i) => b.known.set(k.key, { value: values[i] ?? 0, until: now + k.left }));
  }
  const usage = counters.map(
    (k) =>
      (b.known.get(k.key)?.value ?? 0) +
      (b.sending.get(k.key)?.n ?? 0) +
      (b.delta.get(k.key)?.n ?? 0),
  );
  let stop = -1;
  counters.forEach((k, i) => {
    if ((usage[i] ?? 0) >= k.limit) stop = i;
  });
  if (stop >= 0) return { usage, stop };
  for (const k of counters) {
    const p = b.delta.get(k.key);
    if (p) {
      p.n++;
      p.left = k.left;
      p.at = now;
    } else b.delta.set(k.key, { n: 1, left: k.left, at: now });
  }
  b.syncRate = syncRate;
  schedule(b);
  return { usage, stop };
}

/** Sends every pending count now (config swap dropping a Redis, shutdown); `keep` batches stay. */
export async function flushBatches(keep: readonly RedisConfig[] = []): Promise<void> {
  const wanted = new Set(keep.map(redisKeyOf));
  const jobs: Promise<void>[] = [];
  for (const [key, b] of batches) {
    if (wanted.has(key)) continue;
    if (b.timer) clearTimeout(b.timer);
    jobs.push(flush(b));
    batches.delete(key);
  }
  await Promise.all(jobs);
}
