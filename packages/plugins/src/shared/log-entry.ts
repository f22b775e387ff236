import { credentialNamesOf, REDACTED, redactQuery } from "@gatehouse/plugin-kit";
import type { Kit } from "@gatehouse/plugin-kit";
import { applySerializeValues } from "./serialize.js";

const ALWAYS_REDACTED = new Set(["authorization", "proxy-authorization"]);

/** A copy of `record` with the values of `names` (lower-cased) replaced by REDACTED. */
function redacted(
  record: Readonly<Record<string, unknown>>,
  names: ReadonlySet<string> | null,
  always?: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  for (const k of Object.keys(out)) {
    const lower = k.toLowerCase();
    if (always?.has(lower) || names?.has(lower)) out[k] = REDACTED;
  }
  return out;
}

function entityRef(e: unknown, fields: readonly string[]): Record<string, unknown> | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const src = e as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (src[f] !== undefined) out[f] = src[f];
  return out;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** Kong's `latencies` (ms, rounded) from the data plane's logInfo: request, proxy (-1 when not proxied), kong. */
export function latenciesOf(info: Readonly<Record<string, unknown>>): {
  request: number;
  proxy: number;
  kong: number;
} {
  const total = num(info.total_ms) ?? 0;
  const proxy = num(info.upstream_ms);
  return {
    request: Math.round(total),
    proxy: proxy === undefined ? -1 : Math.round(proxy),
    kong: Math.round(proxy === undefined ? total : Math.max(0, total - proxy)),
  };
}

/** Kong's request.size / response.size: the data plane's counts, else the Content-Length headers. */
export function sizesOf(kit: Kit): { request: number; response: number } {
  const info = kit.logInfo ?? {};
  return {
    request: num(info.request_size) ?? (Number(kit.request.getHeader("content-length") ?? 0) || 0),
    response:
      num(info.response_size) ?? (Number(kit.response.getHeader("content-length") ?? 0) || 0),
  };
}

/**
 * Kong's log serializer shape (log phase): request (with `id`, the request's id), response, route, service, consumer, latencies (ms),
 * client_ip, started_at (ms since the epoch). The data plane's started_at / request_size / response_size
 * (logInfo) are preferred; without them, started_at is derived from total_ms and sizes from
 * Content-Length. Authorization headers are redacted, and so are the headers and query arguments the
 * data plane names as credentials (key-auth key names, jwt query names) in `logInfo`. Values plugins
 * set with setSerializeValue (correlation-id's `correlation_id`) are added last, as Kong does.
 */
export function serializeLog(kit: Kit): Record<string, unknown> {
  const info = kit.logInfo ?? {};
  const total = num(info.total_ms) ?? 0;
  const secrets = credentialNamesOf(info);
  const reqHeaders = redacted(kit.request.getHeaders().headers, secrets, ALWAYS_REDACTED);
  const resHeaders = kit.response.getHeaders().headers;
  const query = kit.request.getRawQuery();
  const path = kit.request.getPath();
  const uri = redactQuery(query === "" ? path : `${path}?${query}`, secrets);
  const host = kit.request.getHost();
  const port = kit.request.getPort();
  const consumer = kit.client.getConsumer();
  const sizes = sizesOf(kit);
  const entry: Record<string, unknown> = {
    request: {
      id: kit.request.getId(),
      method: kit.request.getMethod(),
      uri,
      url: `${kit.request.getScheme()}://${host}:${port}${uri}`,
      querystring:
        secrets === null ? kit.request.getQuery() : redacted(kit.request.getQuery(), secrets),
      headers: reqHeaders,
      size: sizes.request,
    },
    response: {
      status: num(info.status) ?? kit.response.getStatus(),
      headers: resHeaders,
      size: sizes.response,
    },
    route: entityRef(kit.router.getRoute(), ["id", "name", "paths", "hosts", "methods"]) ?? null,
    service:
      entityRef(kit.router.getService(), ["id", "name", "host", "port", "protocol", "path"]) ??
      null,
    latencies: latenciesOf(info),
    client_ip: kit.client.getForwardedIp(),
    started_at: Math.round(num(info.started_at) ?? Date.now() - total),
    source: kit.response.getSource(),
  };
  if (consumer) {
    entry.consumer = {
      id: consumer.id,
      username: consumer.username ?? null,
      custom_id: consumer.customId ?? null,
    };
  }
  const credential = kit.client.getCredential();
  if (credential) entry.authenticated_entity = { id: credential.id };
  applySerializeValues(kit, entry);
  return entry;
}
