import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import { cacheKeyOf } from "./cache-key.js";
import type { Directives } from "./cache-control.js";
import { contentTypeMatches, parseDirectives, resourceTtl } from "./cache-control.js";
import type { ProxyCacheConfig } from "./schema.js";
import { proxyCacheSchema } from "./schema.js";
import type { CachedResponse } from "./store.js";
import { CACHE_VERSION } from "./store.js";
import { retainStrategies, strategyOf } from "./strategy.js";

type DiagnosticHeader = keyof ProxyCacheConfig["response_headers"];

/** What access() leaves for the response phases of a request that may be stored. */
interface Pending {
  key: string;
  headers?: Record<string, string | string[]>;
  ttl?: number;
}
const CTX = "proxy-cache";

/** Kong's hop-by-hop list (content-length included: it is recomputed) plus ratelimit-remaining headers. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailers",
  "transfer-encoding",
  "upgrade",
  "content-length",
]);
const DIAGNOSTIC = new Set(["age", "x-cache-status", "x-cache-key"]);

const nowSec = () => Math.floor(Date.now() / 1000);

/** The diagnostic headers are sent when configured, or always when the request has a Kong-Debug header. */
function wants(kit: Kit, conf: ProxyCacheConfig, header: DiagnosticHeader): boolean {
  return conf.response_headers[header] || kit.request.getHeader("kong-debug") !== undefined;
}

function setDiagnostic(kit: Kit, conf: ProxyCacheConfig, header: DiagnosticHeader, value: string) {
  if (wants(kit, conf, header)) kit.response.setHeader(header, value);
}

function signal(kit: Kit, conf: ProxyCacheConfig, key: string, status: string): void {
  kit.ctx.set(CTX, { key } satisfies Pending);
  setDiagnostic(kit, conf, "X-Cache-Status", status);
}

const numeric = (v: Directives[string] | undefined): number | undefined =>
  typeof v === "number" ? v : undefined;

function cacheableRequest(kit: Kit, conf: ProxyCacheConfig, cc: Directives): boolean {
  if (!(conf.request_method as readonly string[]).includes(kit.request.getMethod())) return false;
  return !(conf.cache_control && (cc["no-store"] || cc["no-cache"]));
}

function cacheableResponse(kit: Kit, conf: ProxyCacheConfig, cc: Directives): boolean {
  if (!conf.response_code.includes(kit.response.getStatus())) return false;
  const ct = kit.response.getHeaders(1000).headers["content-type"];
  if (ct === undefined || Array.isArray(ct) || ct === "") return false;
  if (!contentTypeMatches(ct, conf.content_type)) return false;
  if (!conf.cache_control) return true;
  if (cc.private || cc["no-store"] || cc["no-cache"]) return false;
  return resourceTtl(cc, expiresOf(kit), nowSec()) > 0;
}

function expiresOf(kit: Kit): string | undefined {
  const e = kit.response.getHeaders(1000).headers.expires;
  return Array.isArray(e) ? e[e.length - 1] : e;
}

/** Whether the client accepts the stored entry (Kong: max-age, max-stale, min-fresh; else cache_ttl). */
function fresh(conf: ProxyCacheConfig, cc: Directives, res: CachedResponse, now: number): boolean {
  const age = now - res.timestamp;
  if (!conf.cache_control) return age <= conf.cache_ttl;
  const maxAge = numeric(cc["max-age"]);
  if (maxAge !== undefined && age > maxAge) return false;
  const maxStale = numeric(cc["max-stale"]);
  if (maxStale !== undefined && age - res.ttl > maxStale) return false;
  const minFresh = numeric(cc["min-fresh"]);
  return !(minFresh !== undefined && res.ttl - age < minFresh);
}

