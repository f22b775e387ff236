// Who the client is, behind trusted reverse proxies: one rule for the data plane (X-Real-IP,
// plugins' client address) and the control plane (sign-in throttle, audit log).
import { BlockList, isIP } from "node:net";

export interface TrustedProxies {
  /** true when `address` (IPv4, IPv6 or IPv4-mapped IPv6) is inside one of the trusted CIDRs */
  contains(address: string): boolean;
}

/** `::ffff:192.0.2.1` → `192.0.2.1`; anything else unchanged. */
export function unmapIPv4(address: string): string {
  if (address.charCodeAt(0) !== 58 /* ":" */) return address; // IPv4, or IPv6 not starting with "::"
  const lower = address.toLowerCase();
  if (lower.startsWith("::ffff:") && isIP(address.slice(7)) === 4) return address.slice(7);
  return address;
}

/** The empty list: nobody is trusted, no address parsing per request. */
export const NO_TRUSTED_PROXIES: TrustedProxies = { contains: () => false };

/**
 * Parses trusted proxy addresses / CIDRs once. Throws naming the entry (`trustedProxies[i]`)
 * and the reason.
 */
export function compileTrustedProxies(cidrs: readonly string[]): TrustedProxies {
  if (cidrs.length === 0) return NO_TRUSTED_PROXIES;
  const list = new BlockList();
  cidrs.forEach((entry, i) => {
    const [addr = "", prefixText, extra] = entry.trim().split("/");
    const family = isIP(addr);
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (
      family === 0 ||
      extra !== undefined ||
      (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) ||
      prefix > max
    ) {
      throw new Error(
        `trustedProxies[${i}]: "${entry}" is not an IP address or CIDR (e.g. 10.0.0.0/8)`,
      );
    }
    list.addSubnet(addr, prefix, family === 4 ? "ipv4" : "ipv6");
  });
  return {
    contains(address: string): boolean {
      const ip = unmapIPv4(address);
      const family = isIP(ip);
      if (family === 0) return false;
      return list.check(ip, family === 4 ? "ipv4" : "ipv6");
    },
  };
}

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy; then, from the real-IP header
 * (`forwardedFor`: X-Forwarded-For, X-Real-IP, ...), the right-most entry that is not itself a trusted
 * proxy (nginx / Kong `real_ip_recursive on`), or its last entry (`recursive` false). A
 * malformed entry stops the walk at the last address a trusted hop vouched for. Client-sent
 * X-Forwarded-For from an untrusted peer is never read.
 */
export function clientAddress(
  peer: string,
  forwardedFor: string | undefined,
  trusted: TrustedProxies,
  recursive = true,
): string {
  let address = unmapIPv4(peer);
  if (address === "" || trusted === NO_TRUSTED_PROXIES || !trusted.contains(address)) {
    return address;
  }
  const chain = forwardedFor ? forwardedFor.split(",") : [];
  if (!recursive) {
    // nginx real_ip_recursive off: the last address of the header, whatever it is
    const last = unmapIPv4((chain[chain.length - 1] ?? "").trim());
    return isIP(last) === 0 ? address : last;
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    const candidate = unmapIPv4((chain[i] ?? "").trim());
    if (candidate === "") continue;
    if (isIP(candidate) === 0) break;
    address = candidate;
    if (!trusted.contains(candidate)) break;
  }
  return address;
}

/** Kong's real_ip_header / real_ip_recursive (kong.conf), as the data plane applies them. */
export interface RealIpSettings {
  /**
   * lower-case name of the header the client address is read from (behind trusted proxies), or
   * `proxy_protocol` (REAL_IP_PROXY_PROTOCOL): the connection's PROXY protocol header's source address
   */
  header: string;
  recursive: boolean;
}

/** Gatehouse's defaults (Kong's are X-Real-IP and off; see the gateway README). */
export const DEFAULT_REAL_IP: RealIpSettings = { header: "x-forwarded-for", recursive: true };

/** real_ip_header's value naming the PROXY protocol header instead of an HTTP header (Kong's) */
export const REAL_IP_PROXY_PROTOCOL = "proxy_protocol";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Checks a real_ip_header value: a header name (any case), or Kong's `proxy_protocol` (the data plane
 * then needs a listener reading PROXY protocol headers). Returns the lower-case name or the problem.
 */
export function parseRealIpHeader(value: string): { header: string } | { error: string } {
  const v = value.trim();
  if (!TOKEN.test(v)) return { error: `"${value}" is not a header name` };
  return { header: v.toLowerCase() };
}
