import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import { LocalCounters } from "./local.js";
import { closeAllRedis, redisHit, retainRedis } from "./redis.js";
import type { Period, RateLimitingConfig } from "./schema.js";
import { PERIODS, rateLimitingSchema } from "./schema.js";
import type { Counter, HitResult } from "./windows.js";
import { windowOf } from "./windows.js";

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

/** policy local: this data plane's counters */
export const localCounters = new LocalCounters();

function idOf(v: unknown): string | undefined {
  if (v !== null && typeof v === "object") {
    const id = (v as { id?: unknown }).id;
    if (typeof id === "string" && id !== "") return id;
  }
  return undefined;
}

/** Kong's get_identifier: what is counted, falling back to the client IP. */
export function identifierOf(kit: Kit, conf: RateLimitingConfig): string {
  let id: string | undefined;
  switch (conf.limit_by) {
    case "service":
      id = idOf(kit.router.getService());
      break;
    case "consumer":
      id = idOf(kit.client.getConsumer()) ?? idOf(kit.client.getCredential());
      break;
    case "credential":
      id = idOf(kit.client.getCredential());
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
  return id ?? kit.client.getIp();
}

function countersOf(kit: Kit, conf: RateLimitingConfig, now: number): Counter[] {
  // one hash tag per instance + identifier: every counter of a request lives in one Redis Cluster slot
  const base = `ratelimit:{${kit.instanceId ?? "-"}:${identifierOf(kit, conf)}}`;
  const out: Counter[] = [];
  for (const period of PERIODS) {
    const limit = conf[period];
    if (limit == null) continue;
    const w = windowOf(period, now);
    out.push({ period, limit, key: `${base}:${w.start}:${period}`, left: w.end - now });
  }
  return out;
}

const lastFailureLog = new WeakMap<RateLimitingConfig, number>();

function logFailure(kit: Kit, conf: RateLimitingConfig, err: unknown, now: number): void {
  const last = lastFailureLog.get(conf) ?? 0;
  if (now - last < 5000) return; // at most one line per 5 s per config while Redis is down
  lastFailureLog.set(conf, now);
  kit.log.error(
    { err, plugin: "rate-limiting", redis: `${conf.redis.host ?? ""}:${conf.redis.port}` },
    conf.fault_tolerant
      ? "rate-limiting: failed to get usage from Redis; proxying without limiting (fault_tolerant)"
      : "rate-limiting: failed to get usage from Redis",
  );
}

async function access(kit: Kit, conf: RateLimitingConfig): Promise<void> {
  const now = Date.now();
  const counters = countersOf(kit, conf, now);
  let hit: HitResult;
  try {
    hit =
      conf.policy === "redis"
        ? await redisHit(conf.redis, counters)
        : localCounters.hit(counters, now);
  } catch (err) {
    logFailure(kit, conf, err, now);
    if (conf.fault_tolerant) return;
    throw new Error("rate-limiting: failed to get usage from Redis", { cause: err });
  }

  // Kong's headers: per period, plus RateLimit-* for the period with the least remaining
  // (ties: the longer window)
  const headers: Record<string, string> = {};
  let best: { remaining: number; limit: number; window: number; reset: number } | undefined;
  counters.forEach((c, i) => {
    const used = hit.usage[i] ?? 0;
    let remaining = c.limit - used;
    if (hit.stop < 0 || hit.stop === i) remaining -= 1;
    remaining = Math.max(0, remaining);
    const window = WINDOW_SECONDS[c.period];
    if (
      best === undefined ||
      remaining < best.remaining ||
      (remaining === best.remaining && window > best.window)
    ) {
      best = { remaining, limit: c.limit, window, reset: Math.max(1, Math.ceil(c.left / 1000)) };
    }
    headers[`X-RateLimit-Limit-${TITLE[c.period]}`] = String(c.limit);
    headers[`X-RateLimit-Remaining-${TITLE[c.period]}`] = String(remaining);
  });
  const b = best as NonNullable<typeof best>;
  const shown: Record<string, string> = conf.hide_client_headers
    ? {}
    : {
        "RateLimit-Limit": String(b.limit),
        "RateLimit-Remaining": String(b.remaining),
        "RateLimit-Reset": String(b.reset),
        ...headers,
      };
  if (hit.stop >= 0) {
    kit.response.error(conf.error_code, conf.error_message, {
      ...shown,
      "Retry-After": String(b.reset),
    });
    return;
  }
  if (!conf.hide_client_headers) kit.response.setHeaders(shown);
}

export const rateLimiting = definePlugin({
  name: "rate-limiting",
  version: "1.0.0",
  priority: 910,
  configSchema: rateLimitingSchema,
  phases: { access },
  retain: (configs) => retainRedis(configs.filter((c) => c.policy === "redis").map((c) => c.redis)),
  dispose: () => closeAllRedis(),
  meta: {
    title: "Rate Limiting",
    category: "traffic control",
    summary:
      "Limits requests per second, minute, hour, day, month or year, counted in memory or in Redis (shared by every data plane).",
    icon: "gauge",
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
