/**
 * Route specifications (Kong's Route entity, HTTP fields only) and their validation.
 * Validation returns `{ path, message }` errors instead of throwing, so the configuration
 * validator can report every problem at once (`routes[3].paths[0]: invalid regex ...`).
 */
import { parseRouteHost, type HostSpec } from "./hosts.js";
import { normalizePathOnly, normalizeRegexRoutePath } from "./normalize.js";

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
  snis?: never;
}

export interface RouteError {
  path: string;
  message: string;
}

export const SUPPORTED_PROTOCOLS = ["http", "https", "grpc", "grpcs"] as const;

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

export interface HeaderMatcher {
  /** Lowercase header name. */
  name: string;
  /** Lowercased plain values. */
  values: Set<string>;
  /** `~*` values: case-insensitive regexes, searched (not anchored), as Kong does. */
  regexes: RegExp[];
}

export interface ParsedRoute<R> {
  spec: R;
  index: number;
  methods: string[] | null;
  hosts: HostSpec[];
  headers: HeaderMatcher[];
  paths: CompiledPath[];
}

const METHOD = /^[A-Z0-9!#$%&'*+.^_`|~-]+$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
}

function regexErrorMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const i = msg.lastIndexOf(": ");
  return i === -1 ? msg : msg.slice(i + 2);
}

/**
 * Kong 3 regex paths start with `~`; the rest is the regex, anchored at the start of the path
 * (compat.lua prefixes it with `^`). We anchor the whole expression (`^(?:...)`): Kong's plain
 * `^` concatenation leaves later alternatives (`~/a|/b`) unanchored, which makes `strip_path`
 * cut at the wrong place; anchoring all of them is what such a route means. `(?P<name>` (PCRE
 * named group syntax) is accepted and rewritten to JavaScript's `(?<name>`.
 */
