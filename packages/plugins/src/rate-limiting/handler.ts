import type { CounterStore, Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import { LocalCounters } from "./local.js";
import { redisHit, retainRateLimitRedis } from "./redis.js";
import type { Period, RateLimitingConfig } from "./schema.js";
import { PERIODS, SYNC_RATE_REALTIME, rateLimitingSchema } from "./schema.js";
import { batchedHit, flushBatches } from "./sync.js";
import type { Counter, HitResult } from "./windows.js";
import { windowOf } from "./windows.js";
import { entityId } from "../shared/entity.js";

const TITLE: Record<Period, string> = {
  second: "Second",
  minute: "Minute",
  hour: "Hour",
  day: "Day",
  month: "Month",
  year: "Year",
};
/** Kong's EXPIRATION (seconds): breaks ties between periods with the same remaining count */
const WINDOW_SECONDS: Record<Period, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86400,
  month: 2592000,
  year: 31536000,
};

/** policy local: this process's counters, unless the data plane gives node-wide ones (--workers) */
export const localCounters = new LocalCounters();
/** configs bound to a data plane whose counters are node-wide (DataPlaneOptions.nodeCounters) */
const nodeCounters = new WeakMap<RateLimitingConfig, CounterStore>();

/** Kong's get_identifier: what is counted, falling back to the client IP. */
export function identifierOf(kit: Kit, conf: RateLimitingConfig): string {
  let id: string | undefined;
  switch (conf.limit_by) {
    case "service":
      id = entityId(kit.router.getService());
      break;
    case "consumer":
      id = entityId(kit.client.getConsumer()) ?? entityId(kit.client.getCredential());
      break;
    case "credential":
      id = entityId(kit.client.getCredential());
      break;
    case "header":
      id = conf.header_name != null ? kit.request.getHeader(conf.header_name) : undefined;
      break;
    case "path": {
      const path = kit.request.getPath();
      if (path === conf.path) id = path;
      break;
    }
    default:
      break;
  }
  return id ?? kit.client.getForwardedIp();
}

/** Header names per period, built once (not per request). */
const LIMIT_HEADER = Object.fromEntries(
  PERIODS.map((p) => [p, `X-RateLimit-Limit-${TITLE[p]}`]),
) as Record<Period, string>;
const REMAINING_HEADER = Object.fromEntries(
  PERIODS.map((p) => [p, `X-RateLimit-Remaining-${TITLE[p]}`]),
) as Record<Period, string>;

function countersOf(kit: Kit, conf: RateLimitingConfig, now: number): Counter[] {
  // one hash tag per instance + identifier: every counter of a request lives in one Redis Cluster slot
  const base = `ratelimit:{${kit.instanceId ?? "-"}:${identifierOf(kit, conf)}}:`;
  const out: Counter[] = [];
  for (const period of PERIODS) {
    const limit = conf[period];
    if (limit == null) continue;
    const w = windowOf(period, now);
    out.push({ period, limit, key: base + String(w.start) + ":" + period, left: w.end - now });
  }
  return out;
}

const lastFailureLog = new WeakMap<RateLimitingConfig, number>();

/** Where the counters of `conf` live, for messages. */
function storeName(conf: RateLimitingConfig): string {
  return conf.policy === "redis" ? "Redis" : "the data plane's primary";
}

function logFailure(kit: Kit, conf: RateLimitingConfig, err: unknown, now: number): void {
  const last = lastFailureLog.get(conf) ?? 0;
  if (now - last < 5000) return; // at most one line per 5 s per config while the store is down
  lastFailureLog.set(conf, now);
  const where = storeName(conf);
  kit.log.error(
    {
      err,
      plugin: "rate-limiting",
      ...(conf.policy === "redis" ? { redis: `${conf.redis.host ?? ""}:${conf.redis.port}` } : {}),
    },
    conf.fault_tolerant
      ? `rate-limiting: failed to get usage from ${where}; proxying without limiting (fault_tolerant)`
      : `rate-limiting: failed to get usage from ${where}`,
  );
}

