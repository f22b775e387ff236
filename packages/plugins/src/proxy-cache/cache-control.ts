import { parseMime } from "../shared/mime.js";

/** Kong's parse_directive_header: `no-store, max-age=60` → { "no-store": true, "max-age": 60 }. */
export type Directives = Record<string, string | number | true>;

export function parseDirectives(h: string | string[] | undefined): Directives {
  const out: Directives = {};
  if (h === undefined) return out;
  const text = Array.isArray(h) ? h.join(", ") : h;
  for (const part of text.split(",")) {
    const m = /^\s*([^=]+)(?:=(.+))?/.exec(part);
    if (!m) continue;
    const key = (m[1] as string).toLowerCase();
    const raw = m[2];
    if (raw === undefined) out[key] = true;
    else {
      const n = Number(raw);
      out[key] = raw.trim() !== "" && Number.isFinite(n) ? n : raw;
    }
  }
  return out;
}

const num = (v: string | number | true | undefined): number | undefined =>
  typeof v === "number" ? v : undefined;

/**
 * Kong's calculate_resource_ttl: s-maxage, else max-age, else Expires (the last one) minus now; seconds,
 * at least 0. A directive given with a non-numeric value counts as 0, as in Kong (max(str, 0) fails there
 * and the entry is never stored).
 */
export function resourceTtl(cc: Directives, expires: string | undefined, nowSec: number): number {
  const given = cc["s-maxage"] ?? cc["max-age"];
  let maxAge: number | undefined = num(given);
  if (given === undefined && expires !== undefined) {
    const t = Date.parse(expires);
    if (!Number.isNaN(t)) maxAge = Math.floor(t / 1000) - nowSec;
  }
  return maxAge === undefined ? 0 : Math.max(maxAge, 0);
}

/** Kong 3.9's content type match: type and subtype equal or `*`, and exactly the same parameters. */
export function contentTypeMatches(actual: string, allowed: readonly string[]): boolean {
  const a = parseMime(actual);
  if (a === undefined) return false;
  const aKeys = Object.keys(a.params);
  return allowed.some((want) => {
    const e = parseMime(want);
    if (e === undefined) return false;
    if (e.type !== "*" && e.type !== a.type) return false;
    if (e.subtype !== "*" && e.subtype !== a.subtype) return false;
    const eKeys = Object.keys(e.params);
    return eKeys.length === aKeys.length && eKeys.every((k) => a.params[k] === e.params[k]);
  });
}
