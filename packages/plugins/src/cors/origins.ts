import type { CorsConfig } from "./schema.js";

export interface NormalizedOrigin {
  /** scheme://host[:port], default ports dropped; the raw value when it is not a URL */
  domain: string;
  host: string;
}

/** Kong's normalize_origin. */
export function normalizeOrigin(value: string): NormalizedOrigin {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { domain: value, host: value };
  }
  if (!url.hostname) return { domain: value, host: value };
  const scheme = url.protocol.slice(0, -1);
  return {
    domain: `${scheme}://${url.hostname}${url.port ? `:${url.port}` : ""}`,
    host: url.hostname,
  };
}

type Matcher = { regex: RegExp; byHost: boolean } | { domain: string };

export interface CompiledOrigins {
  /** ACAO is "*" (no origins, or just "*") */
  allowAll: boolean;
  /** a single plain origin: ACAO is always that value */
  single: string | undefined;
  /** one of the origins is "*": any request origin is allowed (ACAO "*") */
  anyStar: boolean;
  matchers: Matcher[];
}

const compiled = new WeakMap<CorsConfig, CompiledOrigins>();
const PLAIN = /^[A-Za-z0-9.:/-]+$/;

export function compileOrigins(conf: CorsConfig): CompiledOrigins {
  let c = compiled.get(conf);
  if (c) return c;
  const origins = conf.origins ?? [];
  const allowAll = origins.length === 0 || (origins.length === 1 && origins[0] === "*");
  const single = origins.length === 1 && PLAIN.test(origins[0] ?? "") ? origins[0] : undefined;
  const matchers: Matcher[] = [];
  for (let entry of origins) {
    if (entry === "*") continue;
    if (PLAIN.test(entry)) {
      matchers.push({ domain: normalizeOrigin(entry).domain });
      continue;
    }
    // Kong anchors regexes: a trailing "$" is added, a leading "^" is dropped (matching is anchored)
    if (!entry.endsWith("$")) entry = `${entry}$`;
    if (entry.startsWith("^")) entry = entry.slice(1);
    matchers.push({ regex: new RegExp(`^(?:${entry})`), byHost: !entry.includes(":") });
  }
  c = { allowAll, single, anyStar: origins.includes("*"), matchers };
  compiled.set(conf, c);
  return c;
}

/** The ACAO value for a request origin, or undefined when it is not allowed. */
export function matchOrigin(c: CompiledOrigins, reqOrigin: string): string | undefined {
  const n = normalizeOrigin(reqOrigin);
  for (const m of c.matchers) {
    const found = "regex" in m ? m.regex.test(m.byHost ? n.host : n.domain) : n.domain === m.domain;
    if (found) return n.domain;
  }
  return undefined;
}