/** Kong's headers (per period, plus RateLimit-* for the period with the least remaining); 429 when a limit is reached. */
function applyHit(kit: Kit, conf: RateLimitingConfig, counters: Counter[], hit: HitResult): void {
  // ties between periods with the same remaining count: the longer window
  let bRemaining = -1;
  let bLimit = 0;
  let bWindow = 0;
  let bLeft = 0;
  const perPeriod: Record<string, string> = {};
  for (let i = 0; i < counters.length; i++) {
    const c = counters[i] as Counter;
    let remaining = c.limit - (hit.usage[i] ?? 0);
    if (hit.stop < 0 || hit.stop === i) remaining -= 1;
    if (remaining < 0) remaining = 0;
    const window = WINDOW_SECONDS[c.period];
    if (
      bRemaining < 0 ||
      remaining < bRemaining ||
      (remaining === bRemaining && window > bWindow)
    ) {
      bRemaining = remaining;
      bLimit = c.limit;
      bWindow = window;
      bLeft = c.left;
    }
    perPeriod[LIMIT_HEADER[c.period]] = String(c.limit);
    perPeriod[REMAINING_HEADER[c.period]] = String(remaining);
  }
  const reset = String(Math.max(1, Math.ceil(bLeft / 1000)));
  if (hit.stop >= 0) {
    // Kong 3.9: Retry-After is one of the client headers hide_client_headers hides
    const headers: Record<string, string> = {};
    if (!conf.hide_client_headers) {
      headers["Retry-After"] = reset;
      headers["RateLimit-Limit"] = String(bLimit);
      headers["RateLimit-Remaining"] = String(bRemaining);
      headers["RateLimit-Reset"] = reset;
      Object.assign(headers, perPeriod);
    }
    kit.response.error(conf.error_code, conf.error_message, headers);
    return;
  }
  if (conf.hide_client_headers) return;
  perPeriod["RateLimit-Limit"] = String(bLimit);
  perPeriod["RateLimit-Remaining"] = String(bRemaining);
  perPeriod["RateLimit-Reset"] = reset;
  kit.response.setHeaders(perPeriod);
}

/** policy redis: per request (sync_rate -1), or Kong's batched counting (sync_rate seconds). */
function redisHitting(
  kit: Kit,
  conf: RateLimitingConfig,
  counters: Counter[],
  now: number,
): Promise<HitResult> {
  if (conf.sync_rate === SYNC_RATE_REALTIME) return redisHit(conf.redis, counters);
  const log = kit.log; // kept by a later flush: the logger, not the request
  return batchedHit(conf.redis, conf.sync_rate, counters, now, (err) =>
    log.error(
      { err, plugin: "rate-limiting", redis: `${conf.redis.host ?? ""}:${conf.redis.port}` },
      "rate-limiting: failed to send batched counts to Redis (sync_rate); they are dropped",
    ),
  );
}

async function sharedAccess(
  kit: Kit,
  conf: RateLimitingConfig,
  counters: Counter[],
  now: number,
  hitting: Promise<HitResult>,
): Promise<void> {
  let hit: HitResult;
  try {
    hit = await hitting;
  } catch (err) {
    logFailure(kit, conf, err, now);
    if (conf.fault_tolerant) return;
    throw new Error(`rate-limiting: failed to get usage from ${storeName(conf)}`, { cause: err });
  }
  applyHit(kit, conf, counters, hit);
}

/**
 * policy local in a one-process data plane answers synchronously (no promise per request); redis,
 * and local under --workers (the primary's node-wide counters), await the shared counters.
 */
function access(kit: Kit, conf: RateLimitingConfig): Promise<void> | undefined {
  const now = Date.now();
  const counters = countersOf(kit, conf, now);
  if (conf.policy === "redis") {
    return sharedAccess(kit, conf, counters, now, redisHitting(kit, conf, counters, now));
  }
  const node = nodeCounters.get(conf);
  if (node !== undefined) {
    const hit = node.hit(counters, now);
    if (!(hit instanceof Promise)) applyHit(kit, conf, counters, hit);
    else return sharedAccess(kit, conf, counters, now, hit);
    return undefined;
  }
  applyHit(kit, conf, counters, localCounters.hit(counters, now));
  return undefined;
}

export const rateLimiting = definePlugin({
  name: "rate-limiting",
  version: "1.0.0",
  priority: 910,
  configSchema: rateLimitingSchema,
  phases: { access },
  bind(config, options) {
    if (config.policy !== "local" || options.nodeCounters === undefined) {
      return { ok: true, config };
    }
    const own = { ...config };
    nodeCounters.set(own, options.nodeCounters);
    return { ok: true, config: own };
  },
  retain: async (configs) => {
    const redis = configs.filter((c) => c.policy === "redis").map((c) => c.redis);
    // counts batched for a Redis no config uses any more are sent before its client closes
    await flushBatches(redis);
    await retainRateLimitRedis(redis);
  },
  dispose: async () => {
    await flushBatches();
    await retainRateLimitRedis([]);
  },
  meta: {
    title: "Rate Limiting",
    category: "traffic control",
    summary:
      "Limits requests per second, minute, hour, day, month or year, counted in memory or in Redis (shared by every data plane).",
    icon: "gauge",
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
