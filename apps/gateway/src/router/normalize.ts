/**
 * Request-target normalization, done once per request. The resulting path is the one used to
 * match routes, the one plugins see and the one forwarded upstream. The path rules themselves
 * (Kong's RFC 3986 normalization and what is refused) are @gatehouse/config's
 * `normalizePathOnly`, the same function that checks route paths in the configuration.
 *
 * Request-target forms (RFC 9112 section 3.2):
 *   - origin-form (`/path?query`) is the normal case;
 *   - absolute-form (`http://host/path?query`, sent to proxies) is accepted: the path is extracted
 *     and the authority returned in `authority`, which per RFC 9112 3.2.2 replaces the Host header;
 *   - authority-form (CONNECT) and asterisk-form (`OPTIONS *`) are refused with 400. nginx (and so
 *     Kong) refuses `OPTIONS *` too; a gateway has no server-wide options to report, and a `*`
 *     path could never match a route anyway.
 */
import { ERR_BAD_CHAR, ERR_FRAGMENT, normalizePathOnly } from "@gatehouse/config";

export {
  ERR_BACKSLASH,
  ERR_BAD_CHAR,
  ERR_BAD_PERCENT,
  ERR_ENCODED_SLASH,
  ERR_ESCAPES_ROOT,
  ERR_FRAGMENT,
  ERR_NUL,
} from "@gatehouse/config";

export type NormalizedTarget =
  | { ok: true; path: string; query: string; authority?: string }
  | { ok: false; status: 400; reason: string };

export const ERR_EMPTY_TARGET = "empty request-target";
export const ERR_ASTERISK_FORM = "asterisk-form request-target (*) is not supported";
export const ERR_NOT_ORIGIN_FORM = "request-target must start with '/' (origin-form)";
export const ERR_BAD_ABSOLUTE_FORM = "absolute-form request-target must be an http(s) URL";

function fail(reason: string): NormalizedTarget {
  return { ok: false, status: 400, reason };
}

/**
 * Normalizes a request-target (`req.url`): path plus optional `?query`. The query is returned
 * verbatim (without the `?`), the path normalized as described at the top of this file.
 */
export function normalizePath(rawTarget: string): NormalizedTarget {
  if (rawTarget.length === 0) return fail(ERR_EMPTY_TARGET);
  let target = rawTarget;
  let authority: string | undefined;

  if (target.charCodeAt(0) !== 0x2f /* / */) {
    if (target === "*") return fail(ERR_ASTERISK_FORM);
    const m = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(target);
    if (!m) return fail(ERR_NOT_ORIGIN_FORM);
    authority = m[2] as string;
    if (authority.length === 0 || authority.includes("@")) return fail(ERR_BAD_ABSOLUTE_FORM);
    target = m[3] as string;
    if (target.length === 0 || target.charCodeAt(0) === 0x3f /* ? */) target = "/" + target;
  }

  const q = target.indexOf("?");
  const rawPath = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? "" : target.slice(q + 1);
  if (query.indexOf("#") !== -1) return fail(ERR_FRAGMENT);
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return fail(ERR_BAD_CHAR);
  }

  const path = normalizePathOnly(rawPath);
  if (!path.ok) return fail(path.reason);
  return authority === undefined
    ? { ok: true, path: path.path, query }
    : { ok: true, path: path.path, query, authority };
}
