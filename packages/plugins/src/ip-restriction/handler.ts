import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import ipaddr from "ipaddr.js";
import { readme } from "../shared/readme.js";
import type { IpRestrictionConfig } from "./schema.js";
import { ipRestrictionSchema } from "./schema.js";

/** Kong ≥ 3.4's default rejection names the client address: `IP address not allowed: <ip>`. */
export const notAllowed = (ip: string): string => `IP address not allowed: ${ip}`;
export const ERR_NO_CLIENT_IP = "Cannot identify the client IP address";

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

function compile(list: readonly string[] | null | undefined): Range[] {
  if (!list) return [];
  return list.map((s): Range => {
    if (s.includes("/")) {
      const [addr, bits] = ipaddr.parseCIDR(s);
      // "::ffff:10.0.0.0/104" style ranges are matched as IPv4
      if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
        return [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96];
      }
      return [addr, bits];
    }
    const addr = ipaddr.process(s);
    return [addr, addr.kind() === "ipv4" ? 32 : 128];
  });
}

function matches(ip: ipaddr.IPv4 | ipaddr.IPv6, ranges: Range[]): boolean {
  for (const [addr, bits] of ranges) {
    if (addr.kind() === ip.kind() && ip.match(addr, bits)) return true;
  }
  return false;
}

// parsed ranges per config object (configs are immutable per snapshot)
const compiled = new WeakMap<IpRestrictionConfig, { allow: Range[]; deny: Range[] }>();

function rangesOf(conf: IpRestrictionConfig): { allow: Range[]; deny: Range[] } {
  let r = compiled.get(conf);
  if (!r) {
    r = { allow: compile(conf.allow), deny: compile(conf.deny) };
    compiled.set(conf, r);
  }
  return r;
}

function access(kit: Kit, conf: IpRestrictionConfig): void {
  const status = conf.status ?? 403;
  const raw = kit.client.getForwardedIp();
  if (!ipaddr.isValid(raw)) {
    kit.response.error(403, ERR_NO_CLIENT_IP);
    return;
  }
  const ip = ipaddr.process(raw); // IPv4-mapped IPv6 → IPv4
  const { allow, deny } = rangesOf(conf);
  if ((deny.length > 0 && matches(ip, deny)) || (allow.length > 0 && !matches(ip, allow))) {
    kit.response.error(status, conf.message ?? notAllowed(ip.toString()));
  }
}

export const ipRestriction = definePlugin({
  name: "ip-restriction",
  version: "1.0.0",
  priority: 990,
  configSchema: ipRestrictionSchema,
  phases: { access },
  meta: {
    title: "IP Restriction",
    category: "security",
    summary: "Allows or denies requests by client IPv4/IPv6 address or CIDR range.",
    icon: "network",
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
