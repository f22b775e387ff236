/**
 * The router's index, built by compileRouter (router.ts) once per configuration, then matched on
 * every request without scanning the routes.
 *
 * Precedence follows Kong 3's `traditional_compatible` flavor (developer.konghq.com
 * gateway/routing/traditional, "Determining priority for traditional compatible mode", and
 * kong/router/compat.lua `get_priority`). By descending significance:
 *   1. Match weight: one point for each of `methods`, `hosts`, `headers`, `paths` the route sets.
 *   2. Wildcard hosts: routes whose hosts are all plain come before routes with any wildcard host
 *      (and before routes with no hosts: compat.lua only sets the bit when hosts are present).
 *   3. Header count: more configured headers first.
 *   4. Regular expressions and prefix paths: a regex path comes before prefix paths and regex
 *      paths are ordered by `regex_priority` (higher first); prefix paths by length (longer
 *      first). "If a route contains prefix or regular expression paths, the priority of the route
 *      will be calculated separately for each of the paths" (Kong >= 3.x docs): each path of a
 *      route is ranked on its own.
 *   5. Kong leaves full ties undefined in this flavor ("traditional_compat doesn't use the Route's
 *      created_at value as a tie-breaker"); we make them deterministic: the route listed first
 *      wins (the `traditional` flavor's created_at rule), then the path listed first.
 *
 * Index layout: every (route, path) pair is an entry with a global rank from the order above.
 * Entries are filed into host buckets (exact host map, `*.suffix` map, `prefix.*` map, and a
 * bucket for routes without hosts); each bucket holds a radix tree of prefix paths, a radix tree
 * of regex paths keyed by the literal text their matches must start with (`~/users/\d+` under
 * `/users/`), and its path-less entries, all in rank order. A match probes only the buckets the
 * request's host can reach (a few map lookups per dot in the host), walks each radix tree along
 * the request path, and stops scanning a list as soon as its next entry cannot beat the best
 * match found so far.
 */
import type { UriCaptures } from "@gatehouse/plugin-kit";
import { parseRequestHost, type HostSpec } from "./hosts.js";
import { RadixTree } from "./radix.js";
import type { CompiledPath, ParsedRoute } from "./route-spec.js";
import type { MatchInput, RouteMatch, Router } from "./router.js";

interface Entry<R> {
  rank: number;
  route: ParsedRoute<R>;
  path: CompiledPath | null;
  methodMask: number;
  // sort keys
  weight: number;
  plainHostOnly: number;
  headerCount: number;
  isRegex: number;
  regexPriority: number;
  prefixLength: number;
}

interface Bucket<R> {
  /** Prefix paths by prefix. */
  tree: RadixTree<Entry<R>> | null;
  /** Regex paths by the literal text their matches start with. */
  regexTree: RadixTree<Entry<R>> | null;
  pathless: Entry<R>[];
}

function entry<R>(
  route: ParsedRoute<R>,
  path: CompiledPath | null,
  methodMask: number,
  weight: number,
  plainHostOnly: number,
  headerCount: number,
  isRegex: number,
  regexPriority: number,
  prefixLength: number,
): Entry<R> {
  return {
    rank: 0,
    route,
    path,
    methodMask,
    weight,
    plainHostOnly,
    headerCount,
    isRegex,
    regexPriority,
    prefixLength,
  };
}

function compareEntries<R>(a: Entry<R>, b: Entry<R>): number {
  return (
    b.weight - a.weight ||
    b.plainHostOnly - a.plainHostOnly ||
    b.headerCount - a.headerCount ||
    b.isRegex - a.isRegex ||
    b.regexPriority - a.regexPriority ||
    b.prefixLength - a.prefixLength ||
    a.route.index - b.route.index ||
    (a.path?.index ?? 0) - (b.path?.index ?? 0)
  );
}

function hostKey(value: string, port: number | null): string {
  return port === null ? value : `${value}:${port}`;
}

