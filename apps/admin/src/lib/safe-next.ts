/** Control characters (C0, DEL, C1): URL parsers drop tabs and newlines, so "/\t/evil" is "//evil". */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Where to go after signing in: the `next` parameter when it is a URL on `origin` (the admin's
 * own), else "/". Used wherever `next` is read: the login page (server) and the login form
 * (browser, with `window.location.origin`), so both apply the browser's own URL parsing.
 */
export function safeNext(value: unknown, origin: string): string {
  const next = Array.isArray(value) ? (value[0] as unknown) : value;
  if (typeof next !== "string" || next === "" || CONTROL.test(next)) return "/";
  try {
    return new URL(next, origin).origin === new URL(origin).origin ? next : "/";
  } catch {
    return "/";
  }
}
