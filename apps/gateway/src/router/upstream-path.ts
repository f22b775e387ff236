/**
 * The path sent upstream: Kong's `path_handling` "v0" (the default, and the only one in the
 * traditional_compatible and expressions flavors). kong/router/atc.lua computes
 *
 *   request_postfix = strip_path ? req_uri:sub(#matched_path + 1) : req_uri:sub(2)
 *   request_postfix = sanitize_uri_postfix(request_postfix)
 *   upstream_base   = service.path or "/"
 *
 * and kong/router/utils.lua `get_upstream_uri_v0` joins them as segments:
 *
 * | base ends with / | strip_path | postfix            | upstream path                      |
 * |------------------|------------|--------------------|------------------------------------|
 * | yes              | true       | ""                 | "/" if base is "/"; else base if   |
 * |                  |            |                    | the request ends with "/"; else    |
 * |                  |            |                    | base without its trailing slash    |
 * | yes              | true       | starts with "/"    | base minus "/" .. postfix          |
 * | yes              | true       | other              | base .. postfix                    |
 * | yes              | false      | -                  | base .. request path minus "/"     |
 * | no               | true       | ""                 | base .. "/" if the request path is |
 * |                  |            |                    | longer than "/" and ends with "/", |
 * |                  |            |                    | else base                          |
 * | no               | true       | starts with "/"    | base .. postfix                    |
 * | no               | true       | other              | base .. "/" .. postfix             |
 * | no               | false      | -                  | base if the request path is "/",   |
 * |                  |            |                    | else base .. request path          |
 *
 * The query string is not part of this: the caller appends `?query` when there is one.
 */
import type { RouteSpec } from "./route-spec.js";
import type { RouteMatch } from "./router.js";

/** Kong `sanitize_uri_postfix`: a postfix made only of dot segments contributes nothing. */
function sanitizePostfix(postfix: string): string {
  if (postfix === "." || postfix === "..") return "";
  if (postfix.startsWith("./")) return postfix.slice(2);
  if (postfix.startsWith("../")) return postfix.slice(3);
  return postfix;
}

/**
 * @param route the matched route; `strip_path` defaults to true, as in Kong.
 * @param match the router's match (only `matchedPath` is used; "" for routes without paths).
 * @param normalizedPath the request path from `normalizePath`.
 * @param servicePath the service's `path`; absent, null or "" means "/".
 */
export function upstreamPath(
  route: Pick<RouteSpec, "id" | "strip_path">,
  match: Pick<RouteMatch<unknown>, "matchedPath">,
  normalizedPath: string,
  servicePath?: string | null,
): string {
  return upstreamPathOf(route.strip_path ?? true, match.matchedPath, normalizedPath, servicePath);
}

/** `upstreamPath` from the route's `strip_path` and the matched part of the path. */
export function upstreamPathOf(
  stripPath: boolean,
  matchedPath: string,
  normalizedPath: string,
  servicePath?: string | null,
): string {
  const base =
    servicePath === undefined || servicePath === null || servicePath === "" ? "/" : servicePath;
  const reqUri = normalizedPath;
  const postfix = sanitizePostfix(
    stripPath && matchedPath !== "" ? reqUri.slice(matchedPath.length) : reqUri.slice(1),
  );

  if (base.endsWith("/")) {
    if (!stripPath) return base + reqUri.slice(1);
    if (postfix === "") {
      if (base === "/") return "/";
      return reqUri.endsWith("/") ? base : base.slice(0, -1);
    }
    if (postfix.startsWith("/")) return base.slice(0, -1) + postfix;
    return base + postfix;
  }

  if (stripPath) {
    if (postfix === "") return reqUri.length > 1 && reqUri.endsWith("/") ? base + "/" : base;
    if (postfix.startsWith("/")) return base + postfix;
    return base + "/" + postfix;
  }
  return reqUri === "/" ? base : base + reqUri;
}

/**
 * The Host header for the upstream request: the client's when the route has `preserve_host`,
 * else the service's (Kong: `upstream_host = matched_route.preserve_host and req_host or nil`).
 */
export function upstreamHost(
  route: Pick<RouteSpec, "id" | "preserve_host">,
  requestHost: string | undefined,
  serviceHost: string,
): string {
  return route.preserve_host === true && requestHost !== undefined && requestHost !== ""
    ? requestHost
    : serviceHost;
}
