/**
 * Request host parsing. What a route's `hosts[]` may hold, and what each entry matches, is the
 * route rule `routeHost` in @gatehouse/config (Kong's wildcard and port rules); the request side
 * splits the Host header the same way.
 */
import { splitHostPort } from "@gatehouse/config";

export type { HostKind, HostSpec } from "@gatehouse/config";

/** Splits a request Host header (or absolute-form authority) into a lowercase host and port. */
export function parseRequestHost(raw: string | undefined): { host: string; port: number | null } {
  if (raw === undefined || raw.length === 0) return { host: "", port: null };
  const split = splitHostPort(raw.toLowerCase());
  if ("error" in split) return { host: raw.toLowerCase(), port: null };
  if ("badPort" in split) return { host: split.host, port: null };
  return split;
}
