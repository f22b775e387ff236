/**
 * Path normalization, one set of rules for route paths (configuration, checked by the admin and
 * every data plane) and request paths (the gateway, once per request).
 *
 * Kong ("Path normalization", gateway/routing/traditional): to prevent route-match bypasses the
 * request URI is normalized per RFC 3986 before matching:
 *   1. percent-encoded triplets are converted to uppercase (`/foo%3a` -> `/foo%3A`);
 *   2. percent-encoded triplets of unreserved characters are decoded (`/fo%6F` -> `/foo`);
 *   3. dot segments are removed (`/foo/./bar/../baz` -> `/foo/baz`);
 *   4. duplicate slashes are merged (`/foo//bar` -> `/foo/bar`).
 *
 * On top of that (nginx, which Kong runs on, answers these with 400 as well) we refuse paths
 * whose meaning would depend on the upstream's own decoding: an encoded `/` (%2F), a backslash raw
 * or encoded (%5C), NUL (%00), `..` climbing above the root, and malformed percent-encoding. A
 * route path with any of these could never match a request, so the configuration refuses it.
 */

export const ERR_BAD_PERCENT = "invalid percent-encoding in path";
export const ERR_ENCODED_SLASH = "encoded '/' (%2F) is not allowed in path";
export const ERR_BACKSLASH = "'\\' (raw or %5C) is not allowed in path";
export const ERR_NUL = "NUL (%00) is not allowed in path";
export const ERR_ESCAPES_ROOT = "'..' segment escapes the root of the path";
export const ERR_BAD_CHAR = "invalid character in request-target";
export const ERR_FRAGMENT = "fragment ('#') is not allowed in request-target";

export type PathResult = { ok: true; path: string } | { ok: false; reason: string };

const HEX = "0123456789ABCDEF";

function hexVal(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 65 && code <= 70) return code - 55; // A-F
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

/** RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~" */
function isUnreserved(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    code === 45 ||
    code === 46 ||
    code === 95 ||
    code === 126
  );
}

/** Printable ASCII that is not a valid URI character but that some clients send unencoded. */
const ENCODE_AS_IS = new Set([0x22, 0x3c, 0x3e, 0x5e, 0x60, 0x7b, 0x7c, 0x7d]); // " < > ^ ` { | }

/**
 * Steps 1 and 2: uppercase percent-encodings, decode unreserved ones, reject the forbidden ones.
 * `regexMode` is used for regex route paths: a decoded character that is a regex metacharacter
 * gets a backslash, as Kong does (among the unreserved characters only `.` is one), and the
 * characters a regex legitimately contains (`\`, `#`, `{`, `|`, ...) are kept as they are.
 */
function decodeUnreserved(raw: string, regexMode: boolean): PathResult {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === 0x25 /* % */) {
      const hi = i + 1 < raw.length ? hexVal(raw.charCodeAt(i + 1)) : -1;
      const lo = i + 2 < raw.length ? hexVal(raw.charCodeAt(i + 2)) : -1;
      if (hi < 0 || lo < 0) {
        // In a regex a lone `%` is just a literal (e.g. `%[0-9A-F]{2}`); Kong only rewrites
        // well-formed triplets there.
        if (regexMode) {
          out += "%";
          continue;
        }
        return { ok: false, reason: ERR_BAD_PERCENT };
      }
      const byte = hi * 16 + lo;
      i += 2;
      if (byte === 0x2f) return { ok: false, reason: ERR_ENCODED_SLASH };
      if (byte === 0x5c) return { ok: false, reason: ERR_BACKSLASH };
      if (byte === 0x00) return { ok: false, reason: ERR_NUL };
      if (isUnreserved(byte)) {
        const ch = String.fromCharCode(byte);
        out += regexMode && byte === 0x2e ? "\\." : ch;
      } else {
        out += "%" + HEX[hi] + HEX[lo];
      }
      continue;
    }
    if (code === 0x5c /* \ */ && !regexMode) return { ok: false, reason: ERR_BACKSLASH };
    if (code === 0x23 /* # */ && !regexMode) return { ok: false, reason: ERR_FRAGMENT };
    if (code <= 0x20 || code >= 0x7f) return { ok: false, reason: ERR_BAD_CHAR };
    if (!regexMode && ENCODE_AS_IS.has(code)) {
      out += "%" + HEX[code >> 4] + HEX[code & 15];
      continue;
    }
    out += raw[i];
  }
  return { ok: true, path: out };
}

/**
 * True when decodeUnreserved would return `raw` unchanged: no `%`, backslash, `#`, control or
 * non-ASCII character, nothing it would percent-encode.
 */
function isPlainPath(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f || code === 0x25 || code === 0x5c || code === 0x23)
      return false;
    if (ENCODE_AS_IS.has(code)) return false;
  }
  return true;
}

/**
 * Steps 3 and 4 on an already decoded path that starts with `/`: merge duplicate slashes and
 * remove dot segments (RFC 3986 5.2.4). A `..` with nothing left to pop escapes the root.
 */
function removeDotSegments(path: string): PathResult {
  if (path.indexOf("//") === -1 && path.indexOf(".") === -1) return { ok: true, path };
  const segments = path.split("/");
  const out: string[] = [];
  // segments[0] is "" (leading slash). The last segment decides the trailing slash.
  let trailingSlash = false;
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i] as string;
    const last = i === segments.length - 1;
    if (seg === "" || seg === ".") {
      if (last) trailingSlash = true;
      continue;
    }
    if (seg === "..") {
      if (out.length === 0) return { ok: false, reason: ERR_ESCAPES_ROOT };
      out.pop();
      if (last) trailingSlash = true;
      continue;
    }
    out.push(seg);
    trailingSlash = false;
  }
  if (out.length === 0) return { ok: true, path: "/" };
  return { ok: true, path: "/" + out.join("/") + (trailingSlash ? "/" : "") };
}

/** Full normalization of a path (no query) that must start with `/`. */
export function normalizePathOnly(rawPath: string): PathResult {
  if (isPlainPath(rawPath)) return removeDotSegments(rawPath); // nothing to decode or reject
  const decoded = decodeUnreserved(rawPath, false);
  if (!decoded.ok) return decoded;
  return removeDotSegments(decoded.path);
}

/**
 * Kong normalizes a regex route path with steps 1 and 2 only, escaping a decoded character that
 * became a regex metacharacter. Used on configuration, not on requests.
 */
export function normalizeRegexRoutePath(regexBody: string): PathResult {
  return decodeUnreserved(regexBody, true);
}