export function compileRegexPath(
  raw: string,
): { regex: RegExp; literalPrefix: string } | { error: string } {
  const body = raw.slice(1);
  if (body.length === 0) return { error: "empty regex" };
  const normalized = normalizeRegexRoutePath(body);
  if (!normalized.ok) return { error: `invalid regex '${raw}': ${normalized.reason}` };
  try {
    const regex = new RegExp("^(?:" + normalized.path.replace(/\(\?P</g, "(?<") + ")");
    return { regex, literalPrefix: regexLiteralPrefix(normalized.path) };
  } catch (e) {
    return { error: `invalid regex '${raw}': ${regexErrorMessage(e)}` };
  }
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

/** Parses one route; pushes errors (with paths under `base`) and returns null if invalid. */
export function parseRoute<R extends RouteSpec>(
  route: R,
  index: number,
  base: string,
  errors: RouteError[],
): ParsedRoute<R> | null {
  const before = errors.length;
  const err = (field: string, message: string) =>
    errors.push({ path: `${base}.${field}`, message });

  if (route === null || typeof route !== "object") {
    errors.push({ path: base, message: "route must be an object" });
    return null;
  }
  if (typeof route.id !== "string" || route.id.length === 0)
    err("id", "must be a non-empty string");

  const methods: string[] = [];
  if (!isEmpty(route.methods)) {
    if (!Array.isArray(route.methods)) err("methods", "must be an array of strings");
    else {
      route.methods.forEach((m, i) => {
        if (typeof m !== "string" || !METHOD.test(m.toUpperCase())) {
          err(`methods[${i}]`, `invalid method '${String(m)}'`);
        } else if (!methods.includes(m.toUpperCase())) methods.push(m.toUpperCase());
      });
    }
  }

  const hosts: HostSpec[] = [];
  if (!isEmpty(route.hosts)) {
    if (!Array.isArray(route.hosts)) err("hosts", "must be an array of strings");
    else {
      route.hosts.forEach((h, i) => {
        const parsed = parseRouteHost(h);
        if ("error" in parsed) err(`hosts[${i}]`, parsed.error);
        else hosts.push(parsed);
      });
    }
  }

  const headers: HeaderMatcher[] = [];
  if (route.headers !== undefined && route.headers !== null) {
    if (typeof route.headers !== "object" || Array.isArray(route.headers)) {
      err("headers", "must be an object of header name to list of values");
    } else {
      for (const [rawName, values] of Object.entries(route.headers)) {
        const name = rawName.toLowerCase();
        const field = `headers.${rawName}`;
        if (!HEADER_NAME.test(name)) {
          err(field, `invalid header name '${rawName}'`);
          continue;
        }
        if (name === "host") {
          err(
            field,
            "cannot contain 'host' header, which must be specified in the 'hosts' attribute",
          );
          continue;
        }
        if (!Array.isArray(values) || values.length === 0) {
          err(field, "must be a non-empty array of strings");
          continue;
        }
        const matcher: HeaderMatcher = { name, values: new Set(), regexes: [] };
        values.forEach((v, i) => {
          if (typeof v !== "string" || v.length === 0) {
            err(`${field}[${i}]`, "must be a non-empty string");
          } else if (v.startsWith("~*")) {
            try {
              matcher.regexes.push(new RegExp(v.slice(2), "i"));
            } catch (e) {
              err(`${field}[${i}]`, `invalid regex '${v}': ${regexErrorMessage(e)}`);
            }
          } else {
            matcher.values.add(v.toLowerCase());
          }
        });
        headers.push(matcher);
      }
    }
  }

  const paths: CompiledPath[] = [];
  if (!isEmpty(route.paths)) {
    if (!Array.isArray(route.paths)) err("paths", "must be an array of strings");
    else {
      route.paths.forEach((p, i) => {
        if (typeof p !== "string" || p.length === 0) {
          err(`paths[${i}]`, "must be a non-empty string");
        } else if (p.startsWith("~")) {
          const re = compileRegexPath(p);
          if ("error" in re) err(`paths[${i}]`, re.error);
          else paths.push({ index: i, raw: p, prefix: null, ...re });
        } else if (!p.startsWith("/")) {
          err(`paths[${i}]`, `must start with '/' (or '~' for a regex): '${p}'`);
        } else {
          const n = normalizePathOnly(p);
          if (n.ok)
            paths.push({ index: i, raw: p, prefix: n.path, regex: null, literalPrefix: "" });
          else err(`paths[${i}]`, `invalid path '${p}': ${n.reason}`);
        }
      });
    }
  }

  if (route.regex_priority !== undefined && !Number.isSafeInteger(route.regex_priority)) {
    err("regex_priority", "must be an integer");
  }
  for (const flag of ["strip_path", "preserve_host"] as const) {
    if (route[flag] !== undefined && typeof route[flag] !== "boolean")
      err(flag, "must be a boolean");
  }
  if (route.protocols !== undefined) {
    if (!Array.isArray(route.protocols)) err("protocols", "must be an array of strings");
    else {
      route.protocols.forEach((p, i) => {
        if (!(SUPPORTED_PROTOCOLS as readonly string[]).includes(p)) {
          err(
            `protocols[${i}]`,
            `unsupported protocol '${String(p)}' (expected one of ${SUPPORTED_PROTOCOLS.join(", ")})`,
          );
        }
      });
    }
  }
  const snis = (route as { snis?: unknown }).snis;
  if (!isEmpty(snis)) err("snis", "SNI routing is not supported");

  const hasHeaders =
    typeof route.headers === "object" &&
    route.headers !== null &&
    Object.keys(route.headers).length > 0;
  if (isEmpty(route.methods) && isEmpty(route.hosts) && isEmpty(route.paths) && !hasHeaders) {
    errors.push({
      path: base,
      message: "must set at least one of 'methods', 'hosts', 'headers' or 'paths'",
    });
  }

  if (errors.length > before) return null;
  return {
    spec: route,
    index,
    methods: methods.length > 0 ? methods : null,
    hosts,
    headers,
    paths,
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
    parseRoute(route, i, `${basePath}[${i}]`, errors);
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