/** What access() does with the entry found (or not) under `key`. */
function answer(
  kit: Kit,
  conf: ProxyCacheConfig,
  cc: Directives,
  key: string,
  res: CachedResponse | undefined,
): void {
  if (res === undefined) {
    // RFC 7234 5.2.1.7: the client only wants a stored response
    if (conf.cache_control && cc["only-if-cached"]) {
      kit.response.exit(504);
      return;
    }
    signal(kit, conf, key, "Miss");
    return;
  }
  if (res.version !== CACHE_VERSION) {
    void Promise.resolve(strategyOf(conf).purge(key)).catch(() => undefined);
    signal(kit, conf, key, "Bypass");
    return;
  }
  const now = nowSec();
  if (!fresh(conf, cc, res, now)) {
    signal(kit, conf, key, "Refresh");
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    const l = name.toLowerCase();
    if (HOP_BY_HOP.has(l) || DIAGNOSTIC.has(l) || l.includes("ratelimit-remaining")) continue;
    headers[name] = value;
  }
  if (wants(kit, conf, "age")) headers.age = String(Math.max(0, now - res.timestamp));
  if (wants(kit, conf, "X-Cache-Status")) headers["X-Cache-Status"] = "Hit";
  if (wants(kit, conf, "X-Cache-Key")) headers["X-Cache-Key"] = key;
  kit.response.exit(res.status, res.body, headers);
}

/** Kong: a strategy error is logged and the request proxied, neither served nor stored. */
function strategyFailed(kit: Kit, err: unknown): void {
  kit.log.error(
    { err: err instanceof Error ? err.message : String(err) },
    "proxy-cache: cache lookup failed",
  );
}

/** memory answers synchronously (no promise per request); redis awaits the shared store. */
function access(kit: Kit, conf: ProxyCacheConfig): Promise<void> | undefined {
  const cc = parseDirectives(kit.request.getHeaders(1000).headers["cache-control"]);
  if (!cacheableRequest(kit, conf, cc)) {
    setDiagnostic(kit, conf, "X-Cache-Status", "Bypass");
    return undefined;
  }
  const key = cacheKeyOf(kit, conf);
  setDiagnostic(kit, conf, "X-Cache-Key", key);
  const found = strategyOf(conf).fetch(key);
  if (!(found instanceof Promise)) {
    answer(kit, conf, cc, key, found);
    return undefined;
  }
  return found.then(
    (res) => answer(kit, conf, cc, key, res),
    (err: unknown) => strategyFailed(kit, err),
  );
}

function headerFilter(kit: Kit, conf: ProxyCacheConfig): void {
  const pending = kit.ctx.get(CTX) as Pending | undefined;
  if (pending === undefined) return; // not cacheable, or served from the cache
  const cc = parseDirectives(kit.response.getHeaders(1000).headers["cache-control"]);
  if (cacheableResponse(kit, conf, cc)) {
    pending.headers = { ...kit.response.getHeaders(1000).headers };
    pending.ttl = conf.cache_control ? resourceTtl(cc, expiresOf(kit), nowSec()) : conf.cache_ttl;
  } else {
    setDiagnostic(kit, conf, "X-Cache-Status", "Bypass");
    kit.ctx.delete(CTX);
  }
}

function bodyFilter(kit: Kit, conf: ProxyCacheConfig): void {
  const pending = kit.ctx.get(CTX) as Pending | undefined;
  if (pending?.headers === undefined || pending.ttl === undefined) return;
  const res: CachedResponse = {
    status: kit.response.getStatus(),
    headers: pending.headers,
    body: Buffer.from(kit.response.getRawBody()),
    timestamp: nowSec(),
    ttl: pending.ttl,
    version: CACHE_VERSION,
  };
  const ttl = conf.storage_ttl ?? (conf.cache_control ? pending.ttl : conf.cache_ttl);
  const stored = strategyOf(conf).store(pending.key, res, ttl);
  if (stored instanceof Promise)
    stored.catch((err: unknown) =>
      kit.log.error(
        { err: err instanceof Error ? err.message : String(err) },
        "proxy-cache: storing the response failed",
      ),
    );
}

export const proxyCache = definePlugin({
  name: "proxy-cache",
  version: "1.0.0",
  priority: 100,
  configSchema: proxyCacheSchema,
  phases: { access, header_filter: headerFilter, body_filter: bodyFilter },
  retain: (configs) => retainStrategies(configs),
  dispose: () => retainStrategies([]),
  meta: {
    title: "Proxy Cache",
    category: "traffic control",
    summary:
      "Caches upstream responses in the data plane's memory (bounded LRU) or in Redis (shared by data planes) by Kong's cache key, with X-Cache-Status and Age; purged through the admin API.",
    icon: "database",
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
