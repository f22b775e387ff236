import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { addressPortRule, localPortRules } from "@gatehouse/config";

const WILDCARDS = new Set(["", "0.0.0.0", "::"]);
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/**
 * Upstream deny rules for this data plane's own listeners (proxy, control endpoint) and its control
 * plane: a service pointing at them would let anyone reach the control endpoint or the admin
 * through the proxy. Each listener's port is denied on loopback and the unspecified addresses, on
 * its own address, and, for a wildcard listener, on every address of this machine. The control
 * plane's port is denied on its address when that is an IP address or localhost.
 */
export function localDenyRules(
  listeners: readonly { host: string; port: number }[],
  controlPlaneUrl: string | undefined,
): string[] {
  const rules = new Set<string>();
  const local = (host: string, port: number): void => {
    if (port <= 0) return;
    for (const r of localPortRules(port)) rules.add(r);
    const bare = host.replace(/^\[|\]$/g, "");
    if (WILDCARDS.has(bare)) {
      for (const list of Object.values(networkInterfaces())) {
        for (const a of list ?? []) rules.add(addressPortRule(a.address, port));
      }
    } else if (isIP(bare) !== 0) rules.add(addressPortRule(bare, port));
  };
  for (const l of listeners) local(l.host, l.port);
  if (controlPlaneUrl !== undefined) {
    try {
      const url = new URL(controlPlaneUrl);
      const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
      const host = url.hostname.replace(/^\[|\]$/g, "");
      if (LOOPBACK_NAMES.has(host) || WILDCARDS.has(host)) local("127.0.0.1", port);
      else if (isIP(host) !== 0) rules.add(addressPortRule(host, port));
    } catch {
      // an invalid URL is reported by the control-plane agent
    }
  }
  return [...rules];
}
