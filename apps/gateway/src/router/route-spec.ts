/**
 * Route specifications (Kong's Route entity, HTTP fields only) compiled for the router. What the
 * matching fields may hold is @gatehouse/config's route rules (`compileRouteMatchers`, the same
 * functions the document schema checks with, so the admin and every data plane agree); this file
 * only turns the compiled matchers into what the router indexes. Errors come back as
 * `{ path, message }` instead of being thrown, so every problem is reported at once.
 */
import { compileRouteMatchers, formatPath, joinPath } from "@gatehouse/config";
import type { HeaderMatcher, HostSpec, RouteMatcherFields } from "@gatehouse/config";

export type { HeaderMatcher } from "@gatehouse/config";

export interface RouteSpec {
  id: string;
  name?: string;
  hosts?: string[] | null;
  paths?: string[] | null;
  methods?: string[] | null;
  headers?: Record<string, string[]> | null;
  regex_priority?: number;
  strip_path?: boolean;
  preserve_host?: boolean;
  protocols?: string[];
}

/**
 * How the router reads what it needs from a route, so it can index the caller's own route objects
 * (the gateway's route entries) without a RouteSpec copied per route.
 */
export interface RouteFields<R> {
  id(route: R): unknown;
  /** methods, hosts, paths, headers (as a RouteSpec or a NormalizedRoute holds them) */
  matchers(route: R): RouteMatcherFields;
  regexPriority(route: R): number;
}

/** A RouteSpec's own fields. */
export const SPEC_FIELDS: RouteFields<RouteSpec> = {
  id: (r) => r?.id,
  matchers: (r) => r,
  regexPriority: (r) => r.regex_priority ?? 0,
};

export interface RouteError {
  path: string;
  message: string;
}

export interface CompiledPath {
  index: number;
  /** As configured. */
  raw: string;
  /** Normalized prefix for prefix paths, null for regex paths. */
  prefix: string | null;
  regex: RegExp | null;
  /**
   * Regex paths only: the literal text every match starts with (may be ""), so the router can
   * index regexes in a prefix tree and test only those whose literal start fits the request.
   */
  literalPrefix: string;
}

export interface ParsedRoute<R> {
  spec: R;
  index: number;
  regexPriority: number;
  methods: string[] | null;
  hosts: HostSpec[];
  headers: HeaderMatcher[];
  paths: CompiledPath[];
}

const REGEX_SPECIAL = "^$.|?*+()[]{}";

/** True when `body` has a `|` outside any group or character class. */
function hasTopLevelAlternation(body: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) return true;
  }
  return false;
}

/**
 * The literal characters every match of the (start-anchored) regex begins with: `/users/\\d+`
 * gives `/users/`, `/a/b?c` gives `/a/` (the `b` is optional), `/v1|/v2` gives "".
 */
export function regexLiteralPrefix(body: string): string {
  if (hasTopLevelAlternation(body)) return "";
  let out = "";
  for (let i = 0; i < body.length;) {
    const c = body[i] as string;
    let literal: string;
    let width = 1;
    if (c === "\\") {
      const next = body[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) break; // \d, \b, backreferences...
      literal = next;
      width = 2;
    } else if (REGEX_SPECIAL.includes(c)) {
      break;
    } else {
      literal = c;
    }
    const quantifier = body[i + width];
    if (quantifier === "?" || quantifier === "*" || quantifier === "{") break;
    out += literal;
    if (quantifier === "+") break;
    i += width;
  }
  return out;
}

/** Compiles one route; pushes errors (with paths under `base`) and returns null if invalid. */
export function parseRoute<R>(
  route: R,
  index: number,
  base: string,
  errors: RouteError[],
  fields: RouteFields<R>,
): ParsedRoute<R> | null {
  const before = errors.length;
  const id = fields.id(route);
  if (typeof id !== "string" || id.length === 0) {
    errors.push({ path: `${base}.id`, message: "must be a non-empty string" });
  }
  const compiled = compileRouteMatchers(fields.matchers(route), (path, message) =>
    errors.push({ path: joinPath(base, formatPath(path)), message }),
  );
  if (compiled === null || errors.length > before) return null;
  return {
    spec: route,
    index,
    regexPriority: fields.regexPriority(route),
    methods: compiled.methods,
    hosts: compiled.hosts,
    headers: compiled.headers,
    paths: compiled.paths.map(({ index: i, raw, path }) =>
      path.kind === "prefix"
        ? { index: i, raw, prefix: path.prefix, regex: null, literalPrefix: "" }
        : {
            index: i,
            raw,
            prefix: null,
            regex: path.regex,
            literalPrefix: regexLiteralPrefix(path.source),
          },
    ),
  };
}

/**
 * Validates a list of routes. Error paths are `${basePath}[i].field`, e.g.
 * `routes[3].paths[0]`. Route ids must be unique.
 */
export function validateRoutes(routes: readonly RouteSpec[], basePath = "routes"): RouteError[] {
  const errors: RouteError[] = [];
  if (!Array.isArray(routes)) return [{ path: basePath, message: "must be an array" }];
  const seen = new Map<string, number>();
  routes.forEach((route, i) => {
    parseRoute(route, i, `${basePath}[${i}]`, errors, SPEC_FIELDS);
    const id = route?.id;
    if (typeof id === "string" && id.length > 0) {
      const first = seen.get(id);
      if (first !== undefined) {
        errors.push({
          path: `${basePath}[${i}].id`,
          message: `duplicate route id '${id}' (also ${basePath}[${first}])`,
        });
      } else seen.set(id, i);
    }
  });
  return errors;
}
