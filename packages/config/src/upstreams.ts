import { stableId } from "./ids.js";
import type { UpstreamDoc } from "./schema.js";
import { healthchecksWithDefaults } from "./upstream-schema.js";
import type { ConfigError, NormalizedHashing, NormalizedUpstream } from "./types.js";
import { parseServiceUrl, parseTarget } from "./validate.js";

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/** The message when two services with different ports name one upstream (exact text in tests). */
export const ERR_UPSTREAM_MERGES_SERVICES = (
  upstream: string,
  port: number,
  other: string,
  otherPort: number,
): string =>
  `names upstream ${JSON.stringify(upstream)} as ${other} does, but with port ${port} instead of ` +
  `${otherPort}: that upstream's targets would serve both services (a service balancing over an ` +
  `upstream does not use its port); give each service its own upstream`;

/**
 * decK's rule: a service whose `host` equals an upstream's `name` balances over that upstream's
 * targets, and its own `port` is not used. Several services may share one upstream on purpose,
 * but services naming the same upstream with different ports are two backends the upstream would
 * merge into one (what an export naming upstreams after a host two services share looks like):
 * such a document is refused, on the admin's import and on every data plane alike.
 */
export function checkUpstreamSharing(doc: Raw): ConfigError[] {
  const names = new Set<string>();
  for (const u of Array.isArray(doc.upstreams) ? doc.upstreams : []) {
    if (isObj(u) && typeof u.name === "string") names.add(u.name);
  }
  if (names.size === 0) return [];
  const errors: ConfigError[] = [];
  const firstUser = new Map<string, { path: string; port: number }>();
  (Array.isArray(doc.services) ? doc.services : []).forEach((s, i) => {
    if (!isObj(s)) return;
    let host: unknown;
    let port: unknown;
    let field: "url" | "host";
    if (typeof s.url === "string") {
      const parsed = parseServiceUrl(s.url);
      if (typeof parsed === "string") return; // reported elsewhere
      ({ host, port } = parsed);
      field = "url";
    } else {
      host = s.host;
      port = s.port ?? (s.protocol === "https" ? 443 : 80);
      field = "host";
    }
    if (typeof host !== "string" || typeof port !== "number" || !names.has(host)) return;
    const path = `services[${i}]`;
    const first = firstUser.get(host);
    if (first === undefined) firstUser.set(host, { path, port });
    else if (first.port !== port) {
      errors.push({
        path: `${path}.${field}`,
        message: ERR_UPSTREAM_MERGES_SERVICES(host, port, first.path, first.port),
      });
    }
  });
  return errors;
}

/**
 * Kong's entity checks on the hash settings (upstreams.lua): the field a `hash_on` /
 * `hash_fallback` choice reads must be set, the fallback is `none` when hashing on nothing or on
 * a cookie, and it never repeats `hash_on` (two different headers, query args or captures may).
 */
export function checkUpstreamFields(u: Raw, base: string): ConfigError[] {
  const errors: ConfigError[] = [];
  const on = typeof u.hash_on === "string" ? u.hash_on : "none";
  const fallback = typeof u.hash_fallback === "string" ? u.hash_fallback : "none";
  const need = (field: string, why: string): void => {
    if (u[field] === undefined || u[field] === null)
      errors.push({ path: `${base}.${field}`, message: `is required when ${why}` });
  };
  const fieldOf: Partial<Record<string, [string, string]>> = {
    header: ["hash_on_header", "hash_fallback_header"],
    query_arg: ["hash_on_query_arg", "hash_fallback_query_arg"],
    uri_capture: ["hash_on_uri_capture", "hash_fallback_uri_capture"],
    cookie: ["hash_on_cookie", "hash_on_cookie"],
  };
  const onField = fieldOf[on];
  if (onField) need(onField[0], `hash_on is "${on}"`);
  const fbField = fieldOf[fallback];
  if (fbField) need(fbField[1], `hash_fallback is "${fallback}"`);
  if ((on === "none" || on === "cookie") && fallback !== "none") {
    errors.push({
      path: `${base}.hash_fallback`,
      message: `must be "none" when hash_on is "${on}"`,
    });
  } else if (fallback !== "none" && fallback === on) {
    if (onField === undefined) {
      errors.push({ path: `${base}.hash_fallback`, message: `must differ from hash_on ("${on}")` });
    } else if (u[onField[0]] !== undefined && u[onField[0]] === u[onField[1]]) {
      errors.push({
        path: `${base}.${onField[1]}`,
        message: `must differ from ${onField[0]} (the fallback would read the same value)`,
      });
    }
  }
  return errors;
}

const orNull = (v: string | null | undefined): string | null => v ?? null;

/** An upstream's hash settings alone (the data plane's hash input; the admin's columns). */
export function hashingOf(u: NormalizedHashing): NormalizedHashing {
  return {
    hashOn: u.hashOn,
    hashFallback: u.hashFallback,
    hashOnHeader: u.hashOnHeader,
    hashFallbackHeader: u.hashFallbackHeader,
    hashOnCookie: u.hashOnCookie,
    hashOnCookiePath: u.hashOnCookiePath,
    hashOnQueryArg: u.hashOnQueryArg,
    hashFallbackQueryArg: u.hashFallbackQueryArg,
    hashOnUriCapture: u.hashOnUriCapture,
    hashFallbackUriCapture: u.hashFallbackUriCapture,
  };
}

/** An upstream of a valid document, Kong's defaults filled in. */
export function normalizeUpstream(u: UpstreamDoc): NormalizedUpstream {
  return {
    id: u.id ?? stableId(`upstream:${u.name}`),
    name: u.name,
    hostHeader: orNull(u.host_header),
    algorithm: u.algorithm ?? "round-robin",
    hashOn: u.hash_on ?? "none",
    hashFallback: u.hash_fallback ?? "none",
    hashOnHeader: orNull(u.hash_on_header),
    hashFallbackHeader: orNull(u.hash_fallback_header),
    hashOnCookie: orNull(u.hash_on_cookie),
    hashOnCookiePath: u.hash_on_cookie_path ?? "/",
    hashOnQueryArg: orNull(u.hash_on_query_arg),
    hashFallbackQueryArg: orNull(u.hash_fallback_query_arg),
    hashOnUriCapture: orNull(u.hash_on_uri_capture),
    hashFallbackUriCapture: orNull(u.hash_fallback_uri_capture),
    slots: u.slots ?? 10000,
    healthchecks: healthchecksWithDefaults(u.healthchecks),
    targets: (u.targets ?? []).map((t) => {
      const parsed = parseTarget(t.target) as { host: string; port: number };
      return {
        target: t.target,
        host: parsed.host,
        port: parsed.port,
        weight: t.weight ?? 100,
      };
    }),
    tags: u.tags ?? [],
  };
}
