import ipaddr from "ipaddr.js";

/**
 * The upstream deny list: addresses (and ports) a data plane never connects to, whatever a service
 * or target says. One rule per string:
 *
 * - `169.254.0.0/16`, `100.100.100.200`, `fe80::/10`, `fd00:ec2::254`: an address or CIDR, any port
 * - `127.0.0.0/8:8001`, `10.0.0.5:5432`: IPv4 with a port
 * - `[::1]:8001`, `[fd00::/8]:443`: IPv6 with a port (in brackets)
 * - `*:5432`: that port on every address
 *
 * The data plane checks the address it actually connects to (after DNS resolution), so a host name
 * resolving to a denied address is refused too. IPv4-mapped IPv6 addresses (`::ffff:169.254.169.254`)
 * match the IPv4 rules.
 */

/**
 * Denied when a document sets no `upstream_deny`: link-local ranges and cloud metadata endpoints,
 * and the "this host" addresses (connecting to 0.0.0.0 or :: reaches the machine's own listeners).
 */
export const DEFAULT_UPSTREAM_DENY: readonly string[] = Object.freeze([
  "169.254.0.0/16", // IPv4 link-local: 169.254.169.254 (AWS, GCP, Azure, OCI, OpenStack), 169.254.170.2 (ECS)
  "fe80::/10", // IPv6 link-local
  "fd00:ec2::254", // AWS instance metadata over IPv6
  "100.100.100.200", // Alibaba Cloud metadata
  "168.63.129.16", // Azure WireServer / host endpoint
  "0.0.0.0/8", // "this host"
  "::/128", // unspecified IPv6: this host
]);

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

export interface UpstreamDenyRule {
  /** the rule as written */
  readonly text: string;
  /** null = every address */
  readonly range: readonly [Addr, number] | null;
  /** null = every port */
  readonly port: number | null;
}

const PORT_RE = /^\d{1,5}$/;

function parsePort(text: string): number | string {
  if (!PORT_RE.test(text)) return "the port must be a number between 1 and 65535";
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : "the port must be a number between 1 and 65535";
}

function parseRange(text: string): readonly [Addr, number] | string {
  const bad = `"${text}" is not an IP address or CIDR (e.g. 169.254.0.0/16, fe80::/10)`;
  try {
    if (text.includes("/")) {
      const [addr, bits] = ipaddr.parseCIDR(text);
      if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
        return [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96];
      }
      return [addr, bits];
    }
    if (!ipaddr.isValid(text)) return bad;
    // only the dotted-quad form of IPv4 (ipaddr also takes "127.1" or "0x7f.0.0.1")
    if (!text.includes(":") && !ipaddr.IPv4.isValidFourPartDecimal(text)) return bad;
    const addr = ipaddr.process(text);
    return [addr, addr.kind() === "ipv4" ? 32 : 128];
  } catch {
    return bad;
  }
}

/** One rule, or the reason it is not one. */
export function parseUpstreamDenyRule(input: string): UpstreamDenyRule | string {
  const text = input.trim();
  if (text === "") return "must not be empty";
  if (text.length > 100) return "must be at most 100 characters";
  if (text.startsWith("*:")) {
    const port = parsePort(text.slice(2));
    return typeof port === "string" ? port : { text, range: null, port };
  }
  if (text.startsWith("[")) {
    const m = /^\[([^\]]+)\]:(.*)$/.exec(text);
    if (!m) return `"${text}": an IPv6 rule in brackets needs a port, e.g. [::1]:8001`;
    const range = parseRange(m[1] as string);
    if (typeof range === "string") return range;
    const port = parsePort(m[2] as string);
    return typeof port === "string" ? port : { text, range, port };
  }
  const colons = text.split(":").length - 1;
  if (colons === 1) {
    const [addr = "", portText = ""] = text.split(":");
    const range = parseRange(addr);
    if (typeof range === "string") return range;
    const port = parsePort(portText);
    return typeof port === "string" ? port : { text, range, port };
  }
  const range = parseRange(text);
  return typeof range === "string" ? range : { text, range, port: null };
}

/** The reasons the rules at these indexes are invalid (empty when every rule is valid). */
export function checkUpstreamDeny(rules: readonly string[]): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  rules.forEach((r, index) => {
    const parsed = parseUpstreamDenyRule(r);
    if (typeof parsed === "string") out.push({ index, message: parsed });
  });
  return out;
}

/** A compiled deny list. */
export class UpstreamDenyList {
  readonly rules: readonly UpstreamDenyRule[];

  /** Throws a TypeError naming the first invalid rule. */
  constructor(rules: readonly string[]) {
    this.rules = rules.map((r, i) => {
      const parsed = parseUpstreamDenyRule(r);
      if (typeof parsed === "string") throw new TypeError(`upstream deny rule ${i}: ${parsed}`);
      return parsed;
    });
  }

  /** The rule denying a connection to `address`:`port`, or undefined when it is allowed. */
  denies(address: string, port: number): UpstreamDenyRule | undefined {
    let addr: Addr;
    try {
      addr = ipaddr.process(address.replace(/^\[|\]$/g, ""));
    } catch {
      return undefined; // not an address (the caller checks resolved addresses only)
    }
    const kind = addr.kind();
    for (const rule of this.rules) {
      if (rule.port !== null && rule.port !== port) continue;
      if (rule.range === null) return rule;
      const [net, bits] = rule.range;
      if (net.kind() === kind && addr.match(net, bits)) return rule;
    }
    return undefined;
  }
}

/**
 * Rules for a listener of this machine on `port`: loopback (127.0.0.0/8, ::1) and the unspecified
 * addresses (0.0.0.0/8, ::), which all reach a listener on the loopback interface.
 */
export function localPortRules(port: number): string[] {
  return [`127.0.0.0/8:${port}`, `[::1]:${port}`, `0.0.0.0/8:${port}`, `[::]:${port}`];
}

/** `host:port` of an address as a rule (IPv6 in brackets). */
export function addressPortRule(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}
