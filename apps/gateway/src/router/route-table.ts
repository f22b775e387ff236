/**
 * Adapter between the gateway and the router (./router, compiled once per snapshot): builds
 * the router's RouteSpecs from normalized routes and exposes one `match` that also computes the
 * upstream path (strip_path + service path, Kong's rules).
 */
import type { IncomingHttpHeaders } from "node:http";
import type { UriCaptures } from "@gatehouse/plugin-kit";
import type { NormalizedRoute, NormalizedService } from "@gatehouse/config";
import { normalizePath } from "./normalize.js";
import type { NormalizedTarget } from "./normalize.js";
import { tryCompileRouter } from "./router.js";
import type { RouteSpec, Router } from "./router.js";
import { upstreamPath } from "./upstream-path.js";
import { ConfigCompileError } from "../config/state.js";

export interface RoutableEntry {
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

interface Spec<T> extends RouteSpec {
  entry: T;
}

export function compileRoutes<T extends RoutableEntry>(
  entries: readonly T[],
  sources?: readonly string[],
): RouteTable<T> {
  const specs: Spec<T>[] = entries.map((entry) => {
    const r = entry.route;
    return {
      id: r.id,
      ...(r.name !== null ? { name: r.name } : {}),
      hosts: r.hosts,
      paths: r.paths,
      methods: r.methods,
      headers: r.headers,
      regex_priority: r.regexPriority,
      strip_path: r.stripPath,
      preserve_host: r.preserveHost,
      protocols: r.protocols,
      entry,
    };
  });
  const compiled = tryCompileRouter(specs);
  if (!compiled.ok) {
    throw new ConfigCompileError(
      compiled.errors.map((e) => {
        const m = /^routes\[(\d+)\](.*)$/.exec(e.path);
        const source = m ? sources?.[Number(m[1])] : undefined;
        return {
          path: source !== undefined && m ? source + (m[2] ?? "") : e.path,
          message: e.message,
        };
      }),
    );
  }
  const router: Router<Spec<T>> = compiled.router;
  return {
    match(method, host, path, headers) {
      const m = router.match({ method, host, path, headers });
      if (m === null) return undefined;
      const spec = m.route;
      return {
        entry: spec.entry,
        upstreamPath: upstreamPath(spec, m, path, spec.entry.service?.path ?? null),
        ...(m.captures ? { captures: m.captures } : {}),
      };
    },
  };
}
