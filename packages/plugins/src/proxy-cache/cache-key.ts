import { createHash } from "node:crypto";
import type { Kit } from "@gatehouse/plugin-kit";
import type { ProxyCacheConfig } from "./schema.js";
import { entityId } from "../shared/entity.js";

/** A query argument or header: a value, several values, or `true` (a query key without `=`). */
export type ArgValue = string | string[] | true;
export type Args = Record<string, ArgValue>;

/** Kong's generate_key_from: "field=value(:field=value)*" for the fields present, arrays sorted and joined by ",". */
function generateKeyFrom(args: Args, fields: readonly string[], lookup: (k: string) => string) {
  const parts: string[] = [];
  for (const field of fields) {
    const arg = args[lookup(field)];
    if (arg === undefined) continue;
    if (Array.isArray(arg)) parts.push(`${field}=${[...arg].sort().join(",")}`);
    else if (arg === true) parts.push(field);
    else parts.push(`${field}=${arg}`);
  }
  return parts.join(":");
}

/** Kong's params_key: the vary_query_params present, or every argument (sorted by name) when unset. */
export function paramsKey(params: Args, conf: Pick<ProxyCacheConfig, "vary_query_params">) {
  const vary = conf.vary_query_params ?? [];
  const fields = vary.length > 0 ? vary : Object.keys(params).sort();
  return generateKeyFrom(params, fields, (k) => k);
}

/** Kong's headers_key: the vary_headers present (names as configured, looked up case-insensitively), else "". */
export function headersKey(headers: Args, conf: Pick<ProxyCacheConfig, "vary_headers">) {
  const vary = conf.vary_headers ?? [];
  if (vary.length === 0) return "";
  return generateKeyFrom(headers, vary, (k) => k.toLowerCase());
}

/** Kong's prefix_uuid: "consumer:route", "route", or "default". */
export function prefixUuid(consumerId: string | undefined, routeId: string | undefined): string {
  if (consumerId !== undefined && routeId !== undefined) return `${consumerId}:${routeId}`;
  return routeId ?? "default";
}

/** Kong's build_cache_key: sha256 hex of "prefix|method|uri|params|headers". */
export function buildCacheKey(
  consumerId: string | undefined,
  routeId: string | undefined,
  method: string,
  uri: string,
  params: Args,
  headers: Args,
  conf: Pick<ProxyCacheConfig, "vary_query_params" | "vary_headers">,
): string {
  const text = `${prefixUuid(consumerId, routeId)}|${method}|${uri}|${paramsKey(params, conf)}|${headersKey(headers, conf)}`;
  return createHash("sha256").update(text).digest("hex");
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/** Kong's kong.request.get_query(): a key without "=" is `true`, a repeated key a list (first 100 arguments). */
export function queryArgs(raw: string): Args {
  const out: Args = {};
  if (raw === "") return out;
  let n = 0;
  for (const part of raw.split("&")) {
    if (part === "") continue;
    if (++n > 100) break;
    const i = part.indexOf("=");
    const key = decode(i < 0 ? part : part.slice(0, i));
    const value: string | true = i < 0 ? true : decode(part.slice(i + 1));
    const cur = out[key];
    if (cur === undefined) out[key] = value;
    else {
      const list = Array.isArray(cur) ? cur : [cur === true ? "" : cur];
      list.push(value === true ? "" : value);
      out[key] = list;
    }
  }
  return out;
}

/**
 * The request's cache key as Kong computes it. Kong's `uri` is nginx's request line with everything
 * from the first "?" removed: "GET /path" with a query string, "GET /path HTTP/1.1" without one.
 */
export function cacheKeyOf(kit: Kit, conf: ProxyCacheConfig): string {
  const method = kit.request.getMethod();
  const rawQuery = kit.request.getRawQuery();
  const line = `${method} ${kit.request.getPath()}${rawQuery === "" ? "" : `?${rawQuery}`} HTTP/1.1`;
  let uri = line.replace(/\?[\s\S]*$/, "");
  if (conf.ignore_uri_case) uri = uri.toLowerCase();
  const headers: Args = kit.request.getHeaders(1000).headers;
  return buildCacheKey(
    entityId(kit.client.getConsumer()),
    entityId(kit.router.getRoute()),
    method,
    uri,
    queryArgs(rawQuery),
    headers,
    conf,
  );
}
