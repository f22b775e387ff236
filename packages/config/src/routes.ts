/**
 * Route rules: what a route's matching fields (`methods`, `hosts`, `paths`, `headers`) may hold,
 * defined once. The document schema (schema.ts) checks every field value with these functions, the
 * fast path for large documents (validate.ts) calls the same functions, and the gateway's router
 * compiles routes with `compileRouteMatchers`, so a route the admin accepts is a route every data
 * plane compiles, and a refused one is refused with the same path and message on both sides.
 *
 * To add a route field: its rule goes here (and into the schema's route fields), its input into
 * the admin's route form.
 */
import { normalizePathOnly, normalizeRegexRoutePath } from "./normalize-path.js";

/** A rule's verdict on one value: the compiled value, or the user-facing reason it is refused. */
export type RuleResult<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): RuleResult<T> => ({ ok: true, value });
const no = <T>(message: string): RuleResult<T> => ({ ok: false, message });

export const ROUTE_LIMITS = {
  /** a route host name, without the port (RFC 1035) */
  hostLength: 253,
  /** one label of a host name */
  hostLabelLength: 63,
} as const;

export const ERR_NO_MATCHER = 'must set at least one of "methods", "hosts", "paths", "headers"';

// ---------- methods ----------

export const METHOD_RE = /^[A-Za-z]+$/;

/** `methods[]` entry → the upper-cased method. */
export function routeMethod(raw: string): RuleResult<string> {
  return METHOD_RE.test(raw) ? ok(raw.toUpperCase()) : no("must be an HTTP method (letters only)");
}

// ---------- hosts ----------

/**
 * Kong (gateway/routing/traditional, "Using wildcard hostnames"): one asterisk, at the leftmost or
 * the rightmost label: `*.example.com` matches `a.example.com` and `x.y.example.com`;
 * `example.*` matches `example.com` and `example.org`. A host without a port matches any port, a
 * host with a port only that port (kong/router/compat.lua). Hosts compare case-insensitively.
 */
export type HostKind = "exact" | "suffix" | "prefix";

