/**
 * Adapter between the gateway and the router (./router, compiled once per snapshot): the router
 * indexes the gateway's route entries (their normalized routes read in place) and this exposes one
 * `match` that also computes the upstream path (strip_path + service path, Kong's rules).
 */
import type { IncomingHttpHeaders } from "node:http";
import type { UriCaptures } from "@gatehouse/plugin-kit";
import type { NormalizedRoute, NormalizedService } from "@gatehouse/config";
import { normalizePath } from "./normalize.js";
import type { NormalizedTarget } from "./normalize.js";
import { tryCompileRouterOf } from "./router.js";
import type { RouteFields, Router } from "./router.js";
import { upstreamPathOf } from "./upstream-path.js";
import { ConfigCompileError } from "../config/state.js";

export interface RoutableEntry {
  /** its `source` (where the document declared it) is where a compile error points */
  route: NormalizedRoute;
  service: NormalizedService | null;
}

export interface RoutedRequest<T> {
  entry: T;
  /** the path to send upstream (strip_path and service path applied), without query */
  upstreamPath: string;
  /** the route's regex captures (numbered and named), when its path is a regex */
  captures?: UriCaptures;
}

export interface RouteTable<T> {
  match(
    method: string,
    host: string,
    path: string,
    headers: IncomingHttpHeaders,
  ): RoutedRequest<T> | undefined;
}

/** Request-target → normalized path + raw query, or a 400 reason (the router's rules). */
export function normalizeTarget(url: string): NormalizedTarget {
  return normalizePath(url);
}

/** The router reads the entries' normalized routes as they are: no RouteSpec copied per route. */
const ENTRY_FIELDS: RouteFields<RoutableEntry> = {
  id: (e) => e.route.id,
  matchers: (e) => e.route,
  regexPriority: (e) => e.route.regexPriority,
};

export function compileRoutes<T extends RoutableEntry>(entries: readonly T[]): RouteTable<T> {
  const compiled = tryCompileRouterOf(entries, ENTRY_FIELDS as RouteFields<T>);
  if (!compiled.ok) {
    throw new ConfigCompileError(
      compiled.errors.map((e) => {
        const m = /^routes\[(\d+)\](.*)$/.exec(e.path);
        const source = m ? entries[Number(m[1])]?.route.source : undefined;
        return {
          path: source !== undefined && m ? source + (m[2] ?? "") : e.path,
          message: e.message,
        };
      }),
    );
  }
  const router: Router<T> = compiled.router;
  return {
    match(method, host, path, headers) {
      const m = router.match({ method, host, path, headers });
      if (m === null) return undefined;
      const entry = m.route;
      return {
        entry,
        upstreamPath: upstreamPathOf(
          entry.route.stripPath,
          m.matchedPath,
          path,
          entry.service?.path ?? null,
        ),
        ...(m.captures ? { captures: m.captures } : {}),
      };
    },
  };
}