export class RadixRouter<R> implements Router<R> {
  readonly size: number;
  private readonly exact = new Map<string, Bucket<R>>();
  private readonly suffix = new Map<string, Bucket<R>>();
  private readonly prefix = new Map<string, Bucket<R>>();
  private readonly noHost: Bucket<R> = { tree: null, regexTree: null, pathless: [] };
  private readonly hasSuffix: boolean;
  private readonly hasPrefix: boolean;
  private readonly hasPorts: boolean;
  /** Method name -> bit; methods are matched with one AND against the route's mask. */
  private readonly methodBits = new Map<string, number>();
  /** Set when more distinct methods are configured than bits are available. */
  private readonly methodSets: boolean;

  constructor(routes: ParsedRoute<R>[]) {
    this.size = routes.length;
    for (const r of routes) {
      for (const m of r.methods ?? []) {
        if (!this.methodBits.has(m)) this.methodBits.set(m, this.methodBits.size);
      }
    }
    this.methodSets = this.methodBits.size > 31;

    const entries: Entry<R>[] = [];
    for (const r of routes) {
      const hasMethods = r.methods !== null;
      const hasHosts = r.hosts.length > 0;
      const hasHeaders = r.headers.length > 0;
      const hasPaths = r.paths.length > 0;
      const weight = +hasMethods + +hasHosts + +hasHeaders + +hasPaths;
      const plainHostOnly = hasHosts && r.hosts.every((h) => h.kind === "exact") ? 1 : 0;
      let methodMask = 0;
      if (!this.methodSets) {
        for (const m of r.methods ?? []) methodMask |= 1 << (this.methodBits.get(m) as number);
      }
      const headerCount = r.headers.length;
      if (!hasPaths) {
        entries.push(entry(r, null, methodMask, weight, plainHostOnly, headerCount, 0, 0, 0));
      }
      for (const p of r.paths) {
        entries.push(
          p.regex !== null
            ? entry(r, p, methodMask, weight, plainHostOnly, headerCount, 1, r.regexPriority, 0)
            : entry(
                r,
                p,
                methodMask,
                weight,
                plainHostOnly,
                headerCount,
                0,
                0,
                (p.prefix as string).length,
              ),
        );
      }
    }
    entries.sort(compareEntries);

    let hasSuffix = false;
    let hasPrefix = false;
    let hasPorts = false;
    entries.forEach((e, rank) => {
      e.rank = rank;
      const hosts = e.route.hosts;
      if (hosts.length === 0) {
        this.file(this.noHost, e);
        return;
      }
      const seen = hosts.length > 1 ? new Set<string>() : null;
      for (const h of hosts) {
        if (seen !== null) {
          const key = `${h.kind} ${hostKey(h.value, h.port)}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        if (h.port !== null) hasPorts = true;
        if (h.kind === "suffix") hasSuffix = true;
        if (h.kind === "prefix") hasPrefix = true;
        this.file(this.bucketFor(h), e);
      }
    });
    this.hasSuffix = hasSuffix;
    this.hasPrefix = hasPrefix;
    this.hasPorts = hasPorts;
  }

  private bucketFor(h: HostSpec): Bucket<R> {
    const map = h.kind === "exact" ? this.exact : h.kind === "suffix" ? this.suffix : this.prefix;
    const key = hostKey(h.value, h.port);
    let b = map.get(key);
    if (b === undefined) {
      b = { tree: null, regexTree: null, pathless: [] };
      map.set(key, b);
    }
    return b;
  }

  /** Entries arrive in rank order, so every list in a bucket stays sorted by rank. */
  private file(b: Bucket<R>, e: Entry<R>): void {
    if (e.path === null) b.pathless.push(e);
    else if (e.path.regex !== null)
      (b.regexTree ??= new RadixTree()).insert(e.path.literalPrefix, e);
    else (b.tree ??= new RadixTree()).insert(e.path.prefix as string, e);
  }

  match(input: MatchInput): RouteMatch<R> | null {
    const method = input.method.toUpperCase();
    const methodBit = this.methodSets ? 0 : 1 << (this.methodBits.get(method) ?? 31);
    const path = input.path;
    const headers = input.headers;

    let best: Entry<R> | null = null;
    let bestMatched = "";
    let bestExec: RegExpExecArray | null = null;

    const accepts = (e: Entry<R>): boolean => {
      const methods = e.route.methods;
      if (methods !== null) {
        if (this.methodSets ? !methods.includes(method) : (e.methodMask & methodBit) === 0) {
          return false;
        }
      }
      for (const h of e.route.headers) {
        if (!headerMatches(h.values, h.regexes, headers?.[h.name])) return false;
      }
      return true;
    };

    const visitPrefixes = (values: Entry<R>[], length: number) => {
      for (const e of values) {
        if (best !== null && e.rank >= best.rank) return;
        if (accepts(e)) {
          best = e;
          bestMatched = path.slice(0, length);
          bestExec = null;
          return;
        }
      }
    };

    const visitRegexes = (values: Entry<R>[]) => {
      for (const e of values) {
        if (best !== null && e.rank >= best.rank) return;
        if (!accepts(e)) continue;
        const m = (e.path as CompiledPath).regex!.exec(path);
        if (m !== null) {
          best = e;
          bestMatched = m[0];
          bestExec = m;
          return;
        }
      }
    };

    const probe = (b: Bucket<R> | undefined) => {
      if (b === undefined) return;
      b.tree?.forEachPrefixOf(path, visitPrefixes);
      b.regexTree?.forEachPrefixOf(path, visitRegexes);
      for (const e of b.pathless) {
        if (best !== null && e.rank >= best.rank) break;
        if (accepts(e)) {
          best = e;
          bestMatched = "";
          bestExec = null;
          break;
        }
      }
    };

    // no route has hosts: the request's Host needn't be parsed
    const { host, port: hostPort } =
      this.exact.size > 0 || this.hasSuffix || this.hasPrefix
        ? parseRequestHost(input.host)
        : NO_HOST;
    if (host.length > 0) {
      const port = hostPort ?? input.port ?? null;
      const withPort = this.hasPorts && port !== null;
      probe(this.exact.get(host));
      if (withPort) probe(this.exact.get(`${host}:${port}`));
      if (this.hasSuffix || this.hasPrefix) {
        for (let dot = host.indexOf("."); dot !== -1; dot = host.indexOf(".", dot + 1)) {
          if (this.hasSuffix && dot > 0) {
            const suffix = host.slice(dot);
            probe(this.suffix.get(suffix));
            if (withPort) probe(this.suffix.get(`${suffix}:${port}`));
          }
          if (this.hasPrefix) {
            const prefix = host.slice(0, dot + 1);
            probe(this.prefix.get(prefix));
            if (withPort) probe(this.prefix.get(`${prefix}:${port}`));
          }
        }
      }
    }
    probe(this.noHost);

    const found = best as Entry<R> | null;
    if (found === null) return null;
    const result: RouteMatch<R> = {
      route: found.route.spec,
      matchedPath: bestMatched,
      pathIsRegex: found.isRegex === 1,
      pathIndex: found.path?.index ?? -1,
    };
    const exec = bestExec as RegExpExecArray | null;
    if (exec !== null) {
      const c = captures(exec);
      if (c !== undefined) result.captures = c;
    }
    return result;
  }
}

const NO_HOST: { host: string; port: number | null } = { host: "", port: null };

function headerMatches(
  values: Set<string>,
  regexes: RegExp[],
  actual: string | string[] | undefined,
): boolean {
  if (actual === undefined) return false;
  if (typeof actual === "string") return headerValueMatches(values, regexes, actual);
  for (const v of actual) if (headerValueMatches(values, regexes, v)) return true;
  return false;
}

function headerValueMatches(values: Set<string>, regexes: RegExp[], v: string): boolean {
  if (values.size > 0 && values.has(v.toLowerCase())) return true;
  for (const re of regexes) if (re.test(v)) return true;
  return false;
}

/**
 * Kong's uri_captures (ngx.re.match's table, as kong.request.get_uri_captures splits it): every
 * group by position, named ones by name too, `false` for a group that took no part. Kong sets
 * none when the regex has no group.
 */
function captures(m: RegExpExecArray): UriCaptures | undefined {
  if (m.length < 2) return undefined;
  const unnamed: (string | false)[] = [];
  for (let i = 1; i < m.length; i++) unnamed.push(m[i] ?? false);
  const named: Record<string, string | false> = {};
  if (m.groups) for (const [k, v] of Object.entries(m.groups)) named[k] = v ?? false;
  return { named, unnamed };
}