export interface HostSpec {
  kind: HostKind;
  /** exact: the hostname; suffix: `.example.com` (from `*.example.com`); prefix: `example.` */
  value: string;
  port: number | null;
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;

function parsePort(s: string): number | null {
  if (!/^[0-9]{1,5}$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : null;
}

/** `host`, `host:port`, `[v6]` or `[v6]:port` (lower-cased input) → host and port. */
export function splitHostPort(
  input: string,
): { host: string; port: number | null } | { error: string } | { host: string; badPort: true } {
  if (input.startsWith("[")) {
    const end = input.indexOf("]");
    if (end === -1) return { error: "unterminated IPv6 literal" };
    const host = input.slice(0, end + 1);
    const rest = input.slice(end + 1);
    if (rest === "") return { host, port: null };
    if (!rest.startsWith(":")) return { error: "unexpected characters after IPv6 literal" };
    const port = parsePort(rest.slice(1));
    return port === null ? { host, badPort: true } : { host, port };
  }
  const colon = input.lastIndexOf(":");
  if (colon === -1) return { host: input, port: null };
  const host = input.slice(0, colon);
  const port = parsePort(input.slice(colon + 1));
  return port === null ? { host, badPort: true } : { host, port };
}

/** `hosts[]` entry → what the router matches on. */
export function routeHost(raw: string): RuleResult<HostSpec> {
  if (raw.length === 0) return no("must not be empty");
  const lower = raw.toLowerCase();
  const split = splitHostPort(lower);
  if ("error" in split) return no(`invalid host '${raw}': ${split.error}`);
  if ("badPort" in split) return no(`invalid port in host '${raw}'`);
  const { host, port } = split;
  if (host.startsWith("[")) {
    if (!/^\[[0-9a-f:.]+\]$/.test(host)) return no(`invalid IPv6 host '${raw}'`);
    return ok({ kind: "exact", value: host, port });
  }
  if (host.length > ROUTE_LIMITS.hostLength) {
    return no(`invalid host '${raw}': longer than ${ROUTE_LIMITS.hostLength} characters`);
  }
  const stars = host.split("*").length - 1;
  if (stars > 1) return no(`invalid wildcard host '${raw}': only one '*' is allowed`);
  let kind: HostKind = "exact";
  let labels: string[];
  if (stars === 1) {
    if (host.startsWith("*.")) kind = "suffix";
    else if (host.endsWith(".*")) kind = "prefix";
    else {
      return no(`invalid wildcard host '${raw}': the '*' must be the leftmost or rightmost label`);
    }
    labels = kind === "suffix" ? host.slice(2).split(".") : host.slice(0, -2).split(".");
  } else {
    labels = host.split(".");
  }
  for (const label of labels) {
    if (!LABEL.test(label) || label.length > ROUTE_LIMITS.hostLabelLength) {
      return no(`invalid host '${raw}'`);
    }
  }
  if (kind === "suffix") return ok({ kind, value: host.slice(1), port });
  if (kind === "prefix") return ok({ kind, value: host.slice(0, -1), port });
  return ok({ kind, value: host, port });
}

// ---------- paths ----------

export type RoutePath =
  /** a prefix path, normalized the way request paths are */
  | { kind: "prefix"; prefix: string }
  /** a `~` regex path, anchored at the start; `source` is the normalized regex text */
  | { kind: "regex"; regex: RegExp; source: string };

function regexReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const i = msg.lastIndexOf(": ");
  return i === -1 ? msg : msg.slice(i + 2);
}

/**
 * Kong's route regexes are PCRE: named groups `(?P<name>...)` and their back-references `(?P=name)`
 * become JavaScript's `(?<name>...)` and `\k<name>`. Escaped characters and character classes are
 * left as they are (`\(?P<` is a literal parenthesis, `[(?P<]` a class).
 */
export function pcreToJs(source: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === "\\") {
      out += source.slice(i, i + 2);
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      // a leading `]` (or `^]`) is a literal inside the class
      if (source[i + 1] === "^") out += source[++i];
      if (source[i + 1] === "]") out += source[++i];
      continue;
    }
    if (c === "(" && source.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
      continue;
    }
    if (c === "(" && source.startsWith("(?P=", i)) {
      const end = source.indexOf(")", i);
      if (end !== -1) {
        out += `\\k<${source.slice(i + 4, end)}>`;
        i = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/**
 * `paths[]` entry. A plain path must start with `/` and be one a request can carry after
 * normalization (normalize-path.ts): no encoded `/`, backslash, NUL, `..` above the root. Kong 3
 * regex paths start with `~`; the rest is the regex, normalized like a request path (steps 1 and
 * 2) and anchored as a whole (`^(?:...)`: Kong's plain `^` concatenation leaves later
 * alternatives (`~/a|/b`) unanchored, which makes `strip_path` cut at the wrong place).
 * `(?P<name>` (PCRE named group syntax, Kong's) is accepted and rewritten to JavaScript's `(?<name>`
 * (pcreToJs); the groups reach plugins as Kong's `uri_captures`.
 */
export function routePath(raw: string): RuleResult<RoutePath> {
  if (raw.length === 0) return no("must not be empty");
  if (raw.startsWith("~")) {
    const body = raw.slice(1);
    if (body.length === 0) return no("invalid regular expression: empty");
    const normalized = normalizeRegexRoutePath(body);
    if (!normalized.ok) return no(normalized.reason);
    try {
      const regex = new RegExp("^(?:" + pcreToJs(normalized.path) + ")");
      return ok({ kind: "regex", regex, source: normalized.path });
    } catch (e) {
      return no(`invalid regular expression: ${regexReason(e)}`);
    }
  }
  if (!raw.startsWith("/")) return no('must start with "/" or "~"');
  const n = normalizePathOnly(raw);
  return n.ok ? ok({ kind: "prefix", prefix: n.path }) : no(n.reason);
}

// ---------- headers ----------

export const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `headers` key → the lower-cased header name. */
export function routeHeaderName(raw: string): RuleResult<string> {
  if (!HEADER_NAME_RE.test(raw)) return no("must be a valid header name");
  const name = raw.toLowerCase();
  if (name === "host") return no('use "hosts" to match on the Host header');
  return ok(name);
}

export type HeaderValue =
  /** `~*` values: case-insensitive regexes, searched (not anchored), as Kong does */
  | { kind: "regex"; regex: RegExp }
  /** plain values compare case-insensitively: lower-cased */
  | { kind: "value"; value: string };

/** `headers` value list entry. */
export function routeHeaderValue(raw: string): RuleResult<HeaderValue> {
  if (raw.length === 0) return no("must not be empty");
  if (!raw.startsWith("~*")) return ok({ kind: "value", value: raw.toLowerCase() });
  try {
    return ok({ kind: "regex", regex: new RegExp(raw.slice(2), "i") });
  } catch (e) {
    return no(`invalid regular expression: ${regexReason(e)}`);
  }
}

export const ERR_HEADER_VALUES = "must list at least one value";

// ---------- the whole route ----------

/** The matching fields of a route, as the document (or a NormalizedRoute) holds them. */
export interface RouteMatcherFields {
  methods?: readonly string[] | null;
  hosts?: readonly string[] | null;
  paths?: readonly string[] | null;
  headers?: Readonly<Record<string, readonly string[]>> | null;
}

const isSet = (v: unknown): boolean =>
  Array.isArray(v)
    ? v.length > 0
    : typeof v === "object" && v !== null && Object.keys(v).length > 0;

/** A route must match on something: at least one matcher field set and not empty. */
export function hasMatcher(route: Readonly<Record<string, unknown>>): boolean {
  return isSet(route.methods) || isSet(route.hosts) || isSet(route.paths) || isSet(route.headers);
}

export interface HeaderMatcher {
  /** lower-case header name */
  name: string;
  /** lower-cased plain values */
  values: Set<string>;
  regexes: RegExp[];
}

export interface CompiledRouteMatchers {
  /** upper-cased, without duplicates; null when the route does not match on methods */
  methods: string[] | null;
  hosts: HostSpec[];
  headers: HeaderMatcher[];
  /** `index` is the position in `paths` */
  paths: { index: number; raw: string; path: RoutePath }[];
}

/** Where a rule refused a value: path segments below the route (`["paths", 0]`), and why. */
export type RouteRuleReport = (path: readonly (string | number)[], message: string) => void;

/**
 * Every route rule on one route, compiled: what the router matches with. Reports each refused
 * value (path below the route) and returns null when there was any. The document schema applies
 * the same rules value by value, so a validated document never reports here.
 */
export function compileRouteMatchers(
  route: RouteMatcherFields,
  report: RouteRuleReport,
): CompiledRouteMatchers | null {
  let failed = false;
  const check = <T>(path: readonly (string | number)[], r: RuleResult<T>): T | undefined => {
    if (r.ok) return r.value;
    failed = true;
    report(path, r.message);
    return undefined;
  };
  const methods: string[] = [];
  (route.methods ?? []).forEach((m, i) => {
    const method = check(["methods", i], routeMethod(m));
    if (method !== undefined && !methods.includes(method)) methods.push(method);
  });
  const hosts: HostSpec[] = [];
  (route.hosts ?? []).forEach((h, i) => {
    const host = check(["hosts", i], routeHost(h));
    if (host !== undefined) hosts.push(host);
  });
  const headers: HeaderMatcher[] = [];
  for (const [rawName, values] of Object.entries(route.headers ?? {})) {
    // under a refused name the values are not looked at (as the schema does)
    const name = check(["headers", rawName], routeHeaderName(rawName));
    if (name === undefined) continue;
    if (values.length === 0) check(["headers", rawName], no(ERR_HEADER_VALUES));
    const matcher: HeaderMatcher = { name, values: new Set(), regexes: [] };
    values.forEach((v, i) => {
      const value = check(["headers", rawName, i], routeHeaderValue(v));
      if (value?.kind === "regex") matcher.regexes.push(value.regex);
      else if (value?.kind === "value") matcher.values.add(value.value);
    });
    headers.push(matcher);
  }
  const paths: CompiledRouteMatchers["paths"] = [];
  (route.paths ?? []).forEach((raw, index) => {
    const path = check(["paths", index], routePath(raw));
    if (path !== undefined) paths.push({ index, raw, path });
  });
  if (!hasMatcher(route as Record<string, unknown>)) {
    failed = true;
    report([], ERR_NO_MATCHER);
  }
  if (failed) return null;
  return { methods: methods.length > 0 ? methods : null, hosts, headers, paths };
}
