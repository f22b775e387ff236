/**
 * The data plane's router: compiled once per configuration (route rules checked by
 * route-spec.ts, which calls @gatehouse/config's rules), then matched on every request without
 * scanning the routes. The index and its precedence rules are in radix-router.ts.
 */
import type { UriCaptures } from "@gatehouse/plugin-kit";
import { RadixRouter } from "./radix-router.js";
import { parseRoute, SPEC_FIELDS } from "./route-spec.js";
import type { ParsedRoute, RouteError, RouteFields, RouteSpec } from "./route-spec.js";
import { ERROR_CODES, GatewayError } from "../errors.js";

export type { RouteSpec, RouteError, RouteFields } from "./route-spec.js";
export { validateRoutes } from "./route-spec.js";

export interface MatchInput {
  method: string;
  /** Host header value (or the absolute-form authority), port included if sent. */
  host?: string | undefined;
  /** Normalized path (see normalizePath), without the query. */
  path: string;
  /**
   * Request headers with lowercase names, e.g. Node's `req.headersDistinct` (preferred: every
   * occurrence of a repeated header is matched separately, as Kong does) or `req.headers`.
   */
  headers?: Record<string, string | string[] | undefined>;
  /** Port the request came in on, used for route hosts with a port when Host has none. */
  port?: number;
}

export interface RouteMatch<R> {
  route: R;
  /**
   * The part of the path that matched: the route's prefix, or the whole regex match; "" when
   * the route has no paths. `strip_path` removes exactly this.
   */
  matchedPath: string;
  pathIsRegex: boolean;
  /** Index in `route.paths` of the path that matched, -1 when the route has no paths. */
  pathIndex: number;
  /** Regex captures in Kong's uri_captures shape, when the path is a regex with groups. */
  captures?: UriCaptures;
}

export interface Router<R> {
  match(input: MatchInput): RouteMatch<R> | null;
  readonly size: number;
}

export class RouterConfigError extends GatewayError {
  readonly code = ERROR_CODES.routesInvalid;
  constructor(readonly errors: RouteError[]) {
    super(
      "invalid routes: " +
        errors
          .slice(0, 5)
          .map((e) => `${e.path}: ${e.message}`)
          .join("; ") +
        (errors.length > 5 ? ` (and ${errors.length - 5} more)` : ""),
    );
    this.name = "RouterConfigError";
  }
}

/** Validates and compiles; returns the errors instead of a router when the routes are invalid. */
export function tryCompileRouter<R extends RouteSpec>(
  routes: readonly R[],
  basePath = "routes",
): { ok: true; router: Router<R> } | { ok: false; errors: RouteError[] } {
  return tryCompileRouterOf(routes, SPEC_FIELDS as RouteFields<R>, basePath);
}

/** `tryCompileRouter` over any route objects, read through `fields` (nothing copied per route). */
export function tryCompileRouterOf<R>(
  routes: readonly R[],
  fields: RouteFields<R>,
  basePath = "routes",
): { ok: true; router: Router<R> } | { ok: false; errors: RouteError[] } {
  const errors: RouteError[] = [];
  const parsed: ParsedRoute<R>[] = [];
  const ids = new Map<unknown, number>();
  routes.forEach((route, i) => {
    const p = parseRoute(route, i, `${basePath}[${i}]`, errors, fields);
    if (p) parsed.push(p);
    const id = fields.id(route);
    const first = ids.get(id);
    if (first !== undefined) {
      errors.push({
        path: `${basePath}[${i}].id`,
        message: `duplicate route id '${String(id)}' (also ${basePath}[${first}])`,
      });
    } else if (typeof id === "string") ids.set(id, i);
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, router: new RadixRouter(parsed) };
}

/**
 * Compiles routes into a router. Routes are expected to have passed `validateRoutes`; invalid
 * routes make it throw a `RouterConfigError` carrying the same `{ path, message }` list.
 */
export function compileRouter<R extends RouteSpec>(routes: readonly R[]): Router<R> {
  const result = tryCompileRouter(routes);
  if (!result.ok) throw new RouterConfigError(result.errors);
  return result.router;
}
