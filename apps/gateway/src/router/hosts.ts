/**
 * Host parsing for routes and requests.
 *
 * Kong (gateway/routing/traditional, "Using wildcard hostnames"): wildcard hostnames must contain
 * only one asterisk, at the leftmost or the rightmost label: `*.example.com` matches
 * `a.example.com` and `x.y.example.com`; `example.*` matches `example.com` and `example.org`.
 * Kong's compat router (kong/router/compat.lua) turns a route host `h:port` into
 * `http.host == h && net.port == port`: a host without a port matches any port, a host with a
 * port only that port. Host comparison is case-insensitive (hostnames are, RFC 4343).
 */

export type HostKind = "exact" | "suffix" | "prefix";

export interface HostSpec {
  kind: HostKind;
  /** exact: the hostname; suffix: `.example.com` (from `*.example.com`); prefix: `example.` */
  value: string;
  port: number | null;
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;

function splitPort(
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

function parsePort(s: string): number | null {
  if (!/^[0-9]{1,5}$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : null;
}

/** Parses and validates a route's `hosts[]` entry. */
export function parseRouteHost(raw: string): HostSpec | { error: string } {
  if (typeof raw !== "string" || raw.length === 0)
    return { error: "host must be a non-empty string" };
  const lower = raw.toLowerCase();
  const split = splitPort(lower);
  if ("error" in split) return { error: `invalid host '${raw}': ${split.error}` };
  if ("badPort" in split) return { error: `invalid port in host '${raw}'` };
  const { host, port } = split;
  if (host.startsWith("[")) {
    if (!/^\[[0-9a-f:.]+\]$/.test(host)) return { error: `invalid IPv6 host '${raw}'` };
    return { kind: "exact", value: host, port };
  }
  const stars = host.split("*").length - 1;
  if (stars > 1) return { error: `invalid wildcard host '${raw}': only one '*' is allowed` };
  let kind: HostKind = "exact";
  let labels: string[];
  if (stars === 1) {
    if (host.startsWith("*.")) kind = "suffix";
    else if (host.endsWith(".*")) kind = "prefix";
    else {
      return {
        error: `invalid wildcard host '${raw}': the '*' must be the leftmost or rightmost label`,
      };
    }
    labels = kind === "suffix" ? host.slice(2).split(".") : host.slice(0, -2).split(".");
  } else {
    labels = host.split(".");
  }
  for (const label of labels) {
    if (!LABEL.test(label)) return { error: `invalid host '${raw}'` };
  }
  if (kind === "suffix") return { kind, value: host.slice(1), port };
  if (kind === "prefix") return { kind, value: host.slice(0, -1), port };
  return { kind, value: host, port };
}

/** Splits a request Host header (or absolute-form authority) into a lowercase host and port. */
export function parseRequestHost(raw: string | undefined): { host: string; port: number | null } {
  if (raw === undefined || raw.length === 0) return { host: "", port: null };
  const split = splitPort(raw.toLowerCase());
  if ("error" in split) return { host: raw.toLowerCase(), port: null };
  if ("badPort" in split) return { host: split.host, port: null };
  return split;
}
